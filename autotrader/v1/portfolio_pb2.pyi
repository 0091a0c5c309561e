from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PortfolioObjective(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PORTFOLIO_OBJECTIVE_UNSPECIFIED: _ClassVar[PortfolioObjective]
    PORTFOLIO_OBJECTIVE_MAX_SHARPE: _ClassVar[PortfolioObjective]
    PORTFOLIO_OBJECTIVE_MIN_VOLATILITY: _ClassVar[PortfolioObjective]
    PORTFOLIO_OBJECTIVE_TARGET_RETURN: _ClassVar[PortfolioObjective]
    PORTFOLIO_OBJECTIVE_TARGET_VOLATILITY: _ClassVar[PortfolioObjective]
    PORTFOLIO_OBJECTIVE_RISK_PARITY: _ClassVar[PortfolioObjective]

class PortfolioReturnEstimator(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PORTFOLIO_RETURN_ESTIMATOR_UNSPECIFIED: _ClassVar[PortfolioReturnEstimator]
    PORTFOLIO_RETURN_ESTIMATOR_MEAN: _ClassVar[PortfolioReturnEstimator]
    PORTFOLIO_RETURN_ESTIMATOR_CAGR: _ClassVar[PortfolioReturnEstimator]
    PORTFOLIO_RETURN_ESTIMATOR_EWMA: _ClassVar[PortfolioReturnEstimator]

class PortfolioCovarianceEstimator(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PORTFOLIO_COVARIANCE_ESTIMATOR_UNSPECIFIED: _ClassVar[PortfolioCovarianceEstimator]
    PORTFOLIO_COVARIANCE_ESTIMATOR_SAMPLE: _ClassVar[PortfolioCovarianceEstimator]
    PORTFOLIO_COVARIANCE_ESTIMATOR_EWMA: _ClassVar[PortfolioCovarianceEstimator]
    PORTFOLIO_COVARIANCE_ESTIMATOR_LEDOIT_WOLF: _ClassVar[PortfolioCovarianceEstimator]
PORTFOLIO_OBJECTIVE_UNSPECIFIED: PortfolioObjective
PORTFOLIO_OBJECTIVE_MAX_SHARPE: PortfolioObjective
PORTFOLIO_OBJECTIVE_MIN_VOLATILITY: PortfolioObjective
PORTFOLIO_OBJECTIVE_TARGET_RETURN: PortfolioObjective
PORTFOLIO_OBJECTIVE_TARGET_VOLATILITY: PortfolioObjective
PORTFOLIO_OBJECTIVE_RISK_PARITY: PortfolioObjective
PORTFOLIO_RETURN_ESTIMATOR_UNSPECIFIED: PortfolioReturnEstimator
PORTFOLIO_RETURN_ESTIMATOR_MEAN: PortfolioReturnEstimator
PORTFOLIO_RETURN_ESTIMATOR_CAGR: PortfolioReturnEstimator
PORTFOLIO_RETURN_ESTIMATOR_EWMA: PortfolioReturnEstimator
PORTFOLIO_COVARIANCE_ESTIMATOR_UNSPECIFIED: PortfolioCovarianceEstimator
PORTFOLIO_COVARIANCE_ESTIMATOR_SAMPLE: PortfolioCovarianceEstimator
PORTFOLIO_COVARIANCE_ESTIMATOR_EWMA: PortfolioCovarianceEstimator
PORTFOLIO_COVARIANCE_ESTIMATOR_LEDOIT_WOLF: PortfolioCovarianceEstimator

class PortfolioPriceRow(_message.Message):
    __slots__ = ("prices",)
    PRICES_FIELD_NUMBER: _ClassVar[int]
    prices: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, prices: _Optional[_Iterable[float]] = ...) -> None: ...

class PortfolioPriceTable(_message.Message):
    __slots__ = ("assets", "rows")
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    assets: _containers.RepeatedScalarFieldContainer[str]
    rows: _containers.RepeatedCompositeFieldContainer[PortfolioPriceRow]
    def __init__(self, assets: _Optional[_Iterable[str]] = ..., rows: _Optional[_Iterable[_Union[PortfolioPriceRow, _Mapping]]] = ...) -> None: ...

class PortfolioCandleSource(_message.Message):
    __slots__ = ("symbols", "timeframe", "bars")
    SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    TIMEFRAME_FIELD_NUMBER: _ClassVar[int]
    BARS_FIELD_NUMBER: _ClassVar[int]
    symbols: _containers.RepeatedScalarFieldContainer[str]
    timeframe: str
    bars: int
    def __init__(self, symbols: _Optional[_Iterable[str]] = ..., timeframe: _Optional[str] = ..., bars: _Optional[int] = ...) -> None: ...

class OptimizationSpec(_message.Message):
    __slots__ = ("prices", "candles", "expected_returns", "covariance", "risk_free_rate", "periods_per_year", "long_short", "max_weight", "gross_leverage")
    PRICES_FIELD_NUMBER: _ClassVar[int]
    CANDLES_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_RETURNS_FIELD_NUMBER: _ClassVar[int]
    COVARIANCE_FIELD_NUMBER: _ClassVar[int]
    RISK_FREE_RATE_FIELD_NUMBER: _ClassVar[int]
    PERIODS_PER_YEAR_FIELD_NUMBER: _ClassVar[int]
    LONG_SHORT_FIELD_NUMBER: _ClassVar[int]
    MAX_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    GROSS_LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    prices: PortfolioPriceTable
    candles: PortfolioCandleSource
    expected_returns: PortfolioReturnEstimator
    covariance: PortfolioCovarianceEstimator
    risk_free_rate: float
    periods_per_year: float
    long_short: bool
    max_weight: float
    gross_leverage: float
    def __init__(self, prices: _Optional[_Union[PortfolioPriceTable, _Mapping]] = ..., candles: _Optional[_Union[PortfolioCandleSource, _Mapping]] = ..., expected_returns: _Optional[_Union[PortfolioReturnEstimator, str]] = ..., covariance: _Optional[_Union[PortfolioCovarianceEstimator, str]] = ..., risk_free_rate: _Optional[float] = ..., periods_per_year: _Optional[float] = ..., long_short: bool = ..., max_weight: _Optional[float] = ..., gross_leverage: _Optional[float] = ...) -> None: ...

class PortfolioResult(_message.Message):
    __slots__ = ("weights", "expected_return", "volatility", "sharpe")
    class WeightsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_RETURN_FIELD_NUMBER: _ClassVar[int]
    VOLATILITY_FIELD_NUMBER: _ClassVar[int]
    SHARPE_FIELD_NUMBER: _ClassVar[int]
    weights: _containers.ScalarMap[str, float]
    expected_return: float
    volatility: float
    sharpe: float
    def __init__(self, weights: _Optional[_Mapping[str, float]] = ..., expected_return: _Optional[float] = ..., volatility: _Optional[float] = ..., sharpe: _Optional[float] = ...) -> None: ...

class OptimizeRequest(_message.Message):
    __slots__ = ("spec", "objective", "target_return", "target_volatility")
    SPEC_FIELD_NUMBER: _ClassVar[int]
    OBJECTIVE_FIELD_NUMBER: _ClassVar[int]
    TARGET_RETURN_FIELD_NUMBER: _ClassVar[int]
    TARGET_VOLATILITY_FIELD_NUMBER: _ClassVar[int]
    spec: OptimizationSpec
    objective: PortfolioObjective
    target_return: float
    target_volatility: float
    def __init__(self, spec: _Optional[_Union[OptimizationSpec, _Mapping]] = ..., objective: _Optional[_Union[PortfolioObjective, str]] = ..., target_return: _Optional[float] = ..., target_volatility: _Optional[float] = ...) -> None: ...

class OptimizeResponse(_message.Message):
    __slots__ = ("portfolio", "observations", "assets")
    PORTFOLIO_FIELD_NUMBER: _ClassVar[int]
    OBSERVATIONS_FIELD_NUMBER: _ClassVar[int]
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    portfolio: PortfolioResult
    observations: int
    assets: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, portfolio: _Optional[_Union[PortfolioResult, _Mapping]] = ..., observations: _Optional[int] = ..., assets: _Optional[_Iterable[str]] = ...) -> None: ...

class GetEfficientFrontierRequest(_message.Message):
    __slots__ = ("spec", "points")
    SPEC_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    spec: OptimizationSpec
    points: int
    def __init__(self, spec: _Optional[_Union[OptimizationSpec, _Mapping]] = ..., points: _Optional[int] = ...) -> None: ...

class GetEfficientFrontierResponse(_message.Message):
    __slots__ = ("points", "assets")
    POINTS_FIELD_NUMBER: _ClassVar[int]
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    points: _containers.RepeatedCompositeFieldContainer[PortfolioResult]
    assets: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, points: _Optional[_Iterable[_Union[PortfolioResult, _Mapping]]] = ..., assets: _Optional[_Iterable[str]] = ...) -> None: ...

