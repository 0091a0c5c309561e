"""What the venue says the account holds: the source of truth reconciliation reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from domain.fill import Fill
from domain.order import Order, OrderStatus
from domain.position import Position


@dataclass(frozen=True, slots=True)
class VenueOrder:
    """One order as the venue reports it, keyed by our client order id."""

    client_order_id: str
    exchange_order_id: str
    symbol: str
    status: OrderStatus
    quantity: Decimal
    filled_quantity: Decimal
    average_price: Decimal | None
    updated_at: int


class AccountState(Protocol):
    """Read the venue's view of open orders, fills, positions and the wallet."""

    async def fetch_open_orders(self) -> Sequence[VenueOrder]: ...

    async def fetch_order(self, order: Order) -> VenueOrder | None:
        """Return the venue's record of `order` by client order id, None if it has none."""
        ...

    async def fetch_fills(self, order: Order, venue_order: VenueOrder) -> Sequence[Fill]:
        """Return every execution of `order` the venue recorded."""
        ...

    async def fetch_positions(self) -> Sequence[Position]:
        """Return every non-flat position."""
        ...

    async def fetch_wallet_balance(self) -> Decimal: ...

    def track(self, orders: Sequence[Order]) -> None:
        """Learn orders stored locally, so reports about them carry our order ids."""
        ...
