"""RiskService and PortfolioService on the real in-process server: roles, audit, bad input."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from autotrader.v1 import portfolio_pb2 as ppb
from autotrader.v1 import portfolio_pb2_grpc, risk_pb2_grpc, trading_pb2_grpc
from autotrader.v1 import risk_pb2 as rpb
from autotrader.v1 import trading_pb2 as tpb
from entrypoints.runtime import Service
from entrypoints.settings import PaperSettings, Settings, TokenGrant

READER = "reader-token-0123456789"
TRADER = "trader-token-0123456789"
ADMIN = "admin-token-01234567890"


def settings_for(data_dir: Path) -> Settings:
    tokens = [
        TokenGrant(name="dashboard", role="read", token=READER),  # type: ignore[arg-type]
        TokenGrant(name="desk", role="trade", token=TRADER),  # type: ignore[arg-type]
        TokenGrant(name="alice", role="admin", token=ADMIN),  # type: ignore[arg-type]
    ]
    return Settings(
        data_dir=data_dir,
        grpc_port=0,
        paper=PaperSettings(tick_interval_ms=50),
        log_level="warning",
        tokens=tokens,
    )


def auth(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


class Running:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.service: Service | None = None
        self.channel: grpc.aio.Channel | None = None

    async def start(self) -> None:
        self.service = Service(settings_for(self.data_dir))
        await self.service.start()
        assert self.service.grpc is not None
        self.channel = grpc.aio.insecure_channel(f"127.0.0.1:{self.service.grpc.port}")

    async def stop(self) -> None:
        if self.channel is not None:
            await self.channel.close()
        if self.service is not None:
            await self.service.stop(grace=0)
        self.service = self.channel = None

    @property
    def risk(self) -> risk_pb2_grpc.RiskServiceStub:
        return risk_pb2_grpc.RiskServiceStub(self.channel)

    @property
    def portfolio(self) -> portfolio_pb2_grpc.PortfolioServiceStub:
        return portfolio_pb2_grpc.PortfolioServiceStub(self.channel)

    @property
    def trading(self) -> trading_pb2_grpc.TradingServiceStub:
        return trading_pb2_grpc.TradingServiceStub(self.channel)


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    server = Running(tmp_path / "data")
    await server.start()
    yield server
    await server.stop()


async def test_limit_changes_need_admin_are_audited_and_survive_a_restart(
    running: Running,
) -> None:
    change = rpb.SetLimitsRequest(limits={"max_order_notional": "2000"})
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await running.risk.SetLimits(change, metadata=auth(TRADER))
    assert denied.value.code() is grpc.StatusCode.PERMISSION_DENIED

    reply = await running.risk.SetLimits(change, metadata=auth(ADMIN))
    assert [(c.name, c.old_value, c.new_value, c.changed_by) for c in reply.changes] == [
        ("max_order_notional", "25000", "2000", "alice")
    ]
    order = tpb.SubmitOrderRequest(
        symbol="BTCUSDT", side=tpb.SIDE_BUY, type=tpb.ORDER_TYPE_MARKET, quantity="0.05"
    )
    refused = await running.trading.SubmitOrder(order, metadata=auth(TRADER))
    assert refused.order.status == tpb.ORDER_STATUS_REJECTED
    assert refused.order.reject_reason.startswith("MAX_ORDER_NOTIONAL: ")

    await running.stop()
    await running.start()
    limits = await running.risk.GetLimits(rpb.GetLimitsRequest(), metadata=auth(READER))
    assert {x.name: x.value for x in limits.limits}["max_order_notional"] == "2000"
    assert [(c.name, c.changed_by) for c in limits.audit] == [("max_order_notional", "alice")]
    assert limits.audit[0].changed_at_ms > 0
    again = await running.trading.SubmitOrder(order, metadata=auth(TRADER))
    assert again.order.status == tpb.ORDER_STATUS_REJECTED


async def test_kill_switch_needs_admin_and_blocks_orders(running: Running) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await running.risk.SetKillSwitch(
            rpb.SetKillSwitchRequest(engaged=True), metadata=auth(TRADER)
        )
    assert denied.value.code() is grpc.StatusCode.PERMISSION_DENIED
    reply = await running.risk.SetKillSwitch(
        rpb.SetKillSwitchRequest(engaged=True, reason="drill"), metadata=auth(ADMIN)
    )
    assert reply.halt.kill_switch
    assert reply.halt.kill_switch_by == "alice"
    report = await running.risk.GetRiskReport(rpb.GetRiskReportRequest(), metadata=auth(READER))
    assert report.halt.kill_switch
    assert report.halt.kill_switch_reason == "drill"


async def test_risk_report_shows_exposure(running: Running) -> None:
    order = tpb.SubmitOrderRequest(
        symbol="BTCUSDT", side=tpb.SIDE_BUY, type=tpb.ORDER_TYPE_MARKET, quantity="0.05"
    )
    placed = await running.trading.SubmitOrder(order, metadata=auth(TRADER))
    assert placed.order.status == tpb.ORDER_STATUS_FILLED
    report = await running.risk.GetRiskReport(rpb.GetRiskReportRequest(), metadata=auth(READER))
    [line] = report.exposure.symbols
    assert line.symbol == "BTCUSDT"
    assert float(line.long_notional) > 0
    # 3,000 notional on a 10,000 cross wallet cannot be liquidated: no distance.
    assert line.liquidation_distance_pct == ""
    assert 0 < float(report.exposure.leverage) < 1
    assert report.returns_source == "price cache samples"
    assert "VaR needs" in report.note  # a fresh service has no history yet


def prices(rows: list[list[float]], assets: tuple[str, ...] = ("A", "B")) -> ppb.OptimizationSpec:
    table = ppb.PortfolioPriceTable(
        assets=list(assets), rows=[ppb.PortfolioPriceRow(prices=r) for r in rows]
    )
    return ppb.OptimizationSpec(prices=table)


GOOD = [[1.0, 2.0], [1.1, 2.1], [1.05, 2.3], [1.2, 2.2], [1.15, 2.4]]
MAX_SHARPE = ppb.PORTFOLIO_OBJECTIVE_MAX_SHARPE


async def test_optimize_user_prices(running: Running) -> None:
    reply = await running.portfolio.Optimize(
        ppb.OptimizeRequest(spec=prices(GOOD), objective=ppb.PORTFOLIO_OBJECTIVE_MIN_VOLATILITY),
        metadata=auth(READER),
    )
    assert sum(reply.portfolio.weights.values()) == pytest.approx(1.0)
    assert reply.observations == 4
    frontier = await running.portfolio.GetEfficientFrontier(
        ppb.GetEfficientFrontierRequest(spec=prices(GOOD), points=5), metadata=auth(READER)
    )
    assert len(frontier.points) == 5


BAD: dict[str, tuple[str, Any, str]] = {
    "risk horizon": ("GetRiskReport", rpb.GetRiskReportRequest(horizon=-1), "horizon"),
    "audit limit": ("GetLimits", rpb.GetLimitsRequest(audit_limit=-1), "audit_limit"),
    "limit value": (
        "SetLimits",
        rpb.SetLimitsRequest(limits={"max_leverage": "-3"}),
        "max_leverage",
    ),
    "limit name": ("SetLimits", rpb.SetLimitsRequest(limits={"nope": "1"}), "nope"),
    "no limits": ("SetLimits", rpb.SetLimitsRequest(), "limits"),
    "no source": (
        "Optimize",
        ppb.OptimizeRequest(spec=ppb.OptimizationSpec(), objective=MAX_SHARPE),
        "spec.source",
    ),
    "no objective": ("Optimize", ppb.OptimizeRequest(spec=prices(GOOD)), "objective"),
    "ragged row": (
        "Optimize",
        ppb.OptimizeRequest(spec=prices([*GOOD, [1.0]]), objective=MAX_SHARPE),
        "spec.prices.rows[5]",
    ),
    "negative price": (
        "Optimize",
        ppb.OptimizeRequest(spec=prices([*GOOD, [-1.0, 2.0]]), objective=MAX_SHARPE),
        "spec.prices.rows[5]",
    ),
    "one asset": (
        "Optimize",
        ppb.OptimizeRequest(spec=prices([[1.0]] * 4, ("A",)), objective=MAX_SHARPE),
        "spec.prices.assets",
    ),
    "target return missing": (
        "Optimize",
        ppb.OptimizeRequest(spec=prices(GOOD), objective=ppb.PORTFOLIO_OBJECTIVE_TARGET_RETURN),
        "spec.target_return",
    ),
    "frontier points": (
        "GetEfficientFrontier",
        ppb.GetEfficientFrontierRequest(spec=prices(GOOD), points=1),
        "points",
    ),
    "candle timeframe": (
        "Optimize",
        ppb.OptimizeRequest(
            spec=ppb.OptimizationSpec(
                candles=ppb.PortfolioCandleSource(symbols=["BTCUSDT", "ETHUSDT"], timeframe="7m")
            ),
            objective=MAX_SHARPE,
        ),
        "spec.candles.timeframe",
    ),
    "rebalance weight": (
        "Rebalance",
        ppb.RebalanceRequest(targets=[ppb.PortfolioTargetWeight(symbol="BTCUSDT", weight="x")]),
        "targets[0].weight",
    ),
    "rebalance symbol": (
        "Rebalance",
        ppb.RebalanceRequest(targets=[ppb.PortfolioTargetWeight(symbol="NOPE", weight="0.1")]),
        "symbol",
    ),
    "rebalance empty": ("Rebalance", ppb.RebalanceRequest(), "targets"),
    "performance window": ("GetPerformance", ppb.GetPerformanceRequest(window=1), "window"),
}


async def test_bad_input_is_invalid_argument_naming_the_field(running: Running) -> None:
    for case, (method, request, field) in BAD.items():
        risk_methods = rpb.DESCRIPTOR.services_by_name["RiskService"].methods_by_name
        service = running.risk if method in risk_methods else running.portfolio
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await getattr(service, method)(request, metadata=auth(ADMIN))
        assert error.value.code() is grpc.StatusCode.INVALID_ARGUMENT, case
        trailing = error.value.trailing_metadata()
        assert trailing is not None
        assert trailing.get("invalid-field") == field, (case, error.value.details())


async def test_infeasible_optimisation_is_failed_precondition(running: Running) -> None:
    request = ppb.OptimizeRequest(
        spec=prices(GOOD), objective=ppb.PORTFOLIO_OBJECTIVE_TARGET_RETURN, target_return=50.0
    )
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await running.portfolio.Optimize(request, metadata=auth(READER))
    assert error.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "above the highest attainable return" in (error.value.details() or "")


async def test_rebalance_goes_through_the_order_path(running: Running) -> None:
    request = ppb.RebalanceRequest(
        targets=[
            ppb.PortfolioTargetWeight(symbol="BTCUSDT", weight="0.3"),
            ppb.PortfolioTargetWeight(symbol="ETHUSDT", weight="-0.2"),
        ]
    )
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await running.portfolio.Rebalance(request, metadata=auth(READER))
    assert denied.value.code() is grpc.StatusCode.PERMISSION_DENIED
    reply = await running.portfolio.Rebalance(request, metadata=auth(TRADER))
    assert sorted((o.symbol, o.side, o.status) for o in reply.orders) == [
        ("BTCUSDT", "BUY", "FILLED"),
        ("ETHUSDT", "SELL", "FILLED"),
    ]
    positions = await running.trading.ListPositions(
        tpb.ListPositionsRequest(), metadata=auth(READER)
    )
    notional = {p.symbol: float(p.notional) for p in positions.positions}
    assert notional["BTCUSDT"] == pytest.approx(3_000, rel=0.02)
    assert notional["ETHUSDT"] == pytest.approx(2_000, rel=0.02)
    # Already there: a second rebalance has nothing (above the minimum notional) to do.
    again = await running.portfolio.Rebalance(request, metadata=auth(TRADER))
    assert list(again.orders) == []
    performance = await running.portfolio.GetPerformance(
        ppb.GetPerformanceRequest(), metadata=auth(READER)
    )
    assert [x.symbol for x in performance.by_symbol] == ["BTCUSDT", "ETHUSDT"]
    assert [x.strategy for x in performance.by_strategy] == ["manual"]
    assert float(performance.total.fees) > 0


async def test_the_breaker_trips_on_live_updates_and_survives_a_restart(
    running: Running,
) -> None:
    await running.risk.SetLimits(
        rpb.SetLimitsRequest(limits={"daily_loss_limit": "0.01"}), metadata=auth(ADMIN)
    )
    order = tpb.SubmitOrderRequest(
        symbol="BTCUSDT", side=tpb.SIDE_BUY, type=tpb.ORDER_TYPE_MARKET, quantity="0.01"
    )
    close = tpb.SubmitOrderRequest(
        symbol="BTCUSDT", side=tpb.SIDE_SELL, type=tpb.ORDER_TYPE_MARKET, quantity="0.01"
    )
    # A round trip leaves the book flat and the wallet poorer by two fees and slippage.
    for request in (order, close):
        done = await running.trading.SubmitOrder(request, metadata=auth(TRADER))
        assert done.order.status == tpb.ORDER_STATUS_FILLED
    for _ in range(100):
        report = await running.risk.GetRiskReport(rpb.GetRiskReportRequest(), metadata=auth(READER))
        if report.halt.breaker_tripped:
            break
        await asyncio.sleep(0.05)
    assert report.halt.breaker_tripped
    assert "daily loss" in report.halt.breaker_reason
    refused = await running.trading.SubmitOrder(order, metadata=auth(TRADER))
    assert refused.order.reject_reason.startswith("CIRCUIT_BREAKER: ")

    await running.stop()
    await running.start()
    again = await running.trading.SubmitOrder(order, metadata=auth(TRADER))
    assert again.order.reject_reason.startswith("CIRCUIT_BREAKER: ")
    await running.risk.SetLimits(
        rpb.SetLimitsRequest(limits={"daily_loss_limit": "1000"}), metadata=auth(ADMIN)
    )
    await running.risk.SetKillSwitch(rpb.SetKillSwitchRequest(engaged=False), metadata=auth(ADMIN))
    resumed = await running.trading.SubmitOrder(order, metadata=auth(TRADER))
    assert resumed.order.status == tpb.ORDER_STATUS_FILLED