class PortfolioTargetWeight(_message.Message):
    __slots__ = ("symbol", "weight")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    weight: str
    def __init__(self, symbol: _Optional[str] = ..., weight: _Optional[str] = ...) -> None: ...

class RebalanceRequest(_message.Message):
    __slots__ = ("targets", "min_trade_notional", "dry_run")
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    MIN_TRADE_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    targets: _containers.RepeatedCompositeFieldContainer[PortfolioTargetWeight]
    min_trade_notional: str
    dry_run: bool
    def __init__(self, targets: _Optional[_Iterable[_Union[PortfolioTargetWeight, _Mapping]]] = ..., min_trade_notional: _Optional[str] = ..., dry_run: bool = ...) -> None: ...

class PortfolioRebalanceOrder(_message.Message):
    __slots__ = ("symbol", "side", "quantity", "reduce_only", "order_id", "status", "reject_reason")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    REDUCE_ONLY_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REJECT_REASON_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    side: str
    quantity: str
    reduce_only: bool
    order_id: str
    status: str
    reject_reason: str
    def __init__(self, symbol: _Optional[str] = ..., side: _Optional[str] = ..., quantity: _Optional[str] = ..., reduce_only: bool = ..., order_id: _Optional[str] = ..., status: _Optional[str] = ..., reject_reason: _Optional[str] = ...) -> None: ...

