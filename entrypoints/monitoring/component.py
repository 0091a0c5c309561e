"""MonitoringComponent: /metrics and the dashboard, fed by the event bus and snapshots.

Orders, rejects, fills and latencies are counted by observing the events the
ledger publishes; account, positions, risk and strategies are read as one
snapshot at most every `interval` seconds, and soon after any event.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING

import structlog
from aiohttp import web

from adapters.memory.event_bus import SubscriptionLagged
from adapters.prometheus.metrics import CONTENT_TYPE, PrometheusMetrics
from application.ports.events import EventSubscription
from application.ports.market_data import PriceUpdate
from application.ports.monitoring import RiskStatusSource, StrategyStatusSource
from application.strategy_engine import StrategyEngine
from application.use_cases.monitoring import TakeSnapshot
from entrypoints.grpc.server import GrpcService
from entrypoints.monitoring.dashboard import DashboardFeed, dashboard_app
from entrypoints.monitoring.sources import RiskEngineStatus, StrategyEngineStatus
from entrypoints.telemetry import session_id

if TYPE_CHECKING:
    from entrypoints.runtime import Service

log = structlog.get_logger("monitoring")


class MonitoringComponent:
    """Serve Prometheus metrics and the live dashboard while the service runs."""

    def __init__(self, service: Service, interval: float = 1.0, min_interval: float = 0.25) -> None:
        self._service = service
        self._interval = interval
        self._min_interval = min_interval
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._runners: list[web.AppRunner] = []
        self.metrics: PrometheusMetrics | None = None
        self.feed: DashboardFeed | None = None
        self.metrics_port: int | None = None
        self.dashboard_port: int | None = None

    async def start(self, service: Service) -> None:
        c, settings = service.container, service.settings
        self.metrics = c.metrics()
        self.feed = DashboardFeed(settings.mode, c.exchange().venue, session_id())
        snapshot = TakeSnapshot(
            c.valuation(),
            c.list_orders(),
            c.clock(),
            risk=self._risk_source(),
            strategies=self._strategy_source(),
        )
        if settings.mode != "paper":  # paper prices carry the replay's time, not a venue's
            c.exchange().subscribe_prices(self._on_price)
        subscription = c.bus().subscribe()
        self._tasks += [
            asyncio.create_task(self._observe(subscription), name="monitoring-events"),
            asyncio.create_task(self._poll(snapshot), name="monitoring-snapshots"),
        ]
        if settings.metrics_port:
            self.metrics_port = await self._serve(
                self._metrics_app(), settings.metrics_host, settings.metrics_port, "metrics"
            )
        if settings.dashboard_port:
            self.dashboard_port = await self._serve(
                dashboard_app(self.feed),
                settings.dashboard_host,
                settings.dashboard_port,
                "dashboard",
            )

    async def stop(self) -> None:
        if self.feed is not None:
            self.feed.close()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for runner in self._runners:
            await runner.cleanup()

    def grpc_services(self) -> list[GrpcService]:
        return []

    # -- sources ------------------------------------------------------------------

    def _risk_source(self) -> RiskStatusSource | None:
        c = self._service.container
        if not hasattr(c, "risk_state") or not hasattr(c, "risk_report"):
            return None  # no risk engine in this build: the page shows n/a
        return RiskEngineStatus(c.risk_state(), c.valuation(), c.risk_report())

    def _strategy_source(self) -> StrategyStatusSource | None:
        for component in self._service.components:
            engine = getattr(component, "engine", None)
            if isinstance(engine, StrategyEngine):
                return StrategyEngineStatus(engine)
        return None

    # -- tasks --------------------------------------------------------------------

    async def _observe(self, subscription: EventSubscription) -> None:
        bus = self._service.container.bus()
        while True:
            try:
                async for event in subscription:
                    assert self.metrics is not None
                    assert self.feed is not None
                    self.metrics.observe(event)
                    self.feed.on_event(event)
                    self._wake.set()
                return
            except SubscriptionLagged:
                log.warning("monitoring fell behind the event bus; resubscribing")
                subscription = bus.subscribe()

    async def _poll(self, snapshot: TakeSnapshot) -> None:
        while True:
            started = time.monotonic()
            try:
                taken = await snapshot.execute()
            except Exception:
                log.exception("monitoring snapshot failed")
            else:
                assert self.metrics is not None
                assert self.feed is not None
                self.metrics.update(taken)
                self.feed.on_snapshot(taken)
                await self._outbox_backlog()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
            self._wake.clear()
            # Coalesce bursts of events into one snapshot per min_interval.
            await asyncio.sleep(max(0.0, self._min_interval - (time.monotonic() - started)))

    async def _outbox_backlog(self) -> None:
        # With Redis the outbox relay publishes the journal: its lag is the backlog.
        c = self._service.container
        if self._service.settings.redis_url is None or not hasattr(c, "outbox_relay"):
            return
        position = c.outbox_relay().position
        if position is None:
            return
        last = await c.read_events().last_sequence()
        assert self.metrics is not None
        self.metrics.outbox_backlog(max(0, last - position))

    async def _on_price(self, update: PriceUpdate) -> None:
        assert self.metrics is not None
        lag = (self._service.container.clock().now_ms() - update.ts) / 1000
        self.metrics.market_data_lag(update.symbol, lag)

    # -- HTTP ---------------------------------------------------------------------

    def _metrics_app(self) -> web.Application:
        metrics = self.metrics
        assert metrics is not None

        async def scrape(_: web.Request) -> web.Response:
            response = web.Response(body=metrics.render())
            response.headers["Content-Type"] = CONTENT_TYPE
            return response

        app = web.Application()
        app.router.add_get("/metrics", scrape)
        return app

    async def _serve(self, app: web.Application, host: str, port: int, name: str) -> int | None:
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as error:
            # Observability must never stop trading: say so loudly and carry on.
            log.error(f"{name} server could not listen", host=host, port=port, error=str(error))
            await runner.cleanup()
            return None
        self._runners.append(runner)
        bound = runner.addresses[0][1] if runner.addresses else port
        log.info(f"{name} listening", url=f"http://{host}:{bound}/")
        return int(bound)
