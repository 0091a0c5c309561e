"""Redis Streams bus and the outbox relay: nothing lost while Redis is down, in order."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.event_bus import InMemoryEventBus
from adapters.redis.connection import client
from adapters.redis.event_bus import RedisEventBus
from adapters.sql.engine import create_engine, dispose
from adapters.sql.outbox import SqlaRelayCursor
from adapters.sql.unit_of_work import SqlaUnitOfWorkFactory
from application.events import Event, EventKind
from application.ledger import Ledger, PositionDefaults
from application.outbox import OutboxRelay
from application.ports.outbox import EventBusUnavailable
from tests.contract.test_storage_contract import make_order
from tests.integration.storage.conftest import PrivateRedis

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
TABLES = "orders, fills, positions, accounts, events, outbox_relay"


@pytest.fixture
async def engine(pg_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(pg_url)
    async with engine.begin() as connection:
        await connection.execute(sa.text(f"TRUNCATE {TABLES} RESTART IDENTITY"))
    yield engine
    await dispose(engine)


def bus_on(url: str, stream: str | None = None) -> RedisEventBus:
    stream = stream or f"test:events:{uuid.uuid4().hex[:8]}"
    return RedisEventBus(
        client(url, timeout=0.5), client(url, timeout=0.5, blocking_ms=1000), stream
    )


async def place(ledger: Ledger, first: int, count: int) -> None:
    for n in range(first, first + count):
        await ledger.record_new(make_order(n))


async def collect(events: AsyncIterator[Event], count: int, seconds: float = 10) -> list[Event]:
    got: list[Event] = []

    async def _take() -> None:
        async for event in events:
            got.append(event)
            if len(got) == count:
                return

    await asyncio.wait_for(_take(), seconds)
    return got


async def test_publish_is_ordered_and_a_repeat_adds_nothing(shared_redis) -> None:
    bus = bus_on("redis://127.0.0.1:6379/0")
    try:
        events = [Event(EventKind.ORDER_UPDATED, 1, make_order(n), sequence=n) for n in range(1, 4)]
        await bus.publish(events)
        await bus.publish(events[1:])  # a relay that crashed before saving its cursor
        assert await shared_redis.xlen(bus.stream) == 3
        got = await bus.read("0-0", 0)
        assert [event for _, event in got] == events
    finally:
        await shared_redis.delete(bus.stream)


async def test_every_subscriber_sees_every_event(shared_redis) -> None:
    bus = bus_on("redis://127.0.0.1:6379/0")
    other_replica = bus_on("redis://127.0.0.1:6379/0", bus.stream)
    try:
        one, two = bus.subscribe(), other_replica.subscribe()
        await asyncio.sleep(0.1)
        events = [Event(EventKind.ORDER_UPDATED, 1, make_order(n), sequence=n) for n in (1, 2)]
        await bus.publish(events)
        assert await collect(aiter(one), 2) == events
        assert await collect(aiter(two), 2) == events
        await one.close()
        await two.close()
    finally:
        await shared_redis.delete(bus.stream)


async def test_redis_down_delays_events_and_loses_none(
    engine: AsyncEngine, private_redis: PrivateRedis
) -> None:
    local = InMemoryEventBus()
    ledger = Ledger(SqlaUnitOfWorkFactory(engine), local, PositionDefaults())
    bus = bus_on(private_redis.url)
    relay = OutboxRelay(
        SqlaUnitOfWorkFactory(engine), bus, SqlaRelayCursor(engine), poll_interval=0.05
    )
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    subscriber = bus.subscribe()
    try:
        await place(ledger, 1, 3)
        seen = await collect(aiter(subscriber), 3)

        private_redis.stop()
        await place(ledger, 4, 5)  # trading goes on while Redis is away
        await asyncio.sleep(0.3)
        assert relay.healthy is False
        assert relay.position == 3
        private_redis.start()  # an empty Redis: the journal still has everything

        seen += await collect(aiter(subscriber), 5)
        assert [e.sequence for e in seen] == list(range(1, 9))
        assert [e.subject.order_id for e in seen] == [f"order-{n}" for n in range(1, 9)]
        assert await SqlaRelayCursor(engine).load() == 8
        assert relay.healthy is True
    finally:
        stop.set()
        await subscriber.close()
        await task


async def test_the_relay_resumes_from_its_saved_cursor(
    engine: AsyncEngine, private_redis: PrivateRedis
) -> None:
    ledger = Ledger(SqlaUnitOfWorkFactory(engine), InMemoryEventBus(), PositionDefaults())
    bus = bus_on(private_redis.url)
    await place(ledger, 1, 2)
    first = OutboxRelay(SqlaUnitOfWorkFactory(engine), bus, SqlaRelayCursor(engine))
    assert await first.relay_once() == 2

    await place(ledger, 3, 2)
    restarted = OutboxRelay(SqlaUnitOfWorkFactory(engine), bus, SqlaRelayCursor(engine))
    assert await restarted.relay_once() == 2  # only what the first one had not published
    assert [e.sequence for _, e in await bus.read("0-0", 0)] == [1, 2, 3, 4]


async def test_a_group_consumer_that_reconnects_resumes_where_it_stopped(
    private_redis: PrivateRedis,
) -> None:
    bus = bus_on(private_redis.url)
    events = [Event(EventKind.ORDER_UPDATED, 1, make_order(n), sequence=n) for n in range(1, 6)]
    await bus.publish(events[:3])

    consumer = bus.consumer("risk", "worker-1")
    got = await consumer.read(count=3)
    await consumer.ack(got[:2])  # crashes before acknowledging the third

    await bus.publish(events[3:])
    again = bus_on(private_redis.url, bus.stream).consumer("risk", "worker-1")
    resumed = await again.read(count=10)
    assert [e.sequence for e in resumed] == [3]  # the unacknowledged one first
    await again.ack(resumed)
    assert [e.sequence for e in await again.read(count=10)] == [4, 5]

    other_group = bus.consumer("audit", "a")
    assert [e.sequence for e in await other_group.read(count=10)] == [1, 2, 3, 4, 5]


async def test_publishing_to_a_dead_redis_raises_event_bus_unavailable(
    private_redis: PrivateRedis,
) -> None:
    bus = bus_on(private_redis.url)
    private_redis.stop()
    with pytest.raises(EventBusUnavailable):
        await bus.publish([Event(EventKind.ORDER_UPDATED, 1, make_order(1), sequence=1)])
