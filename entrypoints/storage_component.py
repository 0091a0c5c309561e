"""Production storage at run time: leadership, the outbox relay, caches, the read mirror, health.

- `lead(service)` runs before anything trades: with storage.leader_lock it starts the
  Redis lock and waits as a standby until this instance holds it.
- `StorageComponent` seeds the read mirror and keeps it current from the local bus;
  with Redis it runs the outbox relay (woken by every local publish), the mark cache
  sync and account/position snapshots; always it probes the database (and Redis) and
  reports them on the gRPC health service as autotrader.storage.database / .redis /
  .events / .leader. The database coming back needs nothing: the next unit of work
  reconnects. Finished idempotency keys are forgotten after a day.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import structlog
from grpc_health.v1 import health_pb2

from adapters.memory.event_bus import SubscriptionLagged
from adapters.postgres.dsn import asyncpg_dsn
from adapters.sql import codec
from application.ports.outbox import EventBusUnavailable
from application.ports.storage import StorageUnavailable

if TYPE_CHECKING:
    from entrypoints.grpc.server import GrpcService
    from entrypoints.runtime import Service

log = structlog.get_logger("storage")
DATABASE = "autotrader.storage.database"
REDIS = "autotrader.storage.redis"
EVENTS = "autotrader.storage.events"
LEADER = "autotrader.storage.leader"
KEEP_IDEMPOTENCY_MS = 24 * 3_600_000
PROBE_SECONDS = 2.0


async def lead(service: Service) -> None:
    """With a leader lock configured, wait until this instance holds it."""
    from entrypoints.runtime import StartupError

    settings = service.settings
    if settings.storage.leader_lock and settings.redis_url is None:
        raise StartupError("storage.leader_lock needs redis_url (AUTOTRADER_REDIS_URL)")
    leader = service.container.leader()
    if leader is None:
        return
    stop = service._stop  # the service's own stop signal ends the lock loop
    service._tasks.append(asyncio.create_task(leader.run(stop), name="leader-lock"))
    log.info("waiting for leadership", account=leader.account)
    await leader.elected.wait()
    log.info("leading", account=leader.account, fence=leader.token)


class StorageComponent:
    """Runs the storage background work of one Service."""

    def __init__(self, service: Service) -> None:
        self._service = service
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.status: dict[str, bool] = {}

    async def start(self, service: Service) -> None:
        c = service.container
        mirror = c.read_mirror()
        subscription = c.bus().subscribe()
        await mirror.seed(c.sql_uow())
        self._spawn("read-mirror", self._feed(subscription))
        if service.settings.redis_url is not None:
            relay = c.outbox_relay()
            self._spawn("outbox-relay", relay.run(self._stop))
            self._spawn("mark-cache", c.prices().run(self._stop))
            self._spawn("snapshots", self._every(1.0, self._save_snapshots))
        interval = service.settings.storage.health_interval_ms / 1000
        self._spawn("storage-health", self._every(interval, self._probe))
        self._spawn("idempotency-purge", self._every(3600, self._purge_keys))

    async def stop(self) -> None:
        self._stop.set()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        c = self._service.container
        await c.market_data().close()
        if self._service.settings.redis_url is not None:
            await c.redis().aclose()
            await c.redis_blocking().aclose()

    def grpc_services(self) -> list[GrpcService]:
        return []

    def _spawn(self, name: str, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work, name=name)
        task.add_done_callback(_log_crash)
        self._tasks.append(task)

    async def _feed(self, subscription: Any) -> None:
        c = self._service.container
        mirror = c.read_mirror()
        redis = self._service.settings.redis_url is not None
        while not self._stop.is_set():
            try:
                async for event in subscription:
                    mirror.apply(event)
                    if redis:
                        c.outbox_relay().wake()
            except SubscriptionLagged:
                subscription = c.bus().subscribe()
                with contextlib.suppress(StorageUnavailable):
                    await mirror.seed(c.sql_uow())

    async def _every(self, seconds: float, work: Callable[[], Awaitable[None]]) -> None:
        while not self._stop.is_set():
            await work()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), seconds)

    async def _probe(self) -> None:
        c = self._service.container
        await self._report(DATABASE, await _database_up(c.engine()))
        leader = c.leader()
        if leader is not None:
            await self._report(LEADER, leader.token is not None)
        if self._service.settings.redis_url is not None:
            await self._report(REDIS, await _redis_up(c.redis()))
            await self._report(EVENTS, c.outbox_relay().healthy)
            await self._report_backlog()

    async def _report_backlog(self) -> None:
        c = self._service.container
        relayed = c.outbox_relay().position
        if relayed is None:
            return
        try:
            async with c.sql_uow()() as uow:
                newest = await uow.events.last_sequence()
        except StorageUnavailable:
            return
        c.metrics().outbox_backlog(max(newest - relayed, 0))

    async def _report(self, name: str, up: bool) -> None:
        if self.status.get(name) != up:
            (log.info if up else log.warning)("storage health", part=name, up=up)
        self.status[name] = up
        grpc = self._service.grpc
        if grpc is not None:
            serving = health_pb2.HealthCheckResponse
            await grpc.health.set(name, serving.SERVING if up else serving.NOT_SERVING)

    async def _purge_keys(self) -> None:
        now = self._service.container.clock().now_ms()
        with contextlib.suppress(StorageUnavailable):
            await self._service.container.idempotency().purge(now - KEEP_IDEMPOTENCY_MS)

    async def _save_snapshots(self) -> None:
        c = self._service.container
        mirror = c.read_mirror()
        if mirror.last_sequence == getattr(self, "_saved", 0):
            return
        cache = c.redis_snapshots()
        try:
            if mirror.account is not None:
                await cache.save("account", "wallet", codec.to_dict(mirror.account))
            for symbol, position in list(mirror.positions.items()):
                await cache.save("positions", symbol, codec.to_dict(position))
            self._saved = mirror.last_sequence
        except Exception as error:
            if not isinstance(error, (*_redis_down(), EventBusUnavailable)):
                raise
            # Redis is down: the next tick tries again.


def _log_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("storage task crashed", task=task.get_name(), error=repr(task.exception()))


def _redis_down() -> tuple[type[BaseException], ...]:
    # redis-py loads only when Redis is configured (the embedded default never needs it).
    from adapters.redis.connection import DOWN

    return DOWN


async def _database_up(engine: Any) -> bool:
    # Probe PostgreSQL on a connection of its own: cancelling a pool checkout on a
    # timeout can leak the pool's slot, which would starve the real work later.
    if engine.dialect.name == "postgresql":
        import asyncpg

        try:
            connection = await asyncpg.connect(asyncpg_dsn(str_url(engine)), timeout=PROBE_SECONDS)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return False
        await connection.close()
        return True
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
    except Exception:  # any failure means the database is not usable now
        return False
    return True


def str_url(engine: Any) -> str:
    return str(engine.url.render_as_string(hide_password=False))


async def _redis_up(redis: Any) -> bool:
    try:
        async with asyncio.timeout(PROBE_SECONDS):
            await redis.ping()
    except Exception as error:
        if isinstance(error, (*_redis_down(), TimeoutError)):
            return False
        raise
    return True
