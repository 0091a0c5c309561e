from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StrategySummary(_message.Message):
    __slots__ = ("strategy_id", "enabled", "symbols", "timeframe", "capital", "targets", "regimes")
    class TargetsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class RegimesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    STRATEGY_ID_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    TIMEFRAME_FIELD_NUMBER: _ClassVar[int]
    CAPITAL_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    REGIMES_FIELD_NUMBER: _ClassVar[int]
    strategy_id: str
    enabled: bool
    symbols: _containers.RepeatedScalarFieldContainer[str]
    timeframe: str
    capital: str
    targets: _containers.ScalarMap[str, str]
    regimes: _containers.ScalarMap[str, str]
    def __init__(self, strategy_id: _Optional[str] = ..., enabled: bool = ..., symbols: _Optional[_Iterable[str]] = ..., timeframe: _Optional[str] = ..., capital: _Optional[str] = ..., targets: _Optional[_Mapping[str, str]] = ..., regimes: _Optional[_Mapping[str, str]] = ...) -> None: ...

class StrategySignal(_message.Message):
    __slots__ = ("symbol", "ts", "target", "reason", "legs")
    class LegsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    TS_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    LEGS_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    ts: int
    target: str
    reason: str
    legs: _containers.ScalarMap[str, str]
    def __init__(self, symbol: _Optional[str] = ..., ts: _Optional[int] = ..., target: _Optional[str] = ..., reason: _Optional[str] = ..., legs: _Optional[_Mapping[str, str]] = ...) -> None: ...

class StrategyState(_message.Message):
    __slots__ = ("summary", "params", "indicators", "last_signal", "last_error")
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class IndicatorsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    INDICATORS_FIELD_NUMBER: _ClassVar[int]
    LAST_SIGNAL_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    summary: StrategySummary
    params: _containers.ScalarMap[str, str]
    indicators: _containers.ScalarMap[str, str]
    last_signal: StrategySignal
    last_error: str
    def __init__(self, summary: _Optional[_Union[StrategySummary, _Mapping]] = ..., params: _Optional[_Mapping[str, str]] = ..., indicators: _Optional[_Mapping[str, str]] = ..., last_signal: _Optional[_Union[StrategySignal, _Mapping]] = ..., last_error: _Optional[str] = ...) -> None: ...

class ListStrategiesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListStrategiesResponse(_message.Message):
    __slots__ = ("strategies",)
    STRATEGIES_FIELD_NUMBER: _ClassVar[int]
    strategies: _containers.RepeatedCompositeFieldContainer[StrategySummary]
    def __init__(self, strategies: _Optional[_Iterable[_Union[StrategySummary, _Mapping]]] = ...) -> None: ...

class StartStrategyRequest(_message.Message):
    __slots__ = ("strategy_id",)
    STRATEGY_ID_FIELD_NUMBER: _ClassVar[int]
    strategy_id: str
    def __init__(self, strategy_id: _Optional[str] = ...) -> None: ...

class StartStrategyResponse(_message.Message):
    __slots__ = ("strategy",)
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    strategy: StrategySummary
    def __init__(self, strategy: _Optional[_Union[StrategySummary, _Mapping]] = ...) -> None: ...

class StopStrategyRequest(_message.Message):
    __slots__ = ("strategy_id",)
    STRATEGY_ID_FIELD_NUMBER: _ClassVar[int]
    strategy_id: str
    def __init__(self, strategy_id: _Optional[str] = ...) -> None: ...

class StopStrategyResponse(_message.Message):
    __slots__ = ("strategy",)
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    strategy: StrategySummary
    def __init__(self, strategy: _Optional[_Union[StrategySummary, _Mapping]] = ...) -> None: ...

class UpdateParametersRequest(_message.Message):
    __slots__ = ("strategy_id", "params")
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    STRATEGY_ID_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    strategy_id: str
    params: _containers.ScalarMap[str, str]
    def __init__(self, strategy_id: _Optional[str] = ..., params: _Optional[_Mapping[str, str]] = ...) -> None: ...

class UpdateParametersResponse(_message.Message):
    __slots__ = ("state",)
    STATE_FIELD_NUMBER: _ClassVar[int]
    state: StrategyState
    def __init__(self, state: _Optional[_Union[StrategyState, _Mapping]] = ...) -> None: ...

class GetStrategyStateRequest(_message.Message):
    __slots__ = ("strategy_id",)
    STRATEGY_ID_FIELD_NUMBER: _ClassVar[int]
    strategy_id: str
    def __init__(self, strategy_id: _Optional[str] = ...) -> None: ...

class GetStrategyStateResponse(_message.Message):
    __slots__ = ("state",)
    STATE_FIELD_NUMBER: _ClassVar[int]
    state: StrategyState
    def __init__(self, state: _Optional[_Union[StrategyState, _Mapping]] = ...) -> None: ...
