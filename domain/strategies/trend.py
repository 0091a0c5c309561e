"""Trend following: EMA crossover with an ATR trailing stop.

* Enter long when the fast EMA crosses above the slow one, short when it crosses below
  (flat instead of short if `allow_short` is off). No entry before a cross has been seen,
  so a strategy started in the middle of a trend waits for the next cross; EMAs that are
  level when warm-up ends count as seen, so their first split is a cross.
* While in a position the stop trails k·ATR behind the extreme since entry (the highest
  high of a long, the lowest low of a short) and only ever tightens. A close beyond the
  stop goes flat, and the strategy then waits for a fresh cross before entering again.
* An opposite cross reverses the position directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from pydantic import Field, ValidationInfo, field_validator

from domain.market.candles import Candle
from domain.market.indicators import ATR, EMA
from domain.strategies.base import (
    Signal,
    StrategyParams,
    TargetBook,
    accepts,
    check_symbols,
    prefixed,
)


class TrendParams(StrategyParams):
    """Parameters of `TrendFollowing`."""

    fast: int = Field(default=12, ge=2, le=500, description="fast EMA span, bars")
    slow: int = Field(
        default=26, validate_default=True, ge=3, le=2000, description="slow EMA span, bars"
    )
    atr_period: int = Field(default=14, ge=2, le=500, description="ATR period, bars")
    atr_k: float = Field(default=3.0, gt=0, le=20, description="stop distance in ATRs")
    allow_short: bool = True

    @field_validator("slow")
    @classmethod
    def _slower_than_fast(cls, slow: int, info: ValidationInfo) -> int:
        if slow <= info.data.get("fast", 0):
            raise ValueError("slow must be longer than fast")
        return slow


class _SymbolTrend:
    __slots__ = ("atr", "book", "extreme", "fast", "k", "short", "side", "slow", "stop")

    def __init__(self, symbol: str, params: TrendParams) -> None:
        self.fast, self.slow = EMA(params.fast), EMA(params.slow)
        self.atr = ATR(params.atr_period)
        self.k, self.short = params.atr_k, params.allow_short
        self.book = TargetBook(symbol)
        # Sign of fast - slow at the last split: None before warm-up, 0 after a tie.
        self.side: int | None = None
        self.extreme = self.stop = 0.0

    def on_candle(self, candle: Candle) -> Signal | None:
        fast, slow = self.fast.update(candle.close), self.slow.update(candle.close)
        atr = self.atr.update(candle.high, candle.low, candle.close)
        if fast is None or slow is None or atr is None:
            return None
        side = (fast > slow) - (fast < slow)
        if side and side != self.side:
            seen, self.side = self.side, side
            if seen is not None:
                return self._enter(candle, atr)
        elif self.side is None:
            self.side = side  # warmed up on a tie: the first split will be a cross
        if self.book.target != 0.0:
            return self._trail(candle, atr)
        return None

    def _enter(self, candle: Candle, atr: float) -> Signal | None:
        direction = float(self.side or 0)
        self.extreme = candle.high if direction > 0 else candle.low
        self.stop = self.extreme - direction * self.k * atr
        target = direction if direction > 0 or self.short else 0.0
        reason = "cross_up" if direction > 0 else "cross_down"
        return self.book.move(candle.open_time, target, reason, self.indicators())

    def _trail(self, candle: Candle, atr: float) -> Signal | None:
        if self.book.target > 0:
            self.extreme = max(self.extreme, candle.high)
            self.stop = max(self.stop, self.extreme - self.k * atr)
            hit = candle.close < self.stop
        else:
            self.extreme = min(self.extreme, candle.low)
            self.stop = min(self.stop, self.extreme + self.k * atr)
            hit = candle.close > self.stop
        if not hit:
            return None
        return self.book.move(candle.open_time, 0.0, "atr_stop", self.indicators())

    def indicators(self) -> dict[str, float]:
        values = {
            "ema_fast": self.fast.value,
            "ema_slow": self.slow.value,
            "atr": self.atr.value,
            "stop": self.stop if self.book.target != 0.0 else None,
        }
        return {k: v for k, v in values.items() if v is not None}

    def state(self) -> dict[str, float | str]:
        return {**prefixed(self.book.symbol, dict(self.indicators())), **self.book.state()}


class TrendFollowing:
    """EMA crossover with an ATR trailing stop, run independently on each symbol."""

    name = "trend"
    Params: ClassVar[type[TrendParams]] = TrendParams

    def __init__(self, symbols: Sequence[str], params: TrendParams | None = None) -> None:
        self.symbols = check_symbols(tuple(symbols))
        self.params = params or TrendParams()
        self._by_symbol = {s: _SymbolTrend(s, self.params) for s in self.symbols}

    def on_candle(self, candle: Candle) -> Signal | None:
        """Update the candle's symbol; return a Signal when its target changes."""
        if not accepts(candle, self.symbols, self.params.timeframe):
            return None
        return self._by_symbol[candle.symbol].on_candle(candle)

    def state(self) -> dict[str, float | str]:
        """Return indicators, stop, target and last reason of every symbol."""
        merged: dict[str, float | str] = {}
        for symbol_state in self._by_symbol.values():
            merged.update(symbol_state.state())
        return merged
