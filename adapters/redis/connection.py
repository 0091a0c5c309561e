"""Open Redis clients and recognise the errors that mean Redis is out of reach."""

from __future__ import annotations

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


def client(url: str, *, timeout: float = 2.0, blocking_ms: int = 0) -> aioredis.Redis:
    """Return a client on `url` that fails fast when the server is gone.

    A client for blocking reads (XREAD BLOCK) needs a socket timeout above the block time.
    """
    return aioredis.Redis.from_url(
        url,
        socket_timeout=timeout + blocking_ms / 1000,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=0,
    )
