"""Where the risk report gets asset returns: stored candles, else sampled marks."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from application.ports.candles import CandleStore
from application.ports.market_data import PriceUpdate
from domain.market.candles import Timeframe

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ReturnSample:
    """Aligned simple returns (rows are periods, columns `symbols`) and where they came from."""

    symbols: tuple[str, ...]
    returns: FloatArray
    source: str
    period: str


class PriceHistory:
    """Sample each symbol's mark at most once per `interval_ms`, keeping the last `size`.

    The fallback when no candles are stored: the risk report's returns are then
    per-interval returns of these samples, which it says.
    """

    def __init__(self, interval_ms: int = 60_000, size: int = 2_000) -> None:
        self.interval_ms = interval_ms
        self._samples: dict[str, deque[tuple[int, float]]] = {}
        self._size = size

    def record(self, update: PriceUpdate) -> None:
        samples = self._samples.setdefault(update.symbol, deque(maxlen=self._size))
        slot = update.ts // self.interval_ms
        if samples and samples[-1][0] == slot:
            samples[-1] = (slot, float(update.price))
        elif not samples or samples[-1][0] < slot:
            samples.append((slot, float(update.price)))

    def returns(self, symbols: Sequence[str]) -> ReturnSample:
        """Return the returns over the slots every symbol has a sample for."""
        period = f"{self.interval_ms // 1000}s"
        series = [dict(self._samples.get(s, ())) for s in symbols]
        common = sorted(set.intersection(*(set(s) for s in series))) if series else []
        prices = np.array([[s[slot] for s in series] for slot in common], dtype=np.float64)
        return ReturnSample(tuple(symbols), _simple_returns(prices), "price cache samples", period)


async def candle_returns(
    store: CandleStore, symbols: Sequence[str], timeframe: Timeframe, end_ms: int, bars: int
) -> ReturnSample:
    """Return returns of the closes of the last `bars` stored bars every symbol has."""
    start = end_ms - timeframe.ms * (bars + 1)
    series = []
    for symbol in symbols:
        candles = await store.range(symbol, timeframe, start, end_ms)
        series.append({c.open_time: c.close for c in candles})
    common = sorted(set.intersection(*(set(s) for s in series))) if series else []
    prices = np.array([[s[t] for s in series] for t in common], dtype=np.float64)
    source = f"stored {timeframe.value} candles"
    return ReturnSample(tuple(symbols), _simple_returns(prices), source, timeframe.value)


def _simple_returns(prices: FloatArray) -> FloatArray:
    if prices.ndim != 2 or prices.shape[0] < 2:
        width = prices.shape[1] if prices.ndim == 2 else 0
        return np.zeros((0, width), dtype=np.float64)
    return np.asarray(prices[1:] / prices[:-1] - 1.0, dtype=np.float64)
