"""Every reject reason, and that a rejected order leaves the venue exactly as it was."""

import pytest

from application.ports.venue import ReportKind
from domain.order import TimeInForce
from tests.unit.adapters.simulated.helpers import (
    BTC,
    BUY,
    ETH,
    LIMIT,
    SELL,
    STOP,
    T0,
    TAKE_PROFIT,
    D,
    kinds,
    make_venue,
    order,
    snapshot,
)

CASES = {
    "unknown symbol": (order("x", BUY, symbol="DOGEUSDT"), "Invalid symbol"),
    "duplicate client id": (
        order("resting", BUY, LIMIT, price="48000.0"),
        "Duplicate clientOrderId",
    ),
    "quantity off the step": (
        order("x", BUY, quantity="0.0015"),
        "quantity: 0.0015 is not a multiple",
    ),
    "quantity below minimum": (order("x", BUY, quantity="0"), "quantity: must be > 0"),
    "price off the tick": (
        order("x", BUY, LIMIT, price="49000.05"),
        "price: 49000.05 is not a multiple",
    ),
    "stop off the tick": (order("x", SELL, STOP, stop="49000.05"), "stop_price: 49000.05"),
    "below min notional": (order("x", BUY, quantity="0.001"), "is below the minimum 100"),
    "no market price": (order("x", BUY, symbol=ETH), "No market price for ETHUSDT"),
    "reduce-only would increase": (
        order("x", BUY, reduce_only=True),
        "ReduceOnly Order is rejected",
    ),
    "reduce-only too large": (
        order("x", SELL, quantity="0.02", reduce_only=True),
        "exceeds the position size 0.01",
    ),
    "reduce-only while flat": (
        order("x", SELL, LIMIT, price="3000.00", symbol=ETH, reduce_only=True),
        "would open or increase",
    ),
    "insufficient margin": (order("x", BUY, quantity="0.2"), "Margin is insufficient"),
    "post only would take": (
        order("x", BUY, LIMIT, price="50000.0", tif=TimeInForce.GTX),
        "post only would take",
    ),
    "stop would trigger": (order("x", SELL, STOP, stop="51000.0"), "would immediately trigger"),
    "take profit would trigger": (
        order("x", SELL, TAKE_PROFIT, stop="49000.0"),
        "would immediately trigger",
    ),
}


@pytest.fixture
def busy_venue():
    """A long position, a resting limit and a resting stop: something to disturb."""
    venue = make_venue(wallet="1000")
    venue.submit(order("long", BUY), T0)
    venue.submit(order("resting", BUY, LIMIT, "0.005", price="49000.0"), T0)
    venue.submit(order("stop", SELL, STOP, stop="45000.0", reduce_only=True), T0)
    return venue


@pytest.mark.parametrize(("rejected", "reason"), CASES.values(), ids=CASES.keys())
def test_reject_carries_a_reason_and_changes_nothing(busy_venue, rejected, reason):
    before = snapshot(busy_venue)

    (report,) = busy_venue.submit(rejected, T0 + 1)

    assert report.kind is ReportKind.REJECTED
    assert report.client_order_id == rejected.client_order_id
    assert report.exchange_order_id is not None
    assert reason in report.reason
    assert snapshot(busy_venue) == before


def test_margin_counts_what_resting_orders_hold():
    venue = make_venue(wallet="1000")
    venue.submit(order("rest", BUY, LIMIT, "0.15", price="49000.0"), T0)  # holds 735

    (report,) = venue.submit(order("x", BUY, quantity="0.06"), T0)  # needs 300 + 1.5

    assert report.kind is ReportKind.REJECTED
    assert (
        report.reason
        == "Margin is insufficient: needs 301.50000000 USDT, available 265.00000000 USDT."
    )
    venue.cancel("rest", T0)
    assert kinds(venue.submit(order("y", BUY, quantity="0.06"), T0)) == ["ACCEPTED", "FILL"]


def test_margin_requirement_equal_to_the_available_balance_is_accepted():
    exact = make_venue(wallet="502.5")  # 0.1 × 50000 / 10 + 0.1 × 50000 × 0.0005
    short = make_venue(wallet="502.49999999")

    assert kinds(exact.submit(order("x", BUY, quantity="0.1"), T0)) == ["ACCEPTED", "FILL"]
    assert kinds(short.submit(order("x", BUY, quantity="0.1"), T0)) == ["REJECTED"]


def test_closing_needs_no_margin_but_flipping_needs_it_for_the_new_side():
    venue = make_venue(wallet="600")
    venue.submit(order("long", BUY, quantity="0.1"), T0)  # holds 500, pays 2.5
    venue.submit(order("rest", BUY, LIMIT, "0.019", price="49000.0"), T0)  # holds 93.1
    assert venue.summary().available_balance == D("4.4")

    flip = venue.submit(order("flip", SELL, quantity="0.11"), T0)  # opens 0.01 short: 50 + 2.75
    close = venue.submit(order("close", SELL, quantity="0.1"), T0)

    assert kinds(flip) == ["REJECTED"]
    assert kinds(close) == ["ACCEPTED", "FILL"]
    assert venue.positions() == {}


def test_leverage_from_the_config_sets_the_margin():
    venue = make_venue(wallet="1000", leverage_per_symbol={BTC: 2})

    (report,) = venue.submit(order("x", BUY, quantity="0.04"), T0)  # 2000 / 2 + 1

    assert report.kind is ReportKind.REJECTED
    assert venue.position(BTC).leverage == 2
