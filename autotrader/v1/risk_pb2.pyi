from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class VarMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VAR_METHOD_UNSPECIFIED: _ClassVar[VarMethod]
    VAR_METHOD_HISTORICAL: _ClassVar[VarMethod]
    VAR_METHOD_PARAMETRIC: _ClassVar[VarMethod]
    VAR_METHOD_CORNISH_FISHER: _ClassVar[VarMethod]
    VAR_METHOD_MONTE_CARLO: _ClassVar[VarMethod]
VAR_METHOD_UNSPECIFIED: VarMethod
VAR_METHOD_HISTORICAL: VarMethod
VAR_METHOD_PARAMETRIC: VarMethod
VAR_METHOD_CORNISH_FISHER: VarMethod
VAR_METHOD_MONTE_CARLO: VarMethod

class GetRiskReportRequest(_message.Message):
    __slots__ = ("horizon",)
    HORIZON_FIELD_NUMBER: _ClassVar[int]
    horizon: int
    def __init__(self, horizon: _Optional[int] = ...) -> None: ...

class RiskSymbolExposure(_message.Message):
    __slots__ = ("symbol", "net_notional", "long_notional", "short_notional", "gross_notional", "unrealized_pnl", "leverage", "maintenance_margin", "liquidation_distance_pct")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    NET_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    LONG_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    SHORT_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    GROSS_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    MAINTENANCE_MARGIN_FIELD_NUMBER: _ClassVar[int]
    LIQUIDATION_DISTANCE_PCT_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    net_notional: str
    long_notional: str
    short_notional: str
    gross_notional: str
    unrealized_pnl: str
    leverage: str
    maintenance_margin: str
    liquidation_distance_pct: str
    def __init__(self, symbol: _Optional[str] = ..., net_notional: _Optional[str] = ..., long_notional: _Optional[str] = ..., short_notional: _Optional[str] = ..., gross_notional: _Optional[str] = ..., unrealized_pnl: _Optional[str] = ..., leverage: _Optional[str] = ..., maintenance_margin: _Optional[str] = ..., liquidation_distance_pct: _Optional[str] = ...) -> None: ...

class RiskExposureSummary(_message.Message):
    __slots__ = ("symbols", "equity", "long_notional", "short_notional", "gross_notional", "net_notional", "leverage", "net_leverage", "margin_ratio", "unrealized_pnl")
    SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    EQUITY_FIELD_NUMBER: _ClassVar[int]
    LONG_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    SHORT_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    GROSS_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    NET_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    NET_LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    MARGIN_RATIO_FIELD_NUMBER: _ClassVar[int]
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    symbols: _containers.RepeatedCompositeFieldContainer[RiskSymbolExposure]
    equity: str
    long_notional: str
    short_notional: str
    gross_notional: str
    net_notional: str
    leverage: str
    net_leverage: str
    margin_ratio: str
    unrealized_pnl: str
    def __init__(self, symbols: _Optional[_Iterable[_Union[RiskSymbolExposure, _Mapping]]] = ..., equity: _Optional[str] = ..., long_notional: _Optional[str] = ..., short_notional: _Optional[str] = ..., gross_notional: _Optional[str] = ..., net_notional: _Optional[str] = ..., leverage: _Optional[str] = ..., net_leverage: _Optional[str] = ..., margin_ratio: _Optional[str] = ..., unrealized_pnl: _Optional[str] = ...) -> None: ...

class RiskVarEstimate(_message.Message):
    __slots__ = ("method", "confidence", "horizon", "var", "cvar")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    HORIZON_FIELD_NUMBER: _ClassVar[int]
    VAR_FIELD_NUMBER: _ClassVar[int]
    CVAR_FIELD_NUMBER: _ClassVar[int]
    method: VarMethod
    confidence: float
    horizon: int
    var: str
    cvar: str
    def __init__(self, method: _Optional[_Union[VarMethod, str]] = ..., confidence: _Optional[float] = ..., horizon: _Optional[int] = ..., var: _Optional[str] = ..., cvar: _Optional[str] = ...) -> None: ...

class RiskHaltStatus(_message.Message):
    __slots__ = ("kill_switch", "kill_switch_by", "kill_switch_changed_at_ms", "kill_switch_reason", "breaker_tripped", "breaker_reason", "breaker_tripped_at_ms", "peak_equity", "day_start_equity")
    KILL_SWITCH_FIELD_NUMBER: _ClassVar[int]
    KILL_SWITCH_BY_FIELD_NUMBER: _ClassVar[int]
    KILL_SWITCH_CHANGED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    KILL_SWITCH_REASON_FIELD_NUMBER: _ClassVar[int]
    BREAKER_TRIPPED_FIELD_NUMBER: _ClassVar[int]
    BREAKER_REASON_FIELD_NUMBER: _ClassVar[int]
    BREAKER_TRIPPED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    PEAK_EQUITY_FIELD_NUMBER: _ClassVar[int]
    DAY_START_EQUITY_FIELD_NUMBER: _ClassVar[int]
    kill_switch: bool
    kill_switch_by: str
    kill_switch_changed_at_ms: int
    kill_switch_reason: str
    breaker_tripped: bool
    breaker_reason: str
    breaker_tripped_at_ms: int
    peak_equity: str
    day_start_equity: str
    def __init__(self, kill_switch: bool = ..., kill_switch_by: _Optional[str] = ..., kill_switch_changed_at_ms: _Optional[int] = ..., kill_switch_reason: _Optional[str] = ..., breaker_tripped: bool = ..., breaker_reason: _Optional[str] = ..., breaker_tripped_at_ms: _Optional[int] = ..., peak_equity: _Optional[str] = ..., day_start_equity: _Optional[str] = ...) -> None: ...

