"""Stop and take-profit triggers in both directions, and reduce-only orders."""

import pytest

from domain.fill import Liquidity
from tests.unit.adapters.simulated.helpers import (
    BTC,
    BUY,
    LIMIT,
    SELL,
    STOP,
    T0,
    TAKE_PROFIT,
    D,
    fills,
    kinds,
    make_venue,
    order,
)

# (side, type, stop, a price that must not trigger, a price that must)
TRIGGERS = {
    "sell stop fires on a fall": (SELL, STOP, "49000.0", "49000.1", "49000.0"),
    "buy stop fires on a rise": (BUY, STOP, "51000.0", "50999.9", "51000.0"),
    "buy take-profit fires on a fall": (BUY, TAKE_PROFIT, "49000.0", "49000.1", "49000.0"),
    "sell take-profit fires on a rise": (SELL, TAKE_PROFIT, "51000.0", "50999.9", "51000.0"),
}


@pytest.mark.parametrize(
    ("side", "type_", "stop", "quiet", "loud"), TRIGGERS.values(), ids=TRIGGERS.keys()
)
def test_conditional_orders_become_market_orders_when_triggered(side, type_, stop, quiet, loud):
    venue = make_venue()
    assert kinds(venue.submit(order("c", side, type_, stop=stop), T0)) == ["ACCEPTED"]

    assert venue.on_price(BTC, D(quiet), T0 + 1) == []
    events = venue.on_price(BTC, D(loud), T0 + 2)

    assert kinds(events) == ["FILL"]
    fill = events[0].fill
    assert (fill.side, fill.price, fill.liquidity) == (side, D(loud), Liquidity.TAKER)
    assert fill.fee == D(loud) * D("0.01") * D("0.0005")
    assert venue.open_orders() == []


def test_a_gap_through_the_stop_fills_at_the_market_with_spread_and_slippage():
    venue = make_venue(spread_ticks="1", slippage_bps=D(10))
    venue.submit(order("c", SELL, STOP, stop="49000.0"), T0)

    (event,) = venue.on_price(BTC, D("48000.0"), T0 + 1)

    assert event.fill.price == D("47951.9")  # floor(47999.95 × 0.999 = 47951.95005)


def test_a_triggered_stop_without_margin_expires():
    venue = make_venue(wallet="600")
    venue.submit(order("c", BUY, STOP, "0.1", stop="51000.0"), T0)
    hog = venue.submit(order("hog", SELL, LIMIT, "0.09", price="60000.0"), T0)  # holds 540
    assert kinds(hog) == ["ACCEPTED"]

    (event,) = venue.on_price(BTC, D("51000.0"), T0 + 1)

    assert kinds([event]) == ["EXPIRED"]
    assert "Margin is insufficient" in event.reason
    assert venue.positions() == {}


def test_reduce_only_market_order_reduces():
    venue = make_venue()
    venue.submit(order("long", BUY), T0)

    reports = venue.submit(order("r", SELL, quantity="0.004", reduce_only=True), T0)

    assert kinds(reports) == ["ACCEPTED", "FILL"]
    assert venue.position(BTC).quantity == D("0.006")


def test_resting_reduce_only_is_capped_to_what_is_left_then_expires():
    venue = make_venue()
    venue.submit(order("long", BUY), T0)
    venue.submit(order("tp", SELL, LIMIT, price="51000.0", reduce_only=True), T0)
    venue.submit(order("cut", SELL, quantity="0.004"), T0)

    events = venue.on_price(BTC, D("51000.0"), T0 + 1)

    assert kinds(events) == ["FILL", "EXPIRED"]
    assert events[0].fill.quantity == D("0.006")
    assert venue.positions() == {}
    assert venue.open_orders() == []


def test_reduce_only_stop_expires_when_the_position_is_gone():
    venue = make_venue()
    venue.submit(order("long", BUY), T0)
    venue.submit(order("sl", SELL, STOP, stop="49000.0", reduce_only=True), T0)
    venue.submit(order("exit", SELL), T0)

    events = venue.on_price(BTC, D("48000.0"), T0 + 1)

    assert kinds(events) == ["EXPIRED"]
    assert venue.positions() == {}


def test_resting_orders_fill_oldest_first_on_one_update():
    venue = make_venue()
    venue.submit(order("a", BUY, LIMIT, price="49000.0"), T0)
    venue.submit(order("b", BUY, LIMIT, price="49500.0"), T0)
    venue.submit(order("c", SELL, STOP, stop="49200.0"), T0)

    events = venue.on_price(BTC, D("48000.0"), T0 + 1)

    assert [e.client_order_id for e in fills(events)] == ["a", "b", "c"]
    assert venue.position(BTC).quantity == D("0.01")
