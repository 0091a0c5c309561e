"""Size-dependent market impact for the simulated venue's taker fills.

The square-root law: a taker moving `notional` pays `bps × sqrt(notional / reference)`
basis points on top of the touch, so doubling the size costs √2 as much per unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from domain.errors import InvalidInput
from domain.order import Side

_BPS = Decimal(10_000)


@dataclass(frozen=True, slots=True)
class SquareRootImpact:
    """Impact of `bps` basis points at `reference` notional, scaling with its square root."""

    bps: Decimal
    reference: Decimal = Decimal(1_000_000)

    def __post_init__(self) -> None:
        if self.bps < 0:
            raise InvalidInput("impact_bps", "must be >= 0")
        if self.reference <= 0:
            raise InvalidInput("impact_notional", "must be > 0")

    def price(self, side: Side, touch: Decimal, quantity: Decimal, tick: Decimal) -> Decimal:
        """Return `touch` moved against the taker by the impact of `quantity`, on the tick."""
        if self.bps == 0:
            return touch
        scale = Decimal(repr(math.sqrt(float(quantity * touch / self.reference))))
        moved = touch * self.bps * scale / _BPS
        if side is Side.BUY:
            return ((touch + moved) / tick).to_integral_value(ROUND_CEILING) * tick
        return max(((touch - moved) / tick).to_integral_value(ROUND_FLOOR) * tick, tick)
