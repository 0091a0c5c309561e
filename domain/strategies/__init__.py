"""Trading strategies, the regime detector and the allocator that combines them."""

from domain.strategies.base import Signal, Strategy, StrategyParams
from domain.strategies.breakout import Breakout, BreakoutParams
from domain.strategies.mean_reversion import MeanReversion, MeanReversionParams
from domain.strategies.pairs import PairsParams, PairsTrading
from domain.strategies.regime import (
    Regime,
    RegimeAllocator,
    RegimeDetector,
    RegimeParams,
    default_weights,
)
from domain.strategies.registry import (
    STRATEGIES,
    InvalidStrategyParams,
    StrategyConfigError,
    UnknownStrategy,
    build_strategy,
)
from domain.strategies.trend import TrendFollowing, TrendParams

__all__ = [
    "STRATEGIES",
    "Breakout",
    "BreakoutParams",
    "InvalidStrategyParams",
    "MeanReversion",
    "MeanReversionParams",
    "PairsParams",
    "PairsTrading",
    "Regime",
    "RegimeAllocator",
    "RegimeDetector",
    "RegimeParams",
    "Signal",
    "Strategy",
    "StrategyConfigError",
    "StrategyParams",
    "TrendFollowing",
    "TrendParams",
    "UnknownStrategy",
    "build_strategy",
    "default_weights",
]
