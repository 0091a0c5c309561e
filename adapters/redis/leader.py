"""RedisLeaderLock: one leader per account, with a fencing token that only grows.

The lock is a key with a TTL holding this instance's id; taking it also INCRs the
account's fence counter, and that number is the token every write carries (see
adapters/sql/fencing.py). The leader renews every ttl/3; a standby tries every ttl/3,
so it takes over within ttl + ttl/3 of the leader's death. A leader that cannot reach
Redis keeps its token: storage refuses its writes as soon as someone holds a newer one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import redis.asyncio as aioredis

from adapters.redis.connection import DOWN

PREFIX = "autotrader:leader:"

_ACQUIRE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return false
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisLeaderLock:
    """Leadership (the port) backed by a Redis lock; `run` keeps it until stopped."""

    def __init__(
        self,
        redis: aioredis.Redis,
        account: str,
        instance: str,
        ttl_ms: int = 3_000,
        on_change: Callable[[int | None], None] | None = None,
    ) -> None:
        self._redis = redis
        self._account = account
        self._instance = instance
        self.ttl_ms = ttl_ms
        self._keys = [f"{PREFIX}{account}:lock", f"{PREFIX}{account}:fence"]
        self._acquire = redis.register_script(_ACQUIRE)
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)
        self._token: int | None = None
        self._on_change = on_change
        self.elected = asyncio.Event()

    @property
    def account(self) -> str:
        return self._account

    @property
    def token(self) -> int | None:
        return self._token

    def fenced(self, token: int) -> None:
        if self._token == token:
            self._set(None)

    async def try_acquire(self) -> int | None:
        """Take the lock if it is free; return the new token, or None."""
        token = await self._acquire(keys=self._keys, args=[self._instance, self.ttl_ms])
        if token:
            self._set(int(token))
        return self._token

    async def renew(self) -> bool:
        """Extend the lock; False (and step down) when someone else holds it now."""
        if await self._renew(keys=self._keys, args=[self._instance, self.ttl_ms]):
            return True
        self._set(None)
        return False

    async def release(self) -> None:
        if self._token is not None:
            with contextlib.suppress(*DOWN):
                await self._release(keys=self._keys, args=[self._instance])
            self._set(None)

    async def run(self, stop: asyncio.Event) -> None:
        """Lead or stand by until `stop`; release the lock on the way out."""
        try:
            while not stop.is_set():
                try:
                    if self._token is None:
                        await self.try_acquire()
                    else:
                        await self.renew()
                except DOWN:
                    pass  # keep what we have: the fence protects storage meanwhile
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.ttl_ms / 3000)
        finally:
            await self.release()

    def _set(self, token: int | None) -> None:
        changed = token != self._token
        self._token = token
        if token is None:
            self.elected.clear()
        else:
            self.elected.set()
        if changed and self._on_change is not None:
            self._on_change(token)
