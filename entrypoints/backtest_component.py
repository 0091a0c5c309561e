"""The service's BacktestService: runs in worker threads, results in the `backtests` table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.sql.backtests import SqlaBacktestRunStore
from autotrader.v1 import backtest_pb2_grpc
from entrypoints.grpc.backtest_servicer import BacktestServicer
from entrypoints.grpc.interceptors import Role
from entrypoints.grpc.server import GrpcService

if TYPE_CHECKING:
    from entrypoints.runtime import Service

BACKTEST = "autotrader.v1.BacktestService"
ROLES = {
    f"/{BACKTEST}/RunBacktest": Role.TRADE,
    f"/{BACKTEST}/RunWalkForward": Role.TRADE,
    f"/{BACKTEST}/GetBacktest": Role.READ,
    f"/{BACKTEST}/ListBacktests": Role.READ,
}


class BacktestComponent:
    """Serve BacktestService on the service's database; nothing to start or stop."""

    def __init__(self, service: Service) -> None:
        self._service = service

    async def start(self, service: Service) -> None:
        return None

    async def stop(self) -> None:
        return None

    def grpc_services(self) -> list[GrpcService]:
        service = self._service
        runs = SqlaBacktestRunStore(service.container.engine())
        servicer = BacktestServicer(runs, service.settings.database)
        add = backtest_pb2_grpc.add_BacktestServiceServicer_to_server
        return [GrpcService(BACKTEST, add, servicer, ROLES)]
