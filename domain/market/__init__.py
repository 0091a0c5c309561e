"""Market data: values, aggregation, indicators, microstructure and synthetic data."""

from domain.market.candles import (
    BookTop,
    Candle,
    DepthSnapshot,
    MarkPrice,
    Timeframe,
    Trade,
)
from domain.market.errors import InvalidMarketData

__all__ = [
    "BookTop",
    "Candle",
    "DepthSnapshot",
    "InvalidMarketData",
    "MarkPrice",
    "Timeframe",
    "Trade",
]
