"""What the backtest loop needs from the simulated market and the clock."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from application.ports.venue import VenueEvent
from domain.order import Order


class SimulatedMarket(Protocol):
    """The simulated exchange seen from the loop: it takes a price, answers with events.

    Events are funding, fills of resting or delayed orders and liquidations, in the
    order the venue produced them.
    """

    def on_price(self, symbol: str, price: Decimal, ts: int) -> Sequence[VenueEvent]: ...

    def venue_orders(self, events: Sequence[VenueEvent]) -> Sequence[Order]:
        """Return the orders the venue placed on its own in `events` (liquidations)."""
        ...


class SettableClock(Protocol):
    """A clock the loop moves: the only time the kernel reads during a backtest."""

    def now_ms(self) -> int: ...

    def set(self, ms: int) -> None: ...
