"""The risk and portfolio part of the service: limits at start, halts, breaker, gRPC."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

import structlog

from application import telemetry
from application.events import EventKind
from application.ports.market_data import PriceUpdate
from application.risk.report import GetRiskReport
from autotrader.v1 import portfolio_pb2_grpc, risk_pb2_grpc
from entrypoints.grpc.interceptors import Role
from entrypoints.grpc.portfolio_servicer import PortfolioServicer, PortfolioUseCases
from entrypoints.grpc.risk_servicer import RiskServicer, RiskUseCases
from entrypoints.grpc.server import GrpcService
from entrypoints.risk_config import RiskConfigError, load_risk_limits

if TYPE_CHECKING:
    from entrypoints.runtime import Service

log = structlog.get_logger("risk")

RISK = "autotrader.v1.RiskService"
PORTFOLIO = "autotrader.v1.PortfolioService"
ROLES = {
    f"/{RISK}/GetRiskReport": Role.READ,
    f"/{RISK}/GetLimits": Role.READ,
    f"/{RISK}/SetLimits": Role.ADMIN,
    f"/{RISK}/SetKillSwitch": Role.ADMIN,
    f"/{PORTFOLIO}/Optimize": Role.READ,
    f"/{PORTFOLIO}/GetEfficientFrontier": Role.READ,
    f"/{PORTFOLIO}/GetPerformance": Role.READ,
    f"/{PORTFOLIO}/Rebalance": Role.TRADE,
}
REFRESH_SECONDS = 5.0
_WATCHED = (EventKind.FILL_RECORDED, EventKind.FUNDING_SETTLED)


class RiskComponent:
    """Load limits and halts, feed the breaker and price history, serve the two services."""

    def __init__(self, service: Service) -> None:
        self._service = service
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self, service: Service) -> None:
        c = service.container
        try:
            configured = load_risk_limits(service.settings.risk_limits_file)
        except RiskConfigError as error:
            from entrypoints.runtime import StartupError

            raise StartupError(str(error)) from error
        if await c.risk_state().load(configured):
            log.info("risk limits restored from the database (run-time changes win over the file)")
        state = c.risk_state()
        if state.kill_switch.engaged or state.breaker.tripped:
            log.warning(
                "trading halted for new risk",
                kill_switch=state.kill_switch.engaged,
                breaker=state.breaker.reason or None,
            )
        await c.breaker().evaluate()
        c.exchange().subscribe_prices(self._on_price)
        self._tasks = [
            asyncio.create_task(self._watch_fills(), name="risk-breaker"),
            asyncio.create_task(self._refresh(), name="risk-refresh"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def grpc_services(self) -> list[GrpcService]:
        c = self._service.container
        risk = RiskServicer(
            RiskUseCases(
                report=self._report(),
                get_limits=c.get_limits(),
                set_limits=c.set_limits(),
                kill_switch=c.set_kill_switch(),
                state=c.risk_state(),
            )
        )
        portfolio = PortfolioServicer(
            PortfolioUseCases(
                optimizer=c.optimizer(), rebalance=c.rebalance(), performance=c.performance()
            )
        )
        return [
            GrpcService(RISK, risk_pb2_grpc.add_RiskServiceServicer_to_server, risk, ROLES),
            GrpcService(
                PORTFOLIO, portfolio_pb2_grpc.add_PortfolioServiceServicer_to_server, portfolio, {}
            ),
        ]

    def _report(self) -> GetRiskReport:
        report: GetRiskReport = self._service.container.risk_report()
        return report

    async def _on_price(self, update: PriceUpdate) -> None:
        c = self._service.container
        c.price_history().record(update)
        try:
            await c.breaker().on_update()
        except Exception:  # the price loop must survive a failed evaluation
            log.exception("drawdown breaker evaluation failed")

    async def _refresh(self) -> None:
        # Another process on the same database (`autotrader scheduler`, a second replica)
        # may engage the kill switch or change limits: pick that up within seconds.
        state = self._service.container.risk_state()
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            try:
                await state.refresh()
            except Exception:
                log.exception("risk state refresh failed")

    async def _watch_fills(self) -> None:
        c = self._service.container
        subscription = c.bus().subscribe()
        try:
            async for event in subscription:
                if event.kind in _WATCHED:
                    # continue the trace of the trade that caused the fill, across the bus
                    parent = telemetry.context_from(event.trace)
                    try:
                        with telemetry.span("risk.breaker", parent=parent, event=event.kind):
                            await c.breaker().evaluate()
                    except Exception:
                        log.exception("drawdown breaker evaluation failed")
        finally:
            await subscription.close()
