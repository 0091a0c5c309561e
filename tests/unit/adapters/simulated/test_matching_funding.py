"""Funding at the 00:00, 08:00 and 16:00 UTC boundaries: longs pay when the rate is positive."""

from application.ports.venue import FundingPayment
from tests.unit.adapters.simulated.helpers import (
    BTC,
    BUY,
    ETH,
    HOUR,
    SELL,
    T0,
    D,
    make_venue,
    order,
)

EIGHT = T0 + 7 * HOUR  # 2024-01-01 08:00 UTC


def test_a_long_pays_funding_when_the_8h_boundary_is_crossed():
    venue = make_venue()
    venue.submit(order("long", BUY), T0)

    assert venue.on_price(BTC, D("50000.0"), EIGHT - 1) == []
    events = venue.on_price(BTC, D("50000.0"), EIGHT)

    # −0.01 × 50000 × 0.0001
    assert events == [FundingPayment(BTC, D("0.0001"), D("50000.0"), D("0.01"), D("-0.05"), EIGHT)]
    assert venue.wallet == D("9999.70")
    assert venue.position(BTC).funding == D("-0.05")
    assert venue.on_price(BTC, D("50000.0"), EIGHT + 1) == []


def test_a_short_receives_and_a_negative_rate_reverses_the_flow():
    short = make_venue()
    short.submit(order("short", SELL), T0)
    negative = make_venue(funding_rate=D("-0.0003"))
    negative.submit(order("long", BUY), T0)

    (received,) = short.on_price(BTC, D("50000.0"), EIGHT)
    (paid_to_long,) = negative.on_price(BTC, D("50000.0"), EIGHT)

    assert received.amount == D("0.05")
    assert paid_to_long.amount == D("0.15")  # −0.01 × 50000 × −0.0003


def test_settlement_uses_the_mark_at_the_boundary_update():
    venue = make_venue()
    venue.submit(order("long", BUY), T0)

    (payment,) = venue.on_price(BTC, D("52000.0"), EIGHT + 5)

    assert (payment.mark_price, payment.amount, payment.ts) == (D("52000.0"), D("-0.052"), EIGHT)


def test_every_boundary_crossed_in_one_jump_is_settled():
    venue = make_venue()
    venue.submit(order("long", BUY), T0)

    events = venue.on_price(BTC, D("50000.0"), EIGHT + 16 * HOUR + 1)

    assert [e.ts for e in events] == [EIGHT, EIGHT + 8 * HOUR, EIGHT + 16 * HOUR]
    assert venue.wallet == D("9999.75") - 3 * D("0.05")


def test_every_open_position_is_settled_at_its_own_last_price():
    venue = make_venue()
    venue.on_price(ETH, D("3000.00"), T0)
    venue.submit(order("btc", BUY), T0)
    venue.submit(order("eth", SELL, quantity="0.1", symbol=ETH), T0)

    events = venue.on_price(BTC, D("50000.0"), EIGHT)

    assert [(e.symbol, e.amount) for e in events] == [(BTC, D("-0.05")), (ETH, D("0.03"))]


def test_nothing_is_paid_while_flat_nor_for_the_boundary_the_venue_started_on():
    flat = make_venue()
    fresh = make_venue(price=None)
    fresh.on_price(BTC, D("50000.0"), EIGHT)
    fresh.submit(order("long", BUY), EIGHT)

    assert flat.on_price(BTC, D("50000.0"), EIGHT) == []
    assert fresh.on_price(BTC, D("50000.0"), EIGHT + 1) == []
    assert len(fresh.on_price(BTC, D("50000.0"), EIGHT + 8 * HOUR)) == 1
