"""The running service: start-up order, background tasks and graceful shutdown."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Protocol

import structlog

from adapters.sql.engine import dispose, migrate
from application.ports.market_data import PriceUpdate
from application.ports.venue import ExchangeError, ExecutionReport, ReportKind, VenueEvent
from domain.order import OPEN_STATUSES, Order, OrderStatus
from entrypoints.backtest_component import BacktestComponent
from entrypoints.binance_venue import LiveModeRefused, check_live_switches, start_binance
from entrypoints.container import Container
from entrypoints.grpc import server as grpc_server
from entrypoints.grpc.idempotent_servicer import IdempotentTradingServicer
from entrypoints.grpc.trading_servicer import TradingUseCases
from entrypoints.monitoring.component import MonitoringComponent
from entrypoints.risk_component import RiskComponent
from entrypoints.scheduler import StrategiesComponent
from entrypoints.settings import Settings
from entrypoints.storage_component import StorageComponent, lead

log = structlog.get_logger("service")


class Component(Protocol):
    """A part of the service with its own lifecycle and, optionally, gRPC services."""

    async def start(self, service: Service) -> None: ...

    async def stop(self) -> None: ...

    def grpc_services(self) -> list[grpc_server.GrpcService]: ...


# Builders of the optional components, in start order. Risk comes first: halts and
# limits must be restored before any other component can place an order.
COMPONENTS: list[Callable[[Service], Component]] = [
    StorageComponent,  # first: the read mirror and the relay serve everything after it
    RiskComponent,
    StrategiesComponent,
    BacktestComponent,
    MonitoringComponent,  # last: it reads the engines the others built
]


class StartupError(Exception):
    """The service cannot start as configured; the message says what to change."""


class Service:
    """Wire the container's parts together, run them, and stop them in order."""

    def __init__(self, settings: Settings, *, serve_grpc: bool = True) -> None:
        self.settings = settings
        self.serve_grpc = serve_grpc  # False for `autotrader scheduler`
        self.container = Container(settings=settings)
        self.grpc: grpc_server.GrpcServer | None = None
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        # Each later feature (strategies, risk, metrics, ...) plugs in here as a Component.
        self.components: list[Component] = [build(self) for build in COMPONENTS]

    async def start(self) -> None:
        if self.settings.mode == "live":
            _refuse_unless(check_live_switches, self.settings)  # before any I/O
        c = self.container
        await lead(self)  # a standby waits here until it holds the account's leader lock
        await migrate(c.engine())
        exchange = c.exchange()
        try:
            c.instruments().replace_all(await exchange.load_instruments())
        except (LiveModeRefused, ExchangeError) as error:
            raise StartupError(f"cannot reach the {self.settings.mode} venue: {error}") from error
        clock = c.clock()
        exchange.subscribe_prices(self._on_price)
        exchange.subscribe(self._on_venue_event)
        if self.settings.mode != "paper":
            # Binance: the exchange is the source of truth; reconcile, then stream.
            self._tasks.append(await _refuse_unless_async(start_binance, self))
        else:
            await c.ledger().open_account(self.settings.paper.starting_balance, clock.now_ms())
            await self._restore_paper_venue()
        if self.settings.mode == "paper" and self.settings.paper.feed == "replay":
            await exchange.tick(clock.now_ms())  # marks exist before the first order arrives
            self._tasks.append(asyncio.create_task(exchange.run(self._stop), name="price-replay"))
        for component in self.components:
            await component.start(self)
        if not self.serve_grpc:
            log.info("service started without gRPC", mode=self.settings.mode)
            return
        trading = IdempotentTradingServicer(self._use_cases(), c.idempotency(), c.clock())
        services = [grpc_server.trading_service(trading)]
        for component in self.components:
            services += component.grpc_services()
        self.grpc = await grpc_server.start(self.settings, services)
        log.info(
            "service started",
            mode=self.settings.mode,
            grpc=f"{self.settings.grpc_host}:{self.grpc.port}",
            database=_redact_url(self.settings.database),
            symbols=c.instruments().symbols(),
        )

    async def stop(self, grace: float = 5.0) -> None:
        """Stop accepting calls, let those in flight finish, then stop the rest."""
        if self.grpc is not None:
            await self.grpc.stop(grace)
        self._stop.set()
        for component in reversed(self.components):
            await component.stop()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await dispose(self.container.engine())
        log.info("service stopped")

    async def _restore_paper_venue(self) -> None:
        # In paper mode our database is the venue's memory: rebuild it from there.
        c = self.container
        clock = c.clock()
        async with c.uow()() as uow:
            account = await uow.accounts.get()
            positions = await uow.positions.list()
            open_orders = await uow.orders.list(OPEN_STATUSES, None, 100_000)
        stranded = [o for o in open_orders if o.status is OrderStatus.NEW]
        live = [o for o in open_orders if o.status is not OrderStatus.NEW]
        assert account is not None
        c.simulated_exchange().restore(account.wallet_balance, positions, live)
        if stranded:
            await self._reject_stranded(stranded, clock.now_ms())

    async def _reject_stranded(self, orders: list[Order], now: int) -> None:
        # A NEW order was stored but never reached the simulated venue before a crash.
        reports = [
            ExecutionReport(
                ReportKind.REJECTED, o.client_order_id, now, reason="not sent before a restart"
            )
            for o in orders
        ]
        await self.container.ledger().apply(reports)
        log.warning("stranded orders rejected", count=len(orders))

    async def _on_price(self, update: PriceUpdate) -> None:
        self.container.prices().set_mark(update)

    async def _on_venue_event(self, event: VenueEvent) -> None:
        await self.container.ledger().apply([event])

    def _use_cases(self) -> TradingUseCases:
        c = self.container
        return TradingUseCases(
            place_order=c.place_order(),
            cancel_order=c.cancel_order(),
            get_order=c.get_order(),
            list_orders=c.list_orders(),
            list_fills=c.list_fills(),
            valuation=c.valuation(),
            read_events=c.read_events(),
            events=c.event_source(),
            mode=self.settings.mode,
            venue=c.exchange().venue,
        )


def _refuse_unless(check: Callable[[Settings], None], settings: Settings) -> None:
    try:
        check(settings)
    except LiveModeRefused as error:
        raise StartupError(str(error)) from error


async def _refuse_unless_async(
    start: Callable[[Service], Awaitable[asyncio.Task[None]]], service: Service
) -> asyncio.Task[None]:
    try:
        return await start(service)
    except (LiveModeRefused, ExchangeError) as error:
        raise StartupError(f"{service.settings.mode} start-up failed: {error}") from error


def _redact_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
