"""Redis caches with explicit expiry: latest marks, and account/position snapshots.

`RedisPriceCache` implements the synchronous PriceCache port: reads and writes hit a
local copy at once, a background task writes marks to Redis (each key with a TTL)
and pulls marks other replicas wrote. Redis being down only pauses the sharing.
`RedisSnapshotCache` keeps the latest JSON snapshot of the account and of each
position, so a replica can answer reads while the database is away.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import redis.asyncio as aioredis

from adapters.memory.prices import InMemoryPriceCache
from adapters.redis.connection import DOWN
from application.ports.market_data import PriceUpdate

MARKS = "autotrader:mark:"
SNAPSHOTS = "autotrader:snapshot:"


class RedisPriceCache:
    """PriceCache shared through Redis: local reads, write-behind with a TTL per mark."""

    def __init__(self, redis: aioredis.Redis, ttl_ms: int = 60_000, flush_every: float = 0.1):
        self._redis = redis
        self._ttl_ms = ttl_ms
        self._flush_every = flush_every
        self._local = InMemoryPriceCache()
        self._dirty: dict[str, PriceUpdate] = {}
        self.healthy = True

    def set_mark(self, update: PriceUpdate) -> None:
        self._local.set_mark(update)
        self._dirty[update.symbol] = update

    def mark(self, symbol: str) -> Decimal | None:
        return self._local.mark(symbol)

    def marks(self) -> Mapping[str, Decimal]:
        return self._local.marks()

    async def run(self, stop: asyncio.Event, pull_every: int = 10) -> None:
        """Flush local marks to Redis (and pull the others' every `pull_every` flushes)."""
        cycle = 0
        while not stop.is_set():
            try:
                await self.flush()
                if cycle % pull_every == 0:
                    await self.pull()  # a SCAN over the marks: not on every flush
                cycle += 1
                self.healthy = True
            except DOWN:
                self.healthy = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._flush_every)

    async def flush(self) -> None:
        dirty, self._dirty = self._dirty, {}
        if not dirty:
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for update in dirty.values():
                    value = json.dumps([str(update.price), update.ts])
                    pipe.set(MARKS + update.symbol, value, px=self._ttl_ms)
                await pipe.execute()
        except DOWN:
            for symbol, update in dirty.items():  # keep them for the next flush
                self._dirty.setdefault(symbol, update)
            raise

    async def pull(self) -> None:
        keys = [key async for key in self._redis.scan_iter(match=MARKS + "*", count=500)]
        if not keys:
            return
        for key, value in zip(keys, await self._redis.mget(keys), strict=True):
            if value is not None:
                price, ts = json.loads(value)
                symbol = _text(key).removeprefix(MARKS)
                self._local.set_mark(PriceUpdate(symbol, Decimal(price), int(ts)))


class RedisSnapshotCache:
    """The latest JSON snapshot per (kind, key) with a TTL, for reads during an outage."""

    def __init__(self, redis: aioredis.Redis, ttl_ms: int = 3_600_000) -> None:
        self._redis = redis
        self._ttl_ms = ttl_ms

    async def save(self, kind: str, key: str, snapshot: Mapping[str, Any]) -> None:
        await self._redis.hset(SNAPSHOTS + kind, key, json.dumps(snapshot))
        await self._redis.pexpire(SNAPSHOTS + kind, self._ttl_ms)

    async def load(self, kind: str) -> dict[str, dict[str, Any]]:
        stored = await self._redis.hgetall(SNAPSHOTS + kind)
        return {_text(k): json.loads(v) for k, v in stored.items()}


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
