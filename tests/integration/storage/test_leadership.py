"""Leader lock with fencing tokens: one leader, a standby takes over, a zombie is refused."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.event_bus import InMemoryEventBus
from adapters.redis.connection import client
from adapters.redis.leader import RedisLeaderLock
from adapters.sql.engine import create_engine, dispose
from adapters.sql.fencing import FencedUnitOfWorkFactory
from application.ledger import Ledger, PositionDefaults
from application.ports.leadership import NotLeader
from tests.contract.test_storage_contract import make_order
from tests.integration.storage.conftest import PrivateRedis

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
TTL_MS = 600


@pytest.fixture
async def engine(pg_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(pg_url)
    async with engine.begin() as connection:
        await connection.execute(
            sa.text("TRUNCATE orders, events, leader_fences, accounts RESTART IDENTITY")
        )
    yield engine
    await dispose(engine)


def lock(redis_url: str, instance: str) -> RedisLeaderLock:
    return RedisLeaderLock(client(redis_url, timeout=0.5), "acct-1", instance, TTL_MS)


async def test_one_leader_and_a_standby_takes_over_within_the_bound(
    private_redis: PrivateRedis,
) -> None:
    leader, standby = lock(private_redis.url, "a"), lock(private_redis.url, "b")
    assert await leader.try_acquire() == 1
    stop = asyncio.Event()
    waiting = asyncio.create_task(standby.run(stop))
    try:
        await asyncio.sleep(TTL_MS / 1000)  # the leader would renew; it has died instead
        assert standby.token is None or standby.token == 2
        died = time.monotonic() - TTL_MS / 1000
        await asyncio.wait_for(standby.elected.wait(), 5)
        took = time.monotonic() - died
        assert standby.token == 2  # the fencing token only grows
        assert took <= (TTL_MS + TTL_MS / 3) / 1000 + 0.3
        assert await leader.renew() is False  # the old leader learns it has lost
        assert leader.token is None
    finally:
        stop.set()
        await waiting


async def test_a_live_leader_keeps_the_lock_and_a_standby_waits(
    private_redis: PrivateRedis,
) -> None:
    leader, standby = lock(private_redis.url, "a"), lock(private_redis.url, "b")
    stop = asyncio.Event()
    tasks = [asyncio.create_task(leader.run(stop))]
    await asyncio.wait_for(leader.elected.wait(), 5)
    tasks.append(asyncio.create_task(standby.run(stop)))
    await asyncio.sleep(3 * TTL_MS / 1000)
    assert leader.token == 1
    assert standby.token is None
    stop.set()
    await asyncio.gather(*tasks)  # the leader releases on the way out
    assert await standby.try_acquire() == 2


async def test_the_fence_refuses_writes_under_an_older_token(
    private_redis: PrivateRedis, engine: AsyncEngine
) -> None:
    zombie, successor = lock(private_redis.url, "a"), lock(private_redis.url, "b")
    await zombie.try_acquire()
    zombie_ledger = Ledger(
        FencedUnitOfWorkFactory(engine, zombie), InMemoryEventBus(), PositionDefaults()
    )
    await zombie_ledger.record_new(make_order(1))

    await asyncio.sleep(TTL_MS / 1000 + 0.1)  # the zombie stalls (GC pause, partition)
    assert await successor.try_acquire() == 2
    successor_ledger = Ledger(
        FencedUnitOfWorkFactory(engine, successor), InMemoryEventBus(), PositionDefaults()
    )
    await successor_ledger.record_new(make_order(2))

    with pytest.raises(NotLeader, match="fenced off"):
        await zombie_ledger.record_new(make_order(3))
    assert zombie.token is None  # and it stepped down
    with pytest.raises(NotLeader, match="standby"):
        await zombie_ledger.record_new(make_order(4))
    async with engine.connect() as connection:
        stored = (await connection.execute(sa.text("SELECT order_id FROM orders"))).scalars()
        assert sorted(stored) == ["order-1", "order-2"]
