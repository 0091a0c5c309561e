from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DataSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DATA_SOURCE_UNSPECIFIED: _ClassVar[DataSource]
    DATA_SOURCE_SYNTHETIC: _ClassVar[DataSource]
    DATA_SOURCE_DATABASE: _ClassVar[DataSource]
DATA_SOURCE_UNSPECIFIED: DataSource
DATA_SOURCE_SYNTHETIC: DataSource
DATA_SOURCE_DATABASE: DataSource

class BacktestSpec(_message.Message):
    __slots__ = ("strategy", "symbols", "start_ms", "end_ms", "data", "params", "settings", "risk", "seed")
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class SettingsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class RiskEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    START_MS_FIELD_NUMBER: _ClassVar[int]
    END_MS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    RISK_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    strategy: str
    symbols: _containers.RepeatedScalarFieldContainer[str]
    start_ms: int
    end_ms: int
    data: DataSource
    params: _containers.ScalarMap[str, str]
    settings: _containers.ScalarMap[str, str]
    risk: _containers.ScalarMap[str, str]
    seed: int
    def __init__(self, strategy: _Optional[str] = ..., symbols: _Optional[_Iterable[str]] = ..., start_ms: _Optional[int] = ..., end_ms: _Optional[int] = ..., data: _Optional[_Union[DataSource, str]] = ..., params: _Optional[_Mapping[str, str]] = ..., settings: _Optional[_Mapping[str, str]] = ..., risk: _Optional[_Mapping[str, str]] = ..., seed: _Optional[int] = ...) -> None: ...

class BacktestProgress(_message.Message):
    __slots__ = ("bars_done", "bars_total")
    BARS_DONE_FIELD_NUMBER: _ClassVar[int]
    BARS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    bars_done: int
    bars_total: int
    def __init__(self, bars_done: _Optional[int] = ..., bars_total: _Optional[int] = ...) -> None: ...

class BacktestRun(_message.Message):
    __slots__ = ("run_id", "created_at_ms", "kind", "strategy", "symbols", "start_ms", "end_ms", "metrics", "final_equity", "trades", "result_json")
    class MetricsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    START_MS_FIELD_NUMBER: _ClassVar[int]
    END_MS_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    FINAL_EQUITY_FIELD_NUMBER: _ClassVar[int]
    TRADES_FIELD_NUMBER: _ClassVar[int]
    RESULT_JSON_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    created_at_ms: int
    kind: str
    strategy: str
    symbols: _containers.RepeatedScalarFieldContainer[str]
    start_ms: int
    end_ms: int
    metrics: _containers.ScalarMap[str, str]
    final_equity: str
    trades: int
    result_json: str
    def __init__(self, run_id: _Optional[str] = ..., created_at_ms: _Optional[int] = ..., kind: _Optional[str] = ..., strategy: _Optional[str] = ..., symbols: _Optional[_Iterable[str]] = ..., start_ms: _Optional[int] = ..., end_ms: _Optional[int] = ..., metrics: _Optional[_Mapping[str, str]] = ..., final_equity: _Optional[str] = ..., trades: _Optional[int] = ..., result_json: _Optional[str] = ...) -> None: ...

class RunBacktestRequest(_message.Message):
    __slots__ = ("spec",)
    SPEC_FIELD_NUMBER: _ClassVar[int]
    spec: BacktestSpec
    def __init__(self, spec: _Optional[_Union[BacktestSpec, _Mapping]] = ...) -> None: ...

class RunBacktestResponse(_message.Message):
    __slots__ = ("progress", "result")
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    progress: BacktestProgress
    result: BacktestRun
    def __init__(self, progress: _Optional[_Union[BacktestProgress, _Mapping]] = ..., result: _Optional[_Union[BacktestRun, _Mapping]] = ...) -> None: ...

class GetBacktestRequest(_message.Message):
    __slots__ = ("run_id",)
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    def __init__(self, run_id: _Optional[str] = ...) -> None: ...

class GetBacktestResponse(_message.Message):
    __slots__ = ("run",)
    RUN_FIELD_NUMBER: _ClassVar[int]
    run: BacktestRun
    def __init__(self, run: _Optional[_Union[BacktestRun, _Mapping]] = ...) -> None: ...

class ListBacktestsRequest(_message.Message):
    __slots__ = ("limit", "strategy")
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    limit: int
    strategy: str
    def __init__(self, limit: _Optional[int] = ..., strategy: _Optional[str] = ...) -> None: ...

class ListBacktestsResponse(_message.Message):
    __slots__ = ("runs",)
    RUNS_FIELD_NUMBER: _ClassVar[int]
    runs: _containers.RepeatedCompositeFieldContainer[BacktestRun]
    def __init__(self, runs: _Optional[_Iterable[_Union[BacktestRun, _Mapping]]] = ...) -> None: ...

class RunWalkForwardRequest(_message.Message):
    __slots__ = ("spec", "grid", "train_days", "test_days", "anchored", "objective")
    class GridEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SPEC_FIELD_NUMBER: _ClassVar[int]
    GRID_FIELD_NUMBER: _ClassVar[int]
    TRAIN_DAYS_FIELD_NUMBER: _ClassVar[int]
    TEST_DAYS_FIELD_NUMBER: _ClassVar[int]
    ANCHORED_FIELD_NUMBER: _ClassVar[int]
    OBJECTIVE_FIELD_NUMBER: _ClassVar[int]
    spec: BacktestSpec
    grid: _containers.ScalarMap[str, str]
    train_days: int
    test_days: int
    anchored: bool
    objective: str
    def __init__(self, spec: _Optional[_Union[BacktestSpec, _Mapping]] = ..., grid: _Optional[_Mapping[str, str]] = ..., train_days: _Optional[int] = ..., test_days: _Optional[int] = ..., anchored: bool = ..., objective: _Optional[str] = ...) -> None: ...

class RunWalkForwardResponse(_message.Message):
    __slots__ = ("progress", "result")
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    progress: BacktestProgress
    result: BacktestRun
    def __init__(self, progress: _Optional[_Union[BacktestProgress, _Mapping]] = ..., result: _Optional[_Union[BacktestRun, _Mapping]] = ...) -> None: ...
