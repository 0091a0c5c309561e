"""Mean reversion: Bollinger z-score entries confirmed by RSI, with a time stop.

* Flat: go long when z < -entry_z and RSI < oversold; go short when z > entry_z and
  RSI > overbought (only if `allow_short`).
* Long: exit once z has come back above -exit_z (inside the exit band or past it: an
  overshoot to the other side is a reversion too). Short: mirror image.
* Time stop: exit a position still open after `max_bars` bars. A new entry needs the
  entry conditions to hold again on a later bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from pydantic import Field, ValidationInfo, field_validator

from domain.market.candles import Candle
from domain.market.indicators import RSI, Bollinger
from domain.strategies.base import (
    Signal,
    StrategyParams,
    TargetBook,
    accepts,
    check_symbols,
    prefixed,
)


class MeanReversionParams(StrategyParams):
    """Parameters of `MeanReversion`."""

    period: int = Field(default=20, ge=3, le=2000, description="Bollinger window, bars")
    band_k: float = Field(default=2.0, gt=0, le=10, description="band width in std devs")
    entry_z: float = Field(default=2.0, gt=0, le=10)
    exit_z: float = Field(default=0.5, validate_default=True, ge=0, le=10)
    rsi_period: int = Field(default=14, ge=2, le=500)
    oversold: float = Field(default=30.0, gt=0, lt=100)
    overbought: float = Field(default=70.0, validate_default=True, gt=0, lt=100)
    max_bars: int = Field(default=48, ge=1, le=100_000, description="time stop, bars")
    allow_short: bool = True

    @field_validator("exit_z")
    @classmethod
    def _exit_inside_entry(cls, exit_z: float, info: ValidationInfo) -> float:
        if exit_z >= info.data.get("entry_z", float("inf")):
            raise ValueError("exit_z must be below entry_z")
        return exit_z

    @field_validator("overbought")
    @classmethod
    def _overbought_above_oversold(cls, overbought: float, info: ValidationInfo) -> float:
        if overbought <= info.data.get("oversold", 0.0):
            raise ValueError("overbought must be above oversold")
        return overbought


class _SymbolReversion:
    __slots__ = ("bands", "book", "held", "p", "rsi")

    def __init__(self, symbol: str, params: MeanReversionParams) -> None:
        self.p = params
        self.bands = Bollinger(params.period, params.band_k)
        self.rsi = RSI(params.rsi_period)
        self.book = TargetBook(symbol)
        self.held = 0

    def on_candle(self, candle: Candle) -> Signal | None:
        self.bands.update(candle.close)
        rsi, z = self.rsi.update(candle.close), self.bands.zscore
        if rsi is None or z is None:
            return None
        target, reason = self._decide(z, rsi)
        signal = self.book.move(candle.open_time, target, reason, self.indicators())
        self.held = 0 if signal is not None or target == 0.0 else self.held
        return signal

    def _decide(self, z: float, rsi: float) -> tuple[float, str]:
        p, current = self.p, self.book.target
        if current == 0.0:
            if z < -p.entry_z and rsi < p.oversold:
                return 1.0, "z_low_rsi_oversold"
            if p.allow_short and z > p.entry_z and rsi > p.overbought:
                return -1.0, "z_high_rsi_overbought"
            return 0.0, self.book.reason
        self.held += 1
        if current * z > -p.exit_z:  # z has reverted into (or through) the exit band
            return 0.0, "z_exit"
        if self.held >= p.max_bars:
            return 0.0, "time_stop"
        return current, self.book.reason

    def indicators(self) -> dict[str, float]:
        values = {
            "zscore": self.bands.zscore,
            "mean": self.bands.value,
            "upper": self.bands.upper,
            "lower": self.bands.lower,
            "rsi": self.rsi.value,
        }
        return {k: v for k, v in values.items() if v is not None}

    def state(self) -> dict[str, float | str]:
        symbol = self.book.symbol
        held: dict[str, float | str] = {f"{symbol}.bars_held": float(self.held)}
        return {**prefixed(symbol, dict(self.indicators())), **held, **self.book.state()}


class MeanReversion:
    """Bollinger/RSI mean reversion, run independently on each symbol."""

    name = "mean_reversion"
    Params: ClassVar[type[MeanReversionParams]] = MeanReversionParams

    def __init__(self, symbols: Sequence[str], params: MeanReversionParams | None = None) -> None:
        self.symbols = check_symbols(tuple(symbols))
        self.params = params or MeanReversionParams()
        self._by_symbol = {s: _SymbolReversion(s, self.params) for s in self.symbols}

    def on_candle(self, candle: Candle) -> Signal | None:
        """Update the candle's symbol; return a Signal when its target changes."""
        if not accepts(candle, self.symbols, self.params.timeframe):
            return None
        return self._by_symbol[candle.symbol].on_candle(candle)

    def state(self) -> dict[str, float | str]:
        """Return bands, z-score, RSI, bars held, target and last reason of every symbol."""
        merged: dict[str, float | str] = {}
        for symbol_state in self._by_symbol.values():
            merged.update(symbol_state.state())
        return merged
