"""The read mirror: reads survive a database outage, writes do not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.memory.read_mirror import FallbackUnitOfWorkFactory, ReadMirror
from adapters.memory.storage import InMemoryStore
from application.events import balance_changed, order_updated
from application.ports.storage import StorageUnavailable, UnitOfWork
from domain.account import Account
from tests.contract.test_storage_contract import make_order


class DownUnitOfWork:
    async def __aenter__(self) -> UnitOfWork:
        raise StorageUnavailable("connection refused")

    async def __aexit__(self, *_: object) -> None:
        return None


async def test_reads_come_from_the_mirror_and_writes_are_refused() -> None:
    mirror = ReadMirror()
    mirror.apply(order_updated(make_order(1)).stored_as(1))
    mirror.apply(balance_changed(Account("USDT", Decimal(5), 1)).stored_as(2))
    factory = FallbackUnitOfWorkFactory(DownUnitOfWork, mirror)  # type: ignore[arg-type]

    async with factory() as uow:
        assert (await uow.orders.get_by_client_id("client-1")).order_id == "order-1"
        assert (await uow.accounts.get()).wallet_balance == 5
        assert [e.sequence for e in await uow.events.after(0)] == [1, 2]
        with pytest.raises(StorageUnavailable, match="reads from the cache"):
            await uow.orders.add(make_order(2))
        with pytest.raises(StorageUnavailable):
            await uow.commit()


async def test_with_the_database_up_it_is_used() -> None:
    store = InMemoryStore()
    factory = FallbackUnitOfWorkFactory(store.unit_of_work, ReadMirror())
    async with factory() as uow:
        await uow.orders.add(make_order(1))
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.orders.get("order-1") is not None


async def test_events_older_than_the_seed_are_ignored() -> None:
    mirror = ReadMirror()
    newer = make_order(1)
    newer.updated_at += 10
    mirror.apply(order_updated(newer).stored_as(5))
    mirror.apply(order_updated(make_order(1)).stored_as(3))
    assert mirror.orders["order-1"].updated_at == newer.updated_at
