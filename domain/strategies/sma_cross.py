"""SMA crossover: long while the fast simple moving average is above the slow one, else flat.

The benchmark strategy (bench/backtest.py). Each mean is the correctly rounded sum of
its window (`math.fsum`) divided by its length, so it never drifts over millions of bars
and an independent vectorised implementation agrees on every crossing.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from typing import ClassVar

from pydantic import Field, ValidationInfo, field_validator

from domain.market.candles import Candle
from domain.strategies.base import (
    Signal,
    StrategyParams,
    TargetBook,
    accepts,
    check_symbols,
    prefixed,
)


class SmaCrossParams(StrategyParams):
    """Parameters of `SmaCross`."""

    fast: int = Field(default=10, ge=1, le=1000, description="fast SMA length, bars")
    slow: int = Field(
        default=30, validate_default=True, ge=2, le=5000, description="slow SMA length, bars"
    )

    @field_validator("slow")
    @classmethod
    def _slower_than_fast(cls, slow: int, info: ValidationInfo) -> int:
        if slow <= info.data.get("fast", 0):
            raise ValueError("slow must be longer than fast")
        return slow


class _SymbolCross:
    __slots__ = ("book", "fast", "slow", "window")

    def __init__(self, symbol: str, params: SmaCrossParams) -> None:
        self.fast, self.slow = params.fast, params.slow
        self.window: deque[float] = deque(maxlen=params.slow)
        self.book = TargetBook(symbol)

    def means(self) -> tuple[float, float] | None:
        if len(self.window) < self.slow:
            return None
        closes = list(self.window)
        return math.fsum(closes[-self.fast :]) / self.fast, math.fsum(closes) / self.slow

    def on_candle(self, candle: Candle) -> Signal | None:
        self.window.append(candle.close)
        means = self.means()
        if means is None:
            return None
        fast, slow = means
        target = 1.0 if fast > slow else 0.0
        if target == self.book.target:
            return None
        reason = "fast_above" if target else "fast_not_above"
        return self.book.move(
            candle.open_time, target, reason, {"sma_fast": fast, "sma_slow": slow}
        )

    def state(self) -> dict[str, float | str]:
        means = self.means()
        values = {"sma_fast": means[0], "sma_slow": means[1]} if means else {}
        return {**prefixed(self.book.symbol, dict(values)), **self.book.state()}


class SmaCross:
    """Long when SMA(fast) > SMA(slow), flat otherwise, on each symbol independently."""

    name = "sma_cross"
    Params: ClassVar[type[SmaCrossParams]] = SmaCrossParams

    def __init__(self, symbols: Sequence[str], params: SmaCrossParams | None = None) -> None:
        self.symbols = check_symbols(tuple(symbols))
        self.params = params or SmaCrossParams()
        self._by_symbol = {s: _SymbolCross(s, self.params) for s in self.symbols}

    def on_candle(self, candle: Candle) -> Signal | None:
        """Update the candle's symbol; return a Signal when its target changes."""
        if not accepts(candle, self.symbols, self.params.timeframe):
            return None
        return self._by_symbol[candle.symbol].on_candle(candle)

    def state(self) -> dict[str, float | str]:
        merged: dict[str, float | str] = {}
        for symbol_state in self._by_symbol.values():
            merged.update(symbol_state.state())
        return merged
