"""Pairs statistical arbitrage on two symbols, y and x (e.g. ETHUSDT on BTCUSDT).

* Over the last `lookback` bars, fit log y = alpha + beta · log x by OLS (running sums).
* z is the current residual divided by the regression's standard error.
* Flat: z > entry_z shorts the spread (short y, long x); z < -entry_z buys it.
* In a position: exit once z has reverted inside ±exit_z (or through it).
* Legs: y gets d / (1 + |beta|), x gets -d · beta / (1 + |beta|), so the gross target is 1
  and the dollar hedge follows the hedge ratio. The weights are fixed at entry, so a
  drifting beta does not make the strategy re-signal every bar.

Candles of the two symbols may arrive in any order; a bar is processed once both closes
for the same open_time are in. A bar of one symbol whose partner never arrives is
skipped. The strategy returns one Signal keyed by y that carries both legs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

from pydantic import Field, ValidationInfo, field_validator

from domain.market.candles import Candle
from domain.market.indicators import RollingOLS
from domain.strategies.base import Signal, StrategyParams, accepts, check_symbols


class PairsParams(StrategyParams):
    """Parameters of `PairsTrading`."""

    lookback: int = Field(default=240, ge=10, le=100_000, description="OLS window, bars")
    entry_z: float = Field(default=2.0, gt=0, le=10)
    exit_z: float = Field(default=0.5, validate_default=True, ge=0, le=10)

    @field_validator("exit_z")
    @classmethod
    def _exit_inside_entry(cls, exit_z: float, info: ValidationInfo) -> float:
        if exit_z >= info.data.get("entry_z", float("inf")):
            raise ValueError("exit_z must be below entry_z")
        return exit_z


class PairsTrading:
    """Trade the OLS residual of log y on log x; `symbols` is (y, x)."""

    name = "pairs"
    Params: ClassVar[type[PairsParams]] = PairsParams

    def __init__(self, symbols: Sequence[str], params: PairsParams | None = None) -> None:
        self.symbols = check_symbols(tuple(symbols), count=2)
        self.params = params or PairsParams()
        self._ols = RollingOLS(self.params.lookback)
        self._pending: dict[str, tuple[int, float]] = {}
        self._direction = 0.0
        self._legs: tuple[tuple[str, float], ...] = tuple((s, 0.0) for s in self.symbols)
        self._reason = "start"
        self._z: float | None = None
        self._spread: float | None = None

    def on_candle(self, candle: Candle) -> Signal | None:
        """Collect the close; once both legs have the same bar, return a Signal on change."""
        if not accepts(candle, self.symbols, self.params.timeframe):
            return None
        self._pending[candle.symbol] = (candle.open_time, candle.close)
        y, x = (self._pending.get(s) for s in self.symbols)
        if y is None or x is None or y[0] != x[0]:
            return None
        self._pending.clear()
        return self._on_bar(y[0], y[1], x[1])

    def _on_bar(self, ts: int, y: float, x: float) -> Signal | None:
        log_y, log_x = math.log(y), math.log(x)
        self._ols.update(log_x, log_y)
        spread, std = self._ols.residual(log_x, log_y), self._ols.residual_std
        if spread is None or std is None or std <= 0.0:
            return None
        self._spread, self._z = spread, spread / std
        direction, reason = self._decide(self._z)
        if direction == self._direction:
            return None
        return self._signal(ts, direction, reason)

    def _decide(self, z: float) -> tuple[float, str]:
        p, d = self.params, self._direction
        if d == 0.0:
            if z > p.entry_z:
                return -1.0, "spread_rich"
            if z < -p.entry_z:
                return 1.0, "spread_cheap"
        elif d * z > -p.exit_z:
            return 0.0, "spread_reverted"
        return d, self._reason

    def _signal(self, ts: int, direction: float, reason: str) -> Signal:
        beta = self._ols.value or 0.0
        scale = 1.0 + abs(beta)
        y_target = direction / scale
        x_target = -direction * beta / scale if direction else 0.0
        y, x = self.symbols
        self._direction, self._reason = direction, reason
        self._legs = ((y, y_target), (x, x_target))
        return Signal(y, ts, y_target, reason, self.indicators(), legs=self._legs)

    def indicators(self) -> dict[str, float]:
        """Return the fitted hedge ratio, intercept, spread and z-score once warmed up."""
        values = {
            "beta": self._ols.value,
            "alpha": self._ols.alpha,
            "spread": self._spread,
            "zscore": self._z,
        }
        return {k: v for k, v in values.items() if v is not None}

    def state(self) -> dict[str, float | str]:
        """Return the fit, the spread position, each leg's target and the last reason."""
        pair = "/".join(self.symbols)
        merged: dict[str, float | str] = {f"{pair}.{k}": v for k, v in self.indicators().items()}
        merged[f"{pair}.direction"] = self._direction
        merged[f"{pair}.reason"] = self._reason
        for symbol, target in self._legs:
            merged[f"{symbol}.target"] = target
        return merged
