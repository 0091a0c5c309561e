"""Cancel an open order at the venue."""

from __future__ import annotations

from application.ledger import Ledger, UnitOfWorkFactory
from application.ports.venue import Exchange
from domain.errors import NotFound, PreconditionFailed
from domain.order import Order


class CancelOrder:
    """Ask the venue to cancel; the venue's report changes the order's status."""

    def __init__(self, exchange: Exchange, ledger: Ledger, uow: UnitOfWorkFactory) -> None:
        self._exchange = exchange
        self._ledger = ledger
        self._uow = uow

    async def execute(self, order_id: str) -> Order:
        order = await self._load(order_id)
        if order.status.is_final:
            raise PreconditionFailed(
                f"order {order.order_id} is already {order.status.value}; nothing to cancel"
            )
        await self._ledger.apply(await self._exchange.cancel_order(order))
        return await self._load(order.order_id)

    async def _load(self, order_id: str) -> Order:
        async with self._uow() as uow:
            order = await uow.orders.get(order_id)
            if order is None:
                order = await uow.orders.get_by_client_id(order_id)
        if order is None:
            raise NotFound("order", order_id)
        return order
