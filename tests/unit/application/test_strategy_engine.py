"""The strategy engine: signals become orders through PlaceOrder on the simulated venue."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from application.strategy_engine import client_order_id, order_quantity
from domain.errors import InvalidInput, NotFound
from domain.market.candles import Candle, Timeframe
from domain.order import OrderStatus
from tests.unit.application.strategy_rig import Rig, fast_trend_config

START = 1_700_000_000_000 - 1_700_000_000_000 % 3_600_000
BASE = {"BTCUSDT": 60_000.0, "ETHUSDT": 3_000.0}


def zigzag(n: int, leg: int = 25, step: float = 0.004, start: int = START) -> list[Candle]:
    """Alternate up and down legs of `leg` bars, for BTC and ETH in lockstep."""
    bars: list[Candle] = []
    level = 0.0
    for i in range(n):
        previous = level
        level += step if (i // leg) % 2 == 0 else -step
        level += 0.0005 * math.sin(i)
        for symbol, base in BASE.items():
            o, c = base * math.exp(previous), base * math.exp(level)
            bars.append(
                Candle(
                    symbol,
                    Timeframe.M1,
                    start + i * 60_000,
                    o,
                    max(o, c) * 1.0005,
                    min(o, c) * 0.9995,
                    c,
                    10.0,
                    10.0 * c,
                )
            )
    return bars


@pytest.fixture
async def rig() -> Rig:
    r = Rig(fast_trend_config())
    await r.open()
    return r


async def test_a_started_strategy_trades_through_place_order(rig: Rig) -> None:
    await rig.feed(zigzag(200))
    orders = await rig.orders()
    assert orders, rig.engine.stats
    assert all(o.client_order_id.startswith("st-") for o in orders)
    assert {o.status for o in orders} == {OrderStatus.FILLED}
    assert rig.engine.stats.orders == len(orders)
    positions = await rig.positions()
    targets = rig.engine.targets()
    for symbol, position in positions.items():
        assert math.copysign(1, position.quantity) == math.copysign(1, targets[symbol])
    # Each position was the combined target of the equity when it was set; prices have
    # moved since (the engine trades on target changes, not on drift).
    account = await rig.valuation.account()
    for symbol, target in targets.items():
        mark = rig.prices.mark(symbol)
        assert mark is not None
        wanted = Decimal(repr(target)) * account.margin_balance / mark
        held = positions[symbol].quantity if symbol in positions else Decimal(0)
        assert abs(held - wanted) <= abs(wanted) * Decimal("0.3") + Decimal("0.01")


async def test_a_replayed_candle_never_trades_twice(rig: Rig) -> None:
    bars = zigzag(200)
    await rig.feed(bars)
    before = await rig.orders()
    again = rig.build_engine(fast_trend_config())
    rig.engine = again
    await rig.feed(bars)
    assert await rig.orders() == before
    assert again.stats.orders == 0
    assert again.stats.duplicates > 0


async def test_a_stopped_strategy_does_not_trade_until_started() -> None:
    rig = Rig(fast_trend_config(enabled=False))
    await rig.open()
    bars = zigzag(120)
    await rig.feed(bars[:200])
    assert await rig.orders() == []
    assert rig.engine.view("trend").last_signal is not None  # warm all along
    await rig.engine.start("trend")
    await rig.feed(bars[200:])
    assert await rig.orders()
    await rig.engine.stop("trend")
    await rig.feed(zigzag(2, start=START + 120 * 60_000))
    assert await rig.positions() == {}


async def test_no_look_ahead_decisions_up_to_t_ignore_later_bars() -> None:
    bars = zigzag(200)
    cut = 2 * 130
    other = bars[:cut] + zigzag(70, leg=7, step=0.02, start=START + 130 * 60_000)
    one, two = Rig(fast_trend_config()), Rig(fast_trend_config())
    for r, series in ((one, bars), (two, other)):
        await r.open()
        await r.feed(series)
    t = START + 130 * 60_000

    def upto(orders: list) -> list:  # type: ignore[type-arg]
        return sorted(
            (o.client_order_id, o.side, o.quantity, o.average_price)
            for o in orders
            if o.created_at <= t
        )

    assert upto(await one.orders()) == upto(await two.orders())
    assert await one.orders() != await two.orders()


async def test_bad_parameters_are_rejected_naming_the_field_and_nothing_changes(rig: Rig) -> None:
    before = rig.engine.view("trend")
    stored_before = await rig.states.load()
    for changes, field in (
        ({"fast": 10, "slow": 5}, "params.slow"),
        ({"fast": "abc"}, "params.fast"),
        ({"bogus": 1}, "params.bogus"),
        ({"timeframe": "7m"}, "params.timeframe"),
    ):
        with pytest.raises(InvalidInput) as error:
            await rig.engine.update_parameters("trend", changes)
        assert error.value.field == field
    assert rig.engine.view("trend") == before
    assert await rig.states.load() == stored_before
    with pytest.raises(NotFound):
        await rig.engine.update_parameters("nope", {})


async def test_parameters_and_switches_survive_a_restart(rig: Rig) -> None:
    await rig.engine.update_parameters("trend", {"fast": "3", "slow": 9})
    await rig.engine.stop("trend")
    restarted = rig.build_engine(fast_trend_config())
    await restarted.restore()
    view = restarted.view("trend")
    assert (view.enabled, view.params["fast"], view.params["slow"]) == (False, 3, 9)


async def test_warm_up_from_the_store_trades_nothing(rig: Rig) -> None:
    await rig.candles.upsert(zigzag(100))
    count = await rig.engine.warm_up(rig.candles)
    assert count == 100  # warmup_bars per symbol (50) x 2 symbols
    assert await rig.orders() == []
    assert rig.engine.view("trend").indicators


def test_sizing_floors_to_the_step_and_keeps_the_sign() -> None:
    from adapters.simulated.instruments import default_instrument

    btc = default_instrument("BTCUSDT")
    assert order_quantity(-0.5, Decimal(10_000), Decimal(60_000), btc, 1.0) == Decimal("-0.083")
    assert order_quantity(0.0, Decimal(10_000), Decimal(60_000), btc, 1.0) == 0


def test_client_order_ids_are_deterministic_and_short() -> None:
    bar = zigzag(1)[0]
    assert client_order_id(bar, "ETHUSDT") == client_order_id(bar, "ETHUSDT")
    assert client_order_id(bar, "ETHUSDT") != client_order_id(bar, "BTCUSDT")
    assert len(client_order_id(bar, "1000PEPEUSDT")) <= 36


async def test_new_parameters_drop_the_old_instance_targets(rig: Rig) -> None:
    await rig.feed(zigzag(120))
    assert await rig.positions()
    await rig.engine.update_parameters("trend", {"fast": 5, "slow": 12})
    assert rig.engine.view("trend").params["fast"] == 5
    await rig.feed(zigzag(1, start=START + 120 * 60_000))
    assert await rig.positions() == {}  # the rebuilt strategy has no target until it signals
