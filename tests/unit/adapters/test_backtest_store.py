"""BacktestStore answers like InMemoryStore, with its unfinished-order index."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.backtest.storage import BacktestStore
from adapters.memory.storage import InMemoryStore
from domain.order import OPEN_STATUSES, Order, OrderRequest, OrderStatus, OrderType, Side, new_order


def _order(n: int) -> Order:
    request = OrderRequest("BTCUSDT", Side.BUY, OrderType.LIMIT, Decimal(1), Decimal(100 + n))
    return new_order(request, f"o-{n}", f"c-{n}", n)


async def _fill(store: InMemoryStore) -> list[list[str]]:
    seen: list[list[str]] = []
    async with store.unit_of_work() as uow:
        for n in range(6):
            await uow.orders.add(_order(n))
        await uow.commit()
    async with store.unit_of_work() as uow:
        for n in (1, 3):
            order = await uow.orders.get(f"o-{n}")
            assert order is not None
            order.accept(f"x-{n}", 10)
            await uow.orders.update(order)
        done = await uow.orders.get("o-4")
        assert done is not None
        done.reject("no", 11)
        await uow.orders.update(done)
        # Uncommitted changes are visible to their own unit of work.
        seen.append([o.order_id for o in await uow.orders.list(OPEN_STATUSES, None, 100)])
        await uow.commit()
    async with store.unit_of_work() as uow:
        for statuses in (OPEN_STATUSES, (OrderStatus.OPEN,), (), (OrderStatus.REJECTED,)):
            seen.append([o.order_id for o in await uow.orders.list(statuses, None, 3)])
    return seen


@pytest.mark.parametrize("store", [BacktestStore()], ids=["backtest"])
async def test_lists_like_the_in_memory_store(store: InMemoryStore) -> None:
    assert await _fill(store) == await _fill(InMemoryStore())