class GetRiskReportResponse(_message.Message):
    __slots__ = ("exposure", "var", "returns_source", "returns_period", "observations", "note", "halt")
    EXPOSURE_FIELD_NUMBER: _ClassVar[int]
    VAR_FIELD_NUMBER: _ClassVar[int]
    RETURNS_SOURCE_FIELD_NUMBER: _ClassVar[int]
    RETURNS_PERIOD_FIELD_NUMBER: _ClassVar[int]
    OBSERVATIONS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    HALT_FIELD_NUMBER: _ClassVar[int]
    exposure: RiskExposureSummary
    var: _containers.RepeatedCompositeFieldContainer[RiskVarEstimate]
    returns_source: str
    returns_period: str
    observations: int
    note: str
    halt: RiskHaltStatus
    def __init__(self, exposure: _Optional[_Union[RiskExposureSummary, _Mapping]] = ..., var: _Optional[_Iterable[_Union[RiskVarEstimate, _Mapping]]] = ..., returns_source: _Optional[str] = ..., returns_period: _Optional[str] = ..., observations: _Optional[int] = ..., note: _Optional[str] = ..., halt: _Optional[_Union[RiskHaltStatus, _Mapping]] = ...) -> None: ...

class RiskLimit(_message.Message):
    __slots__ = ("name", "value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: str
    def __init__(self, name: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class RiskLimitChange(_message.Message):
    __slots__ = ("name", "old_value", "new_value", "changed_by", "changed_at_ms")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OLD_VALUE_FIELD_NUMBER: _ClassVar[int]
    NEW_VALUE_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    name: str
    old_value: str
    new_value: str
    changed_by: str
    changed_at_ms: int
    def __init__(self, name: _Optional[str] = ..., old_value: _Optional[str] = ..., new_value: _Optional[str] = ..., changed_by: _Optional[str] = ..., changed_at_ms: _Optional[int] = ...) -> None: ...

class GetLimitsRequest(_message.Message):
    __slots__ = ("audit_limit",)
    AUDIT_LIMIT_FIELD_NUMBER: _ClassVar[int]
    audit_limit: int
    def __init__(self, audit_limit: _Optional[int] = ...) -> None: ...

class GetLimitsResponse(_message.Message):
    __slots__ = ("limits", "audit")
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    limits: _containers.RepeatedCompositeFieldContainer[RiskLimit]
    audit: _containers.RepeatedCompositeFieldContainer[RiskLimitChange]
    def __init__(self, limits: _Optional[_Iterable[_Union[RiskLimit, _Mapping]]] = ..., audit: _Optional[_Iterable[_Union[RiskLimitChange, _Mapping]]] = ...) -> None: ...

class SetLimitsRequest(_message.Message):
    __slots__ = ("limits",)
    class LimitsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    limits: _containers.ScalarMap[str, str]
    def __init__(self, limits: _Optional[_Mapping[str, str]] = ...) -> None: ...

class SetLimitsResponse(_message.Message):
    __slots__ = ("limits", "changes")
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    limits: _containers.RepeatedCompositeFieldContainer[RiskLimit]
    changes: _containers.RepeatedCompositeFieldContainer[RiskLimitChange]
    def __init__(self, limits: _Optional[_Iterable[_Union[RiskLimit, _Mapping]]] = ..., changes: _Optional[_Iterable[_Union[RiskLimitChange, _Mapping]]] = ...) -> None: ...

class SetKillSwitchRequest(_message.Message):
    __slots__ = ("engaged", "flatten", "reason")
    ENGAGED_FIELD_NUMBER: _ClassVar[int]
    FLATTEN_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    engaged: bool
    flatten: bool
    reason: str
    def __init__(self, engaged: bool = ..., flatten: bool = ..., reason: _Optional[str] = ...) -> None: ...

class SetKillSwitchResponse(_message.Message):
    __slots__ = ("halt", "canceled_order_ids", "closing_order_ids", "errors")
    HALT_FIELD_NUMBER: _ClassVar[int]
    CANCELED_ORDER_IDS_FIELD_NUMBER: _ClassVar[int]
    CLOSING_ORDER_IDS_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    halt: RiskHaltStatus
    canceled_order_ids: _containers.RepeatedScalarFieldContainer[str]
    closing_order_ids: _containers.RepeatedScalarFieldContainer[str]
    errors: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, halt: _Optional[_Union[RiskHaltStatus, _Mapping]] = ..., canceled_order_ids: _Optional[_Iterable[str]] = ..., closing_order_ids: _Optional[_Iterable[str]] = ..., errors: _Optional[_Iterable[str]] = ...) -> None: ...
