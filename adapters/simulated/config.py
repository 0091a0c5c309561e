"""How the simulated venue charges, fills and margins orders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from adapters.simulated.impact import SquareRootImpact
from domain.errors import InvalidInput
from domain.numbers import ZERO
from domain.position import MarginMode

FUNDING_INTERVAL_MS = 8 * 60 * 60 * 1000


@dataclass(frozen=True, slots=True)
class VenueConfig:
    """Fees, spread, slippage, partial fills, funding and position settings.

    `spread_ticks` is the whole bid/ask spread in ticks (bid/ask sit half of it
    either side of the last price); `max_fill_qty` caps each match step of a
    passive or IOC fill (None fills everything at once).
    """

    maker_fee_rate: Decimal = Decimal("0.0002")
    taker_fee_rate: Decimal = Decimal("0.0005")
    spread_ticks: Decimal = Decimal(1)
    slippage_bps: Decimal = ZERO
    max_fill_qty: Decimal | None = None
    funding_rate: Decimal = Decimal("0.0001")
    funding_interval_ms: int = FUNDING_INTERVAL_MS
    leverage: int = 10
    margin_mode: MarginMode = MarginMode.CROSS
    leverage_per_symbol: Mapping[str, int] = field(default_factory=dict)
    asset: str = "USDT"
    # Size-dependent impact on taker fills (adapters/simulated/impact.py); None = none.
    impact: SquareRootImpact | None = None

    def __post_init__(self) -> None:
        for name in ("maker_fee_rate", "taker_fee_rate", "spread_ticks", "slippage_bps"):
            if getattr(self, name) < ZERO:
                raise InvalidInput(name, "must be >= 0")
        if self.max_fill_qty is not None and self.max_fill_qty <= ZERO:
            raise InvalidInput("max_fill_qty", "must be > 0 or None")
        if self.funding_interval_ms <= 0:
            raise InvalidInput("funding_interval_ms", "must be > 0")
        if self.leverage < 1 or any(v < 1 for v in self.leverage_per_symbol.values()):
            raise InvalidInput("leverage", "must be >= 1")

    def leverage_for(self, symbol: str) -> int:
        return self.leverage_per_symbol.get(symbol, self.leverage)
