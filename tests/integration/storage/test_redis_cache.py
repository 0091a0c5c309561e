"""RedisPriceCache and RedisSnapshotCache on a real Redis: sharing, expiry, outages."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from adapters.redis.cache import MARKS, RedisPriceCache, RedisSnapshotCache
from adapters.redis.connection import DOWN, client
from application.ports.market_data import PriceUpdate
from tests.integration.storage.conftest import PrivateRedis

pytestmark = pytest.mark.redis


async def test_a_mark_set_on_one_replica_reaches_another(private_redis: PrivateRedis) -> None:
    one = RedisPriceCache(client(private_redis.url), ttl_ms=5_000)
    two = RedisPriceCache(client(private_redis.url), ttl_ms=5_000)
    one.set_mark(PriceUpdate("BTCUSDT", Decimal("65000.10"), 2))
    assert one.mark("BTCUSDT") == Decimal("65000.10")  # local at once
    await one.flush()
    await two.pull()
    assert two.mark("BTCUSDT") == Decimal("65000.10")  # exact decimals
    two.set_mark(PriceUpdate("BTCUSDT", Decimal("64000"), 1))  # older: ignored
    assert two.marks() == {"BTCUSDT": Decimal("65000.10")}


async def test_marks_expire_in_redis(private_redis: PrivateRedis) -> None:
    redis = client(private_redis.url)
    cache = RedisPriceCache(redis, ttl_ms=1_000)
    cache.set_mark(PriceUpdate("ETHUSDT", Decimal(3000), 1))
    await cache.flush()
    assert 0 < await redis.pttl(MARKS + "ETHUSDT") <= 1_000
    await asyncio.sleep(1.1)
    assert await redis.exists(MARKS + "ETHUSDT") == 0


async def test_redis_down_keeps_local_marks_and_flushes_them_later(
    private_redis: PrivateRedis,
) -> None:
    cache = RedisPriceCache(client(private_redis.url, timeout=0.5), ttl_ms=5_000)
    private_redis.stop()
    cache.set_mark(PriceUpdate("BTCUSDT", Decimal(1), 1))
    with pytest.raises(DOWN):
        await cache.flush()
    assert cache.mark("BTCUSDT") == Decimal(1)
    private_redis.start()
    await cache.flush()  # the unsent mark was kept
    other = RedisPriceCache(client(private_redis.url), ttl_ms=5_000)
    await other.pull()
    assert other.mark("BTCUSDT") == Decimal(1)


async def test_the_cache_loop_reports_health_and_survives_an_outage(
    private_redis: PrivateRedis,
) -> None:
    cache = RedisPriceCache(client(private_redis.url, timeout=0.3), flush_every=0.02)
    stop = asyncio.Event()
    task = asyncio.create_task(cache.run(stop))
    private_redis.stop()
    await asyncio.sleep(0.5)
    assert cache.healthy is False
    private_redis.start()
    await asyncio.sleep(0.5)
    assert cache.healthy is True
    stop.set()
    await task


async def test_snapshots_come_back_and_expire(private_redis: PrivateRedis) -> None:
    snapshots = RedisSnapshotCache(client(private_redis.url), ttl_ms=1_000)
    await snapshots.save("positions", "BTCUSDT", {"quantity": "0.010"})
    assert await snapshots.load("positions") == {"BTCUSDT": {"quantity": "0.010"}}
    await asyncio.sleep(1.1)
    assert await snapshots.load("positions") == {}
