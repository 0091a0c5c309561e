"""Rebalance and GetPerformance on the fakes: the normal order path and the journal."""

from __future__ import annotations

import itertools
import statistics
from decimal import Decimal

import pytest

from adapters.memory.candles import InMemorySnapshotStore
from application.instruments import InstrumentCatalog
from application.portfolio.performance import GetPerformance, strategy_of
from application.portfolio.rebalance import Rebalance
from application.ports.strategies import AccountSnapshot
from application.ports.venue import FundingPayment
from application.risk.book import BookReader
from domain.errors import InvalidInput
from domain.order import OrderStatus, Side
from domain.risk.limits import RiskLimits
from tests.unit.application.fakes import BTC, ETH
from tests.unit.application.risk.rig import RiskRig, make_rig, market

D = Decimal


def rebalance(rig: RiskRig) -> Rebalance:
    book = BookReader(rig.app.uow, rig.app.prices)
    return Rebalance(InstrumentCatalog([BTC, ETH]), book, rig.app.place)


async def test_rebalance_rounds_to_the_step_and_sends_reductions_first() -> None:
    rig = await make_rig()
    await rig.hold("ETHUSDT", "1")  # 3,000 long; equity 10,000
    result = await rebalance(rig).execute({"BTCUSDT": D("0.33333"), "ETHUSDT": D("0.1")})
    legs = [(leg.plan.symbol, leg.plan.side.value, leg.plan.quantity) for leg in result.legs]
    # ETH to 1,000 (sell 0.666 rounded down from 0.6666...), BTC to 3,333.3 (0.066 BTC).
    assert legs == [("ETHUSDT", "sell", D("0.666")), ("BTCUSDT", "buy", D("0.066"))]
    assert result.legs[0].order is not None
    assert result.legs[0].order.reduce_only
    assert all(leg.order and leg.order.status is OrderStatus.FILLED for leg in result.legs)


async def test_rebalance_skips_trades_below_the_minimum_and_dry_runs_send_nothing() -> None:
    rig = await make_rig()
    result = await rebalance(rig).execute(
        {"BTCUSDT": D("0.005"), "ETHUSDT": D("0.5")}, D(100), dry_run=True
    )
    assert [leg.plan.symbol for leg in result.legs] == ["ETHUSDT"]  # BTC: 50 < 100
    assert result.legs[0].order is None
    assert rig.sent == 0


async def test_rebalance_orders_pass_the_risk_checks() -> None:
    rig = await make_rig(RiskLimits(max_order_notional=D(1_000)))
    result = await rebalance(rig).execute({"BTCUSDT": D("0.5")})
    [leg] = result.legs
    assert leg.order is not None
    assert leg.order.status is OrderStatus.REJECTED
    assert leg.order.reject_reason is not None
    assert leg.order.reject_reason.startswith("MAX_ORDER_NOTIONAL")
    assert rig.sent == 0


async def test_rebalance_refuses_unknown_symbols() -> None:
    rig = await make_rig()
    with pytest.raises(InvalidInput):
        await rebalance(rig).execute({"NOPEUSDT": D("0.1")})


async def test_performance_splits_price_funding_and_fees() -> None:
    rig = await make_rig()
    rig.app.exchange.on_submit = _with_fee(rig, D(2))
    await rig.place(market(Side.BUY, "0.1", client_order_id="trend:1"))  # at 50,000
    rig.app.set_mark("BTCUSDT", 51_000)
    await rig.app.ledger.apply(
        [FundingPayment("BTCUSDT", D("0.0001"), D(51_000), D("0.1"), D(0), 5)]
    )
    await rig.place(market(Side.SELL, "0.1"))  # manual, at 51,000
    perf = await GetPerformance(rig.app.uow, rig.app.prices).execute(window=2)
    btc = perf.by_symbol["BTCUSDT"]
    assert btc.fees == D(4)
    assert btc.funding == D("-0.51")  # a long pays 0.1 x 51,000 x 0.0001
    assert btc.price == D(100)
    assert set(perf.by_strategy) == {"trend", "manual"}
    assert perf.total.total == D(100) - D("0.51") - D(4)
    assert perf.brinson is not None
    assert [s.segment for s in perf.brinson.segments] == ["BTCUSDT"]


def test_strategy_names_from_client_order_ids() -> None:
    assert strategy_of("trend:abc") == "trend"
    assert strategy_of("st-BTCUSDT-0a1b2c") == "strategies"
    assert strategy_of("at-123") == "manual"


def _with_fee(rig: RiskRig, fee: Decimal):  # type: ignore[no-untyped-def]
    from tests.unit.application.fakes import accepted, filled

    def respond(order):  # type: ignore[no-untyped-def]
        return [accepted(order), filled(order, rig.app.prices.mark(order.symbol), fee)]

    return respond


async def test_rolling_figures_use_account_snapshots_when_there_are_enough() -> None:
    rig = await make_rig()
    snapshots = InMemorySnapshotStore()
    equity = [D(10_000) + D(i % 3) * 10 for i in range(30)]
    for i, value in enumerate(equity):
        await snapshots.add(AccountSnapshot(i * 3_600_000, value, value, D(0), value))
    perf = await GetPerformance(rig.app.uow, rig.app.prices, snapshots).execute(window=10)
    assert "account snapshot" in perf.note
    assert len(perf.rolling_volatility) == 29 - 10 + 1
    returns = [float(b / a - 1) for a, b in itertools.pairwise(equity)]
    assert perf.rolling_volatility[-1] == pytest.approx(statistics.stdev(returns[-10:]))
    few = await GetPerformance(rig.app.uow, rig.app.prices).execute(window=10)
    assert few.rolling_sharpe == ()
    assert "need 11 equity points" in few.note
