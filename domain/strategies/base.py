"""What every strategy is: a Protocol, its Signal, typed parameters, shared bookkeeping.

A strategy sees closed candles of its own timeframe and answers with a target: the signed
fraction of its allocated capital it wants on a symbol, in [-1, 1]. It speaks only when
the target changes; sizing, risk and execution happen elsewhere.

Multi-leg strategies (pairs) return one Signal whose `legs` carry the target of every
leg, so both legs of a hedge always move together; `Signal.targets()` reads single- and
multi-leg signals alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from domain.market.candles import Candle, Timeframe

Leg = tuple[str, float]


@dataclass(frozen=True, slots=True)
class Signal:
    """A strategy's new target for a symbol (and, for multi-leg strategies, its legs).

    With legs, the first leg is (symbol, target): the signal is keyed by its first leg.
    """

    symbol: str
    ts: int
    target: float
    reason: str
    indicators: dict[str, float] = field(default_factory=dict, hash=False)
    legs: tuple[Leg, ...] = ()

    def __post_init__(self) -> None:
        if not self.symbol:
            raise ValueError("symbol must not be empty")
        if isinstance(self.ts, bool) or not isinstance(self.ts, int) or self.ts < 0:
            raise ValueError("ts must be a non-negative int of ms")
        _check_target("target", self.target)
        # A private copy: the caller's dict must not be able to change a frozen signal.
        object.__setattr__(self, "indicators", dict(self.indicators))
        for name, value in self.indicators.items():
            if not math.isfinite(value):
                raise ValueError(f"indicator {name} must be finite")
        if self.legs:
            self._check_legs()

    def _check_legs(self) -> None:
        if self.legs[0] != (self.symbol, self.target):
            raise ValueError("the first leg must be (symbol, target)")
        if len({symbol for symbol, _ in self.legs}) != len(self.legs):
            raise ValueError("legs must name distinct symbols")
        for symbol, target in self.legs:
            _check_target(f"leg {symbol}", target)

    def targets(self) -> tuple[Leg, ...]:
        """Return (symbol, target) for every symbol the signal sets."""
        return self.legs or ((self.symbol, self.target),)


def _check_target(name: str, target: float) -> None:
    if not (math.isfinite(target) and -1.0 <= target <= 1.0):
        raise ValueError(f"{name} must be in [-1, 1], got {target!r}")


class StrategyParams(BaseModel):
    """Base of every strategy's parameters: immutable, and no unknown keys allowed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeframe: Timeframe = Timeframe.H1


class Strategy(Protocol):
    """A trading strategy, identical in backtest, paper and live."""

    @property
    def name(self) -> str: ...

    @property
    def symbols(self) -> tuple[str, ...]: ...

    @property
    def params(self) -> StrategyParams: ...

    def on_candle(self, candle: Candle) -> Signal | None:
        """Take a closed candle of the strategy's timeframe; return a Signal if the target moved.

        Candles of symbols the strategy does not trade are ignored (None).
        """
        ...

    def state(self) -> dict[str, float | str]:
        """Return the latest indicators, targets and reasons, keyed `SYMBOL.name`."""
        ...


class TargetBook:
    """The current target and last reason of one symbol, emitting a Signal on change."""

    __slots__ = ("reason", "symbol", "target")

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        self.target = 0.0
        self.reason = "start"

    def move(
        self, ts: int, target: float, reason: str, indicators: dict[str, float]
    ) -> Signal | None:
        """Set a new target; return the Signal to publish, or None if nothing changed."""
        if target == self.target:
            return None
        self.target, self.reason = target, reason
        return Signal(self.symbol, ts, target, reason, indicators)

    def state(self) -> dict[str, float | str]:
        return {f"{self.symbol}.target": self.target, f"{self.symbol}.reason": self.reason}


def accepts(candle: Candle, symbols: tuple[str, ...], timeframe: Timeframe) -> bool:
    """Tell whether the candle is for this strategy; reject candles it must never see."""
    if not candle.closed:
        raise ValueError("strategies take closed candles only")
    if candle.symbol not in symbols:
        return False
    if candle.timeframe is not timeframe:
        raise ValueError(f"expected {timeframe} candles, got {candle.timeframe}")
    return True


def check_symbols(symbols: tuple[str, ...], count: int | None = None) -> tuple[str, ...]:
    """Validate a strategy's symbols: non-empty, distinct and, if given, exactly `count`."""
    if not symbols or len(set(symbols)) != len(symbols) or not all(symbols):
        raise ValueError("symbols must be distinct non-empty names")
    if count is not None and len(symbols) != count:
        raise ValueError(f"expected exactly {count} symbols, got {len(symbols)}")
    return symbols


def prefixed(symbol: str, values: dict[str, float | None]) -> dict[str, float | str]:
    """Key warmed-up values `SYMBOL.name` for `state()`, dropping the ones still None."""
    return {f"{symbol}.{k}": v for k, v in values.items() if v is not None}
