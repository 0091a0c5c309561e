"""The kill switch and the drawdown breaker, on the fakes."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from domain.order import OrderStatus, Side
from domain.risk.halt import DAY_MS
from domain.risk.limits import RiskLimits
from tests.unit.application.fakes import accepted
from tests.unit.application.risk.rig import limit, make_rig, market

D = Decimal


async def test_kill_switch_cancels_open_orders_flattens_and_blocks() -> None:
    rig = await make_rig()
    await rig.hold("BTCUSDT", "0.02")
    await rig.hold("ETHUSDT", "-1")
    rig.app.exchange.on_submit = lambda order: [accepted(order)]
    resting = await rig.place(limit(Side.BUY, "0.01", "40000"))
    assert resting.status is OrderStatus.OPEN
    from tests.unit.application.risk.rig import fill_at_mark

    rig.app.exchange.on_submit = fill_at_mark(rig.app)

    outcome = await rig.kill_switch.execute(True, "alice", "test", flatten=True)

    assert outcome.flatten.canceled == [resting.order_id]
    assert (await rig.app.order(resting.order_id)).status is OrderStatus.CANCELED
    closing = outcome.flatten.closing_orders
    assert sorted((o.symbol, o.side, o.reduce_only) for o in closing) == [
        ("BTCUSDT", Side.SELL, True),
        ("ETHUSDT", Side.BUY, True),
    ]
    assert all(o.status is OrderStatus.FILLED for o in closing)
    assert (await rig.app.position("BTCUSDT")).is_flat  # type: ignore[union-attr]
    assert (await rig.app.position("ETHUSDT")).is_flat  # type: ignore[union-attr]
    sent = rig.sent
    blocked = await rig.place(market(Side.BUY, "0.01"))
    assert blocked.status is OrderStatus.REJECTED
    assert rig.sent == sent
    assert rig.store.kill_switch is not None
    assert rig.store.kill_switch.by == "alice"

    await rig.kill_switch.execute(False, "bob")
    assert (await rig.place(market(Side.BUY, "0.01"))).status is OrderStatus.FILLED


async def test_breaker_trips_on_a_drawdown_from_peak() -> None:
    rig = await make_rig(RiskLimits(max_drawdown_pct=D(10), daily_loss_limit=D(100_000)))
    await rig.hold("BTCUSDT", "0.1")  # 5,000 notional on 10,000 equity
    await rig.breaker.evaluate()
    assert rig.state.breaker.peak_equity == D(10_000)
    rig.app.set_mark("BTCUSDT", 60_000)  # +1,000: a new peak of 11,000
    await rig.breaker.evaluate()
    assert rig.state.breaker.peak_equity == D(11_000)
    assert not rig.state.breaker.tripped
    rig.app.set_mark("BTCUSDT", 40_000)  # equity 9,000: 18 % below the peak
    await rig.breaker.evaluate()
    breaker = rig.state.breaker
    assert breaker.tripped
    assert "drawdown" in breaker.reason
    assert rig.store.breaker == breaker  # persisted
    sent = rig.sent
    assert (await rig.place(market(Side.BUY, "0.01"))).status is OrderStatus.REJECTED
    assert rig.sent == sent
    # Reducing stays possible.
    assert (await rig.place(market(Side.SELL, "0.05"))).status is OrderStatus.FILLED


async def test_breaker_trips_on_the_daily_loss_and_flattens_when_told() -> None:
    limits = RiskLimits(daily_loss_limit=D(500), flatten_on_breaker=True)
    rig = await make_rig(limits)
    rig.app.clock.set(3 * DAY_MS + 1_000)
    await rig.hold("BTCUSDT", "0.1")
    await rig.breaker.evaluate()
    rig.app.set_mark("BTCUSDT", 44_000)  # -600 since the day started
    rig.app.clock.advance(5_000)
    await rig.breaker.evaluate()
    assert rig.state.breaker.tripped
    assert "daily loss" in rig.state.breaker.reason
    assert rig.breaker.flattened is not None
    assert (await rig.app.position("BTCUSDT")).is_flat  # type: ignore[union-attr]


async def test_a_new_day_resets_the_daily_loss_base() -> None:
    rig = await make_rig(RiskLimits(daily_loss_limit=D(500), max_drawdown_pct=D(50)))
    await rig.hold("BTCUSDT", "0.1")
    await rig.breaker.evaluate()
    rig.app.set_mark("BTCUSDT", 46_000)  # -400 today
    await rig.breaker.evaluate()
    rig.app.clock.set(DAY_MS + 10)  # next UTC day starts at 9,600
    await rig.breaker.evaluate()
    rig.app.set_mark("BTCUSDT", 42_000)  # -400 today, -800 overall
    await rig.breaker.evaluate()
    assert not rig.state.breaker.tripped
    assert rig.state.breaker.day_start_equity == D(9_600)


async def test_releasing_the_kill_switch_rearms_a_tripped_breaker() -> None:
    rig = await make_rig()
    await rig.state.set_breaker(replace(rig.state.breaker, tripped=True, reason="x"))
    await rig.kill_switch.execute(False, "alice")
    assert not rig.state.breaker.tripped
    assert rig.state.breaker.peak_equity == D(10_000)


async def test_the_kill_switch_flattens_even_with_the_rate_buckets_empty() -> None:
    limits = RiskLimits(account_order_rate=D("0.001"), account_order_burst=2)
    rig = await make_rig(limits)
    await rig.hold("BTCUSDT", "0.01")
    await rig.hold("ETHUSDT", "1")
    assert (await rig.place(market(Side.BUY, "0.01"))).status is OrderStatus.REJECTED
    outcome = await rig.kill_switch.execute(True, "alice", flatten=True)
    assert [o.status for o in outcome.flatten.closing_orders] == [OrderStatus.FILLED] * 2
