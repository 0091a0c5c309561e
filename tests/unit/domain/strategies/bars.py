"""Builders of candle series with a chosen shape for the strategy tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from domain.market.candles import Candle, Timeframe
from domain.strategies.base import Signal, Strategy

START = 1_704_067_200_000  # 2024-01-01T00:00Z
HOUR = Timeframe.H1.ms


def bars(
    closes: Iterable[float],
    symbol: str = "BTCUSDT",
    wick: float = 0.001,
    start: int = START,
    timeframe: Timeframe = Timeframe.H1,
) -> list[Candle]:
    """Return closed candles with the given closes; each opens at the previous close."""
    out: list[Candle] = []
    previous: float | None = None
    for i, close in enumerate(map(float, closes)):
        open_ = close if previous is None else previous
        high, low = max(open_, close) * (1 + wick), min(open_, close) * (1 - wick)
        out.append(
            Candle(symbol, timeframe, start + i * timeframe.ms, open_, high, low, close, 1.0)
        )
        previous = close
    return out


def noise(n: int, level: float = 100.0, scale: float = 0.002, seed: int = 0) -> np.ndarray:
    """Return closes wandering randomly around `level` without drift."""
    rng = np.random.default_rng(seed)
    return level * np.exp(rng.normal(0.0, scale, n))


def walk(n: int, level: float = 100.0, scale: float = 0.01, seed: int = 0) -> np.ndarray:
    """Return a geometric random walk starting near `level`."""
    rng = np.random.default_rng(seed)
    return level * np.exp(np.cumsum(rng.normal(0.0, scale, n)))


def run(strategy: Strategy, candles: Sequence[Candle]) -> list[tuple[int, Signal]]:
    """Feed candles; return (index, signal) for every signal emitted."""
    out = []
    for i, candle in enumerate(candles):
        signal = strategy.on_candle(candle)
        if signal is not None:
            out.append((i, signal))
    return out
