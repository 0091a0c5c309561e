"""Rebalance orders: exact Decimal targets, step-size rounding and the minimum notional."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.portfolio.errors import RebalanceError
from domain.portfolio.rebalance import (
    RebalanceInputs,
    RebalanceOrder,
    Side,
    floor_to_step,
    rebalance_orders,
)

D = Decimal
PRICES = {"BTCUSDT": D("60000"), "ETHUSDT": D("3000"), "DOGEUSDT": D("0.15")}
STEPS = {"BTCUSDT": D("0.001"), "ETHUSDT": D("0.01"), "DOGEUSDT": D("1")}


MIN_NOTIONAL = D(5)
EQUITY = D(10000)


def _inputs(
    positions: dict[str, Decimal],
    targets: dict[str, Decimal | float],
    min_notional: Decimal = MIN_NOTIONAL,
    equity: Decimal = EQUITY,
) -> RebalanceInputs:
    return RebalanceInputs(positions, PRICES, equity, targets, STEPS, min_notional)


def test_orders_by_hand() -> None:
    # BTC: 0.5 x 10000 / 60000 = 0.08333.. held 0.05 -> buy 0.03333.. -> 0.033
    # ETH: -0.3 x 10000 / 3000 = -1 held 0.5 -> sell 1.5 (crosses through flat)
    # DOGE: not targeted, held 1000 -> sell 1000 (reduces)
    orders = rebalance_orders(
        _inputs(
            {"BTCUSDT": D("0.05"), "ETHUSDT": D("0.5"), "DOGEUSDT": D(1000)},
            {"BTCUSDT": 0.5, "ETHUSDT": -0.3},
        )
    )
    assert orders == (
        RebalanceOrder("DOGEUSDT", Side.SELL, D("1000"), reduces=True),
        RebalanceOrder("BTCUSDT", Side.BUY, D("0.033"), reduces=False),
        RebalanceOrder("ETHUSDT", Side.SELL, D("1.50"), reduces=False),
    )


def test_every_quantity_is_a_whole_number_of_steps_and_never_overshoots() -> None:
    targets = {"BTCUSDT": D("0.37"), "ETHUSDT": D("-0.21"), "DOGEUSDT": D("0.0123")}
    for order in rebalance_orders(_inputs({}, targets)):
        step = STEPS[order.symbol]
        assert order.quantity % step == 0
        wanted = abs(D(10000) * D(targets[order.symbol]) / PRICES[order.symbol])
        assert wanted - step < order.quantity <= wanted


def test_trades_under_the_minimum_notional_are_skipped() -> None:
    # DOGE target 0.0123 x 10000 / 0.15 = 820; holding 790 leaves 30 DOGE = 4.5 USDT.
    positions, targets = {"DOGEUSDT": D(790)}, {"DOGEUSDT": D("0.0123")}
    assert rebalance_orders(_inputs(positions, targets, min_notional=D(5))) == ()
    orders = rebalance_orders(_inputs(positions, targets, min_notional=D("4.5")))
    assert orders == (RebalanceOrder("DOGEUSDT", Side.BUY, D(30), reduces=False),)


def test_trades_under_one_step_are_skipped() -> None:
    # BTC target 0.1 x 10000 / 60000 = 0.01666..; 0.0166 held leaves less than 0.001.
    positions = {"BTCUSDT": D("0.0166")}
    assert rebalance_orders(_inputs(positions, {"BTCUSDT": D("0.1")}, D(0))) == ()


def test_float_weights_are_read_as_written() -> None:
    # 0.1 is read as Decimal("0.1"), not its binary value 0.1000000000000000055...:
    # 1000 / 0.15 = 6666.66.. DOGE, rounded down to 6666.
    orders = rebalance_orders(_inputs({}, {"DOGEUSDT": 0.1}))
    assert orders[0].quantity == D(6666)


def test_already_on_target_needs_no_order() -> None:
    assert rebalance_orders(_inputs({"ETHUSDT": D(1)}, {"ETHUSDT": D("0.3")})) == ()


def test_floor_to_step_rounds_toward_zero() -> None:
    assert floor_to_step(D("1.2399"), D("0.01")) == D("1.23")
    assert floor_to_step(D("7"), D("5")) == D("5")


@pytest.mark.parametrize(
    ("build", "argument"),
    [
        (lambda: _inputs({}, {"ADAUSDT": 0.1}), "prices"),
        (lambda: RebalanceInputs({}, {"X": D(1)}, D(1), {"X": 0.1}, {}), "step_sizes"),
        (lambda: _inputs({}, {"BTCUSDT": float("nan")}), "targets['BTCUSDT']"),
        (lambda: _inputs({"BTCUSDT": 0.1}, {}), "positions['BTCUSDT']"),
        (lambda: _inputs({}, {}, equity=D(0)), "equity"),
        (lambda: _inputs({}, {}, min_notional=D(-1)), "min_notional"),
    ],
)
def test_bad_inputs_raise_naming_the_argument(build, argument: str) -> None:
    with pytest.raises(RebalanceError) as caught:
        rebalance_orders(build())
    assert caught.value.argument == argument
