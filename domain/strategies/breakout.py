"""Donchian breakout with a volatility filter.

* Entry channel: the highest high and lowest low of the previous `entry_period` bars (the
  current bar is not part of the level it has to break). Flat: a close above the high
  goes long, a close below the low goes short, but only while the percentile rank of
  realised volatility lies within [vol_min, vol_max]: too quiet and breakouts fail, too
  wild and they are noise.
* Exit channel: the previous `exit_period` bars. A long exits on a close below its low,
  a short on a close above its high. A bar that exits may enter the other way at once
  if it also breaks the entry channel.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from pydantic import Field, ValidationInfo, field_validator

from domain.market.candles import Candle
from domain.market.indicators import Donchian, PercentileRank, RealizedVolatility
from domain.strategies.base import (
    Signal,
    StrategyParams,
    TargetBook,
    accepts,
    check_symbols,
    prefixed,
)


class BreakoutParams(StrategyParams):
    """Parameters of `Breakout`."""

    entry_period: int = Field(default=20, ge=2, le=5000, description="entry channel, bars")
    exit_period: int = Field(default=10, ge=1, le=5000, description="exit channel, bars")
    vol_period: int = Field(default=20, ge=2, le=5000, description="realised vol window")
    vol_rank_period: int = Field(default=100, ge=10, le=50_000, description="rank window")
    vol_min: float = Field(default=0.2, ge=0, le=1, description="lowest vol percentile")
    vol_max: float = Field(
        default=0.95, validate_default=True, ge=0, le=1, description="highest vol percentile"
    )
    allow_short: bool = True

    @field_validator("vol_max")
    @classmethod
    def _max_above_min(cls, vol_max: float, info: ValidationInfo) -> float:
        if vol_max <= info.data.get("vol_min", -1.0):
            raise ValueError("vol_max must be above vol_min")
        return vol_max


class _SymbolBreakout:
    __slots__ = ("book", "entry", "exit", "levels", "p", "rank", "vol")

    def __init__(self, symbol: str, params: BreakoutParams) -> None:
        self.p = params
        self.entry = Donchian(params.entry_period)
        self.exit = Donchian(params.exit_period)
        self.vol = RealizedVolatility(params.vol_period)
        self.rank = PercentileRank(params.vol_rank_period)
        self.book = TargetBook(symbol)
        self.levels: tuple[tuple[float, float] | None, tuple[float, float] | None] = None, None

    def on_candle(self, candle: Candle) -> Signal | None:
        # Read the channels of the previous bars before this bar joins them.
        entry, exit_ = _channel(self.entry), _channel(self.exit)
        self.levels = entry, exit_
        self.entry.update(candle.high, candle.low)
        self.exit.update(candle.high, candle.low)
        vol = self.vol.update(candle.close)
        rank = None if vol is None else self.rank.update(vol)
        if entry is None or exit_ is None or rank is None:
            return None
        target, reason = self._exit(candle.close, exit_)
        if target == 0.0 and self.p.vol_min <= rank <= self.p.vol_max:
            target, reason = self._enter(candle.close, entry, (target, reason))
        return self.book.move(candle.open_time, target, reason, self.indicators())

    def _exit(self, close: float, channel: tuple[float, float]) -> tuple[float, str]:
        current, (high, low) = self.book.target, channel
        if current > 0 and close < low:
            return 0.0, "exit_channel_low"
        if current < 0 and close > high:
            return 0.0, "exit_channel_high"
        return current, self.book.reason

    def _enter(
        self, close: float, channel: tuple[float, float], keep: tuple[float, str]
    ) -> tuple[float, str]:
        high, low = channel
        if close > high:
            return 1.0, "breakout_high"
        if self.p.allow_short and close < low:
            return -1.0, "breakout_low"
        return keep

    def indicators(self) -> dict[str, float]:
        # The channels the last bar was judged against, not the ones it has since joined.
        (entry_hi, entry_lo), (exit_hi, exit_lo) = (c or (None, None) for c in self.levels)
        values = {
            "entry_upper": entry_hi,
            "entry_lower": entry_lo,
            "exit_upper": exit_hi,
            "exit_lower": exit_lo,
            "realized_vol": self.vol.value,
            "vol_rank": self.rank.value,
        }
        return {k: v for k, v in values.items() if v is not None}

    def state(self) -> dict[str, float | str]:
        return {**prefixed(self.book.symbol, dict(self.indicators())), **self.book.state()}


def _channel(donchian: Donchian) -> tuple[float, float] | None:
    upper, lower = donchian.upper, donchian.lower
    return None if upper is None or lower is None else (upper, lower)


class Breakout:
    """Donchian channel breakout with a volatility filter, per symbol."""

    name = "breakout"
    Params: ClassVar[type[BreakoutParams]] = BreakoutParams

    def __init__(self, symbols: Sequence[str], params: BreakoutParams | None = None) -> None:
        self.symbols = check_symbols(tuple(symbols))
        self.params = params or BreakoutParams()
        self._by_symbol = {s: _SymbolBreakout(s, self.params) for s in self.symbols}

    def on_candle(self, candle: Candle) -> Signal | None:
        """Update the candle's symbol; return a Signal when its target changes."""
        if not accepts(candle, self.symbols, self.params.timeframe):
            return None
        return self._by_symbol[candle.symbol].on_candle(candle)

    def state(self) -> dict[str, float | str]:
        """Return channels, volatility rank, target and last reason of every symbol."""
        merged: dict[str, float | str] = {}
        for symbol_state in self._by_symbol.values():
            merged.update(symbol_state.state())
        return merged
