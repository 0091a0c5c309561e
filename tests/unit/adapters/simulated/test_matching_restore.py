"""A restart: restore the wallet, positions and resting orders and carry on identically."""

import pytest

from adapters.simulated.config import VenueConfig
from adapters.simulated.instruments import default_instruments
from adapters.simulated.matching import SimulatedVenue
from domain.errors import InvalidInput
from domain.order import OrderStatus
from domain.position import Position
from tests.unit.adapters.simulated.helpers import (
    BTC,
    BUY,
    HOUR,
    LIMIT,
    SELL,
    STOP,
    T0,
    D,
    fills,
    make_venue,
    order,
)

CONFIG = VenueConfig(spread_ticks=D(0), max_fill_qty=D("0.004"))
PRICES = ["48900.0", "51000.0", "51000.0", "47000.0", "51000.0"]


def _traded_venue() -> SimulatedVenue:
    venue = SimulatedVenue(default_instruments(), D("10000"), CONFIG)
    venue.on_price(BTC, D("50000.0"), T0)
    venue.submit(order("long", BUY, quantity="0.02"), T0)
    venue.submit(order("bid", BUY, LIMIT, price="49000.0"), T0)
    venue.submit(order("ask", SELL, LIMIT, price="51000.0"), T0)
    venue.submit(order("sl", SELL, STOP, "0.02", stop="47500.0", reduce_only=True), T0)
    venue.on_price(BTC, D("48900.0"), T0 + 1)  # the bid fills 0.004 of 0.01
    return venue


def _restored_from(source: SimulatedVenue, first_id: int = 1000) -> SimulatedVenue:
    copy = SimulatedVenue(default_instruments(), D(0), CONFIG, first_id=first_id)
    copy.on_price(BTC, D("48900.0"), T0 + 1)  # the market as it was; the book is empty
    copy.restore(source.wallet, source.positions().values(), source.open_orders())
    return copy


def _without_ids(events):
    return [(e.kind, e.client_order_id, e.fill and (e.fill.quantity, e.fill.price)) for e in events]


def test_restore_round_trips_the_account():
    source = _traded_venue()

    copy = _restored_from(source)

    assert copy.wallet == source.wallet
    assert copy.positions() == source.positions()
    assert copy.open_orders() == source.open_orders()
    assert [o.client_order_id for o in copy.open_orders()] == ["bid", "ask", "sl"]
    assert copy.open_orders()[0].status is OrderStatus.PARTIALLY_FILLED


def test_a_restored_venue_carries_on_exactly_as_the_original():
    source = _traded_venue()
    copy = _restored_from(source)

    happened = []
    for n, price in enumerate(PRICES, start=2):
        ts = T0 + n * HOUR
        expected = _without_ids(source.on_price(BTC, D(price), ts))
        assert _without_ids(copy.on_price(BTC, D(price), ts)) == expected
        happened += expected
    assert len(happened) >= 5
    assert copy.wallet == source.wallet
    assert copy.positions() == source.positions()


def test_ids_after_a_restore_never_repeat_those_handed_out_before():
    source = _traded_venue()
    seen = {o.exchange_order_id for o in source.open_orders()}
    copy = _restored_from(source, first_id=1)

    reports = copy.submit(order("new", BUY), T0 + 2) + copy.on_price(BTC, D("48000.0"), T0 + 3)

    new_ids = {r.exchange_order_id for r in reports if r.client_order_id == "new"}
    assert new_ids.isdisjoint(seen)
    fill_ids = [f.fill.fill_id for f in fills(reports)]
    assert len(set(fill_ids)) == len(fill_ids)
    assert all(int(fid.split("-")[1]) > max(int(i) for i in seen) for fid in fill_ids)


def test_restore_replaces_the_previous_state_and_keeps_copies():
    venue = make_venue()
    venue.submit(order("old", BUY, LIMIT, price="40000.0"), T0)
    position = Position(BTC, D("0.5"), D("42000"), leverage=5)
    final = order("done", BUY, LIMIT, price="40000.0")
    final.status = OrderStatus.FILLED

    venue.restore(D("777"), [position], [final])
    position.quantity = D(9)

    assert venue.wallet == D("777")
    assert venue.positions()[BTC].quantity == D("0.5")
    assert venue.positions()[BTC].leverage == 5
    assert venue.open_orders() == []


def test_restore_refuses_unlisted_symbols():
    venue = make_venue()

    with pytest.raises(InvalidInput):
        venue.restore(D(1), [Position("DOGEUSDT", D(1), D(1))], [])
    assert venue.wallet == D(10000)


def test_the_funding_schedule_restarts_after_a_restore():
    venue = make_venue()
    venue.restore(D(1000), [Position(BTC, D("0.01"), D("50000"))], [])

    assert venue.on_price(BTC, D("50000.0"), T0 + 7 * HOUR) == []
    assert len(venue.on_price(BTC, D("50000.0"), T0 + 15 * HOUR)) == 1
