"""Cancel every open order and close every position through the normal order path."""

from __future__ import annotations

from dataclasses import dataclass, field

from application.ledger import UnitOfWorkFactory
from application.use_cases.cancel_order import CancelOrder
from application.use_cases.place_order import PlaceOrder
from domain.order import OPEN_STATUSES, Order, OrderRequest, OrderStatus, OrderType, Side


@dataclass(slots=True)
class FlattenOutcome:
    """What a flatten did: orders canceled, closing orders placed, and failures."""

    canceled: list[str] = field(default_factory=list)
    closing_orders: list[Order] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Flatten:
    """Cancel open orders, then close positions with reduce-only market orders.

    The closing orders go through PlaceOrder, so they pass the risk chain (which lets
    reductions through even when trading is halted) and are journalled like any other.
    """

    def __init__(self, uow: UnitOfWorkFactory, place: PlaceOrder, cancel: CancelOrder) -> None:
        self._uow = uow
        self._place = place
        self._cancel = cancel

    async def cancel_open_orders(self, outcome: FlattenOutcome) -> None:
        async with self._uow() as uow:
            orders = await uow.orders.list(OPEN_STATUSES, None, 100_000)
        for order in orders:
            if order.status is OrderStatus.NEW:
                continue  # not at the venue yet; the send in flight will meet the halt
            try:
                done = await self._cancel.execute(order.order_id)
            except Exception as error:  # one failure must not stop the rest
                outcome.errors.append(f"cancel {order.order_id}: {error}")
                continue
            if done.status is OrderStatus.CANCELED:
                outcome.canceled.append(order.order_id)

    async def close_positions(self, outcome: FlattenOutcome) -> None:
        async with self._uow() as uow:
            positions = [p for p in await uow.positions.list() if not p.is_flat]
        for position in positions:
            side = Side.SELL if position.quantity > 0 else Side.BUY
            request = OrderRequest(
                symbol=position.symbol,
                side=side,
                type=OrderType.MARKET,
                quantity=abs(position.quantity),
                reduce_only=True,
            )
            try:
                order, _ = await self._place.execute(request)
            except Exception as error:
                outcome.errors.append(f"close {position.symbol}: {error}")
                continue
            outcome.closing_orders.append(order)

    async def execute(self, close: bool) -> FlattenOutcome:
        """Cancel all open orders and, if `close`, close all positions."""
        outcome = FlattenOutcome()
        await self.cancel_open_orders(outcome)
        if close:
            await self.close_positions(outcome)
        return outcome
