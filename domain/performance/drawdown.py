"""Drawdowns of an equity curve: how far below its running peak it fell, and for how long."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from domain.errors import InvalidInput
from domain.performance._arrays import FloatArray, as_equity


@dataclass(frozen=True, slots=True)
class Drawdown:
    """One spell under water, from a peak until equity first regains it.

    `depth` is the worst fall as a fraction of the peak (negative). Indices point into the
    equity curve; `recovery` is ``None`` while the curve is still below the peak, and then
    `periods` runs to the last point instead.
    """

    depth: float
    start: int
    trough: int
    recovery: int | None
    periods: int

    def __post_init__(self) -> None:
        if not self.start <= self.trough:
            raise InvalidInput("trough", f"{self.trough} precedes start {self.start}")
        if self.recovery is not None and not self.trough < self.recovery:
            raise InvalidInput("recovery", f"{self.recovery} does not follow trough {self.trough}")


def drawdown_series(equity: npt.ArrayLike) -> FloatArray:
    """Return ``E_i / max(E_0..E_i) - 1`` at every point: 0 at a new high, negative below."""
    curve = as_equity(equity)
    if curve.size == 0:
        return curve
    return curve / np.maximum.accumulate(curve) - 1.0


def drawdowns(equity: npt.ArrayLike) -> tuple[Drawdown, ...]:
    """Return every drawdown of the curve in time order; an empty tuple if it never fell."""
    curve = as_equity(equity)
    if curve.size == 0:
        return ()
    underwater = curve < np.maximum.accumulate(curve)
    edges = np.diff(np.concatenate(([False], underwater, [False])).astype(np.int8))
    firsts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return tuple(_spell(curve, int(a), int(b)) for a, b in zip(firsts, ends, strict=True))


def max_drawdown(equity: npt.ArrayLike) -> Drawdown | None:
    """Return the deepest drawdown (the earliest among equals), or ``None`` if there was none."""
    spells = drawdowns(equity)
    if not spells:
        return None
    return min(spells, key=lambda spell: spell.depth)


def longest_drawdown(equity: npt.ArrayLike) -> Drawdown | None:
    """Return the drawdown that lasted the most periods, or ``None`` if there was none."""
    spells = drawdowns(equity)
    if not spells:
        return None
    return max(spells, key=lambda spell: spell.periods)


def _spell(curve: FloatArray, first: int, end: int) -> Drawdown:
    # `first` is the first point under water, so the peak is the point before it, and
    # `end` is the first point back at (or above) the peak, unless it ran off the end.
    start = first - 1
    trough = first + int(np.argmin(curve[first:end]))
    recovery = end if end < curve.size else None
    last = end if recovery is not None else curve.size - 1
    return Drawdown(
        depth=float(curve[trough] / curve[start] - 1.0),
        start=start,
        trough=trough,
        recovery=recovery,
        periods=last - start,
    )