class RebalanceResponse(_message.Message):
    __slots__ = ("equity", "orders")
    EQUITY_FIELD_NUMBER: _ClassVar[int]
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    equity: str
    orders: _containers.RepeatedCompositeFieldContainer[PortfolioRebalanceOrder]
    def __init__(self, equity: _Optional[str] = ..., orders: _Optional[_Iterable[_Union[PortfolioRebalanceOrder, _Mapping]]] = ...) -> None: ...

class GetPerformanceRequest(_message.Message):
    __slots__ = ("window",)
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    window: int
    def __init__(self, window: _Optional[int] = ...) -> None: ...

class PortfolioPnlLine(_message.Message):
    __slots__ = ("strategy", "symbol", "price", "funding", "fees", "total")
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    FUNDING_FIELD_NUMBER: _ClassVar[int]
    FEES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    strategy: str
    symbol: str
    price: str
    funding: str
    fees: str
    total: str
    def __init__(self, strategy: _Optional[str] = ..., symbol: _Optional[str] = ..., price: _Optional[str] = ..., funding: _Optional[str] = ..., fees: _Optional[str] = ..., total: _Optional[str] = ...) -> None: ...

class PortfolioBrinsonSegment(_message.Message):
    __slots__ = ("segment", "allocation", "selection", "interaction")
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    ALLOCATION_FIELD_NUMBER: _ClassVar[int]
    SELECTION_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_FIELD_NUMBER: _ClassVar[int]
    segment: str
    allocation: float
    selection: float
    interaction: float
    def __init__(self, segment: _Optional[str] = ..., allocation: _Optional[float] = ..., selection: _Optional[float] = ..., interaction: _Optional[float] = ...) -> None: ...

class GetPerformanceResponse(_message.Message):
    __slots__ = ("by_strategy", "by_symbol", "total", "brinson", "portfolio_return", "benchmark_return", "rolling_sharpe", "rolling_volatility", "note")
    BY_STRATEGY_FIELD_NUMBER: _ClassVar[int]
    BY_SYMBOL_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    BRINSON_FIELD_NUMBER: _ClassVar[int]
    PORTFOLIO_RETURN_FIELD_NUMBER: _ClassVar[int]
    BENCHMARK_RETURN_FIELD_NUMBER: _ClassVar[int]
    ROLLING_SHARPE_FIELD_NUMBER: _ClassVar[int]
    ROLLING_VOLATILITY_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    by_strategy: _containers.RepeatedCompositeFieldContainer[PortfolioPnlLine]
    by_symbol: _containers.RepeatedCompositeFieldContainer[PortfolioPnlLine]
    total: PortfolioPnlLine
    brinson: _containers.RepeatedCompositeFieldContainer[PortfolioBrinsonSegment]
    portfolio_return: float
    benchmark_return: float
    rolling_sharpe: _containers.RepeatedScalarFieldContainer[float]
    rolling_volatility: _containers.RepeatedScalarFieldContainer[float]
    note: str
    def __init__(self, by_strategy: _Optional[_Iterable[_Union[PortfolioPnlLine, _Mapping]]] = ..., by_symbol: _Optional[_Iterable[_Union[PortfolioPnlLine, _Mapping]]] = ..., total: _Optional[_Union[PortfolioPnlLine, _Mapping]] = ..., brinson: _Optional[_Iterable[_Union[PortfolioBrinsonSegment, _Mapping]]] = ..., portfolio_return: _Optional[float] = ..., benchmark_return: _Optional[float] = ..., rolling_sharpe: _Optional[_Iterable[float]] = ..., rolling_volatility: _Optional[_Iterable[float]] = ..., note: _Optional[str] = ...) -> None: ...
