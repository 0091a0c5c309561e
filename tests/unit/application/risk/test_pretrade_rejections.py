"""Every pre-trade rejection: the order is stored REJECTED with its code, nothing is sent."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from application.ports.risk import RiskVerdict
from domain.order import OrderRequest, OrderStatus, Side
from domain.risk.halt import BreakerState, KillSwitch
from domain.risk.limits import RejectCode, RiskLimits
from tests.unit.application.risk.rig import RiskRig, limit, make_rig, market

D = Decimal


async def assert_rejected(rig: RiskRig, request: OrderRequest, code: RejectCode) -> None:
    before = rig.sent
    order = await rig.place(request)
    assert rig.sent == before, "a rejected order reached the exchange"
    assert order.status is OrderStatus.REJECTED
    assert order.reject_reason is not None
    assert order.reject_reason.startswith(f"{code.value}: ")
    stored = await rig.app.order(order.order_id)
    assert stored.status is OrderStatus.REJECTED
    assert stored.reject_reason == order.reject_reason


async def test_an_order_within_every_limit_reaches_the_exchange() -> None:
    rig = await make_rig()
    order = await rig.place(market(Side.BUY, "0.01"))
    assert order.status is OrderStatus.FILLED
    assert rig.sent == 1


async def test_max_order_notional() -> None:
    rig = await make_rig(RiskLimits(max_order_notional=D(1_000)))
    await assert_rejected(rig, market(Side.BUY, "0.021"), RejectCode.MAX_ORDER_NOTIONAL)


async def test_max_order_notional_uses_the_limit_price() -> None:
    rig = await make_rig(RiskLimits(max_order_notional=D(1_000)), fill=False)
    await assert_rejected(rig, limit(Side.SELL, "0.02", "60000"), RejectCode.MAX_ORDER_NOTIONAL)


async def test_max_position_notional() -> None:
    rig = await make_rig(RiskLimits(max_position_notional=D(6_000)))
    await rig.hold("BTCUSDT", "0.1")  # 5,000
    await assert_rejected(rig, market(Side.BUY, "0.03"), RejectCode.MAX_POSITION_NOTIONAL)


async def test_max_gross_exposure() -> None:
    rig = await make_rig(RiskLimits(max_gross_exposure=D(8_000)))
    await rig.hold("BTCUSDT", "0.1")  # 5,000 long
    await assert_rejected(
        rig, market(Side.SELL, "1.1", "ETHUSDT"), RejectCode.MAX_GROSS_EXPOSURE
    )  # a short adds gross exposure too: 5,000 + 3,300


async def test_max_net_exposure() -> None:
    rig = await make_rig(RiskLimits(max_net_exposure=D(6_000)))
    await rig.hold("BTCUSDT", "0.1")
    await assert_rejected(rig, market(Side.BUY, "0.5", "ETHUSDT"), RejectCode.MAX_NET_EXPOSURE)
    # A short in another symbol lowers net exposure: allowed.
    hedge = await rig.place(market(Side.SELL, "0.5", "ETHUSDT"))
    assert hedge.status is OrderStatus.FILLED


async def test_max_leverage() -> None:
    rig = await make_rig(RiskLimits(max_leverage=D("0.5")))
    await assert_rejected(rig, market(Side.BUY, "0.11"), RejectCode.MAX_LEVERAGE)


async def test_price_band_refuses_an_aggressive_limit_price() -> None:
    rig = await make_rig(RiskLimits(price_band_pct=D(5)), fill=False)
    await assert_rejected(rig, limit(Side.BUY, "0.01", "52600"), RejectCode.PRICE_BAND)
    await assert_rejected(rig, limit(Side.SELL, "0.01", "47400"), RejectCode.PRICE_BAND)


async def test_price_band_lets_a_passive_price_rest() -> None:
    rig = await make_rig(RiskLimits(price_band_pct=D(5)), fill=False)
    order = await rig.place(limit(Side.BUY, "0.01", "30000"))
    assert order.status is OrderStatus.OPEN


async def test_symbol_rate_limit_on_the_clock() -> None:
    limits = RiskLimits(symbol_order_rate=D(1), symbol_order_burst=2)
    rig = await make_rig(limits)
    for _ in range(2):
        assert (await rig.place(market(Side.BUY, "0.002"))).status is OrderStatus.FILLED
    await assert_rejected(rig, market(Side.BUY, "0.002"), RejectCode.RATE_LIMIT_SYMBOL)
    # Another symbol has its own bucket.
    assert (await rig.place(market(Side.BUY, "0.01", "ETHUSDT"))).status is OrderStatus.FILLED
    rig.app.clock.advance(1_000)  # one token back
    assert (await rig.place(market(Side.BUY, "0.002"))).status is OrderStatus.FILLED


async def test_account_rate_limit() -> None:
    limits = RiskLimits(account_order_rate=D(1), account_order_burst=2)
    rig = await make_rig(limits)
    await rig.place(market(Side.BUY, "0.002"))
    await rig.place(market(Side.BUY, "0.01", "ETHUSDT"))
    await assert_rejected(rig, market(Side.BUY, "0.002"), RejectCode.RATE_LIMIT_ACCOUNT)


async def test_reduce_only_without_a_position() -> None:
    rig = await make_rig()
    await assert_rejected(rig, market(Side.SELL, "0.01", reduce_only=True), RejectCode.REDUCE_ONLY)


async def test_reduce_only_that_would_grow_or_flip() -> None:
    rig = await make_rig()
    await rig.hold("BTCUSDT", "0.01")
    await assert_rejected(rig, market(Side.BUY, "0.01", reduce_only=True), RejectCode.REDUCE_ONLY)
    await assert_rejected(rig, market(Side.SELL, "0.02", reduce_only=True), RejectCode.REDUCE_ONLY)
    closing = await rig.place(market(Side.SELL, "0.01", reduce_only=True))
    assert closing.status is OrderStatus.FILLED


async def test_kill_switch_blocks_new_risk_but_not_reductions() -> None:
    rig = await make_rig()
    await rig.hold("BTCUSDT", "0.02")
    await rig.state.set_kill_switch(KillSwitch(True, "alice", 1, "test"))
    await assert_rejected(rig, market(Side.BUY, "0.01"), RejectCode.KILL_SWITCH)
    await assert_rejected(rig, market(Side.SELL, "0.03"), RejectCode.KILL_SWITCH)  # a flip
    reduce = await rig.place(market(Side.SELL, "0.01"))
    assert reduce.status is OrderStatus.FILLED


async def test_circuit_breaker_blocks_new_risk() -> None:
    rig = await make_rig()
    await rig.state.set_breaker(replace(BreakerState(), tripped=True, reason="drawdown"))
    await assert_rejected(rig, market(Side.BUY, "0.01"), RejectCode.CIRCUIT_BREAKER)


async def test_no_mark_price_refuses_risk() -> None:
    rig = await make_rig()
    rig.app.prices._marks.pop("ETHUSDT")  # the cache never saw ETH
    await assert_rejected(rig, market(Side.BUY, "0.01", "ETHUSDT"), RejectCode.NO_MARK_PRICE)


@pytest.mark.parametrize("code", list(RejectCode))
def test_every_reason_code_has_a_test_here(code: RejectCode) -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    assert f"RejectCode.{code.name}" in source.replace("for code", "")


async def test_resting_orders_count_against_the_position_limit() -> None:
    rig = await make_rig(RiskLimits(max_position_notional=D(6_000)), fill=False)
    first = await rig.place(limit(Side.BUY, "0.1", "49000"))
    assert first.status is OrderStatus.OPEN
    await assert_rejected(rig, limit(Side.BUY, "0.03", "49000"), RejectCode.MAX_POSITION_NOTIONAL)
    # An order on the other side is not stacked on the resting buys.
    assert (await rig.place(limit(Side.SELL, "0.03", "51000"))).status is OrderStatus.OPEN


async def test_concurrent_orders_cannot_all_pass_a_limit_only_one_fits() -> None:
    # 0.1 BTC at 50,000 = 5,000 each: the 6,000 position limit has room for one.
    rig = await make_rig(RiskLimits(max_position_notional=D(6_000)), fill=False)
    rig.app.risk.add(_SlowCheck())  # the checks take time, as they do against a real store
    orders = await asyncio.gather(*(rig.place(market(Side.BUY, "0.1")) for _ in range(3)))

    statuses = sorted(o.status.value for o in orders)
    assert statuses == ["OPEN", "REJECTED", "REJECTED"]
    assert rig.sent == 1


class _SlowCheck:
    async def check(self, order: object, instrument: object) -> RiskVerdict:
        await asyncio.sleep(0.01)
        return RiskVerdict.accept()
