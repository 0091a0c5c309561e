"""Liquidation at the domain's liquidation price, closed at the mark with a taker fee."""

from application.ports.venue import ReportKind
from domain.order import Side
from domain.position import MarginMode
from tests.unit.adapters.simulated.helpers import (
    BTC,
    BUY,
    ETH,
    LIMIT,
    SELL,
    STOP,
    T0,
    D,
    kinds,
    make_venue,
    order,
)


def test_a_long_is_liquidated_when_the_mark_reaches_its_liquidation_price():
    venue = make_venue(wallet="600")
    venue.submit(order("long", BUY, quantity="0.1"), T0)  # wallet 597.5
    venue.submit(order("rest", BUY, LIMIT, "0.003", price="40000.0"), T0)
    # LP = (597.5 − 0.1 × 50000) / (0.1 × 0.004 − 0.1) = 44201.807…

    assert venue.on_price(BTC, D("44201.9"), T0 + 1) == []
    events = venue.on_price(BTC, D("44201.8"), T0 + 2)

    assert kinds(events) == ["CANCELED", "FILL"]
    assert (events[0].client_order_id, events[0].reason) == ("rest", "liquidation")
    liquidation = events[1]
    assert liquidation.client_order_id.startswith("liq-")
    assert liquidation.reason == "liquidation"
    fill = liquidation.fill
    assert (fill.side, fill.quantity, fill.price) == (Side.SELL, D("0.1"), D("44201.8"))
    assert fill.fee == D("2.21009")  # 0.1 × 44201.8 × 0.0005
    # 597.5 + 0.1 × (44201.8 − 50000) − 2.21009
    assert venue.wallet == D("15.46991")
    assert venue.positions() == {}
    assert venue.open_orders() == []
    assert venue.on_price(BTC, D("40000.0"), T0 + 3) == []


def test_a_short_is_liquidated_when_the_mark_rises_to_its_liquidation_price():
    venue = make_venue(wallet="600")
    venue.submit(order("short", SELL, quantity="0.1"), T0)
    # LP = (597.5 + 0.1 × 50000) / (0.1 × 0.004 + 0.1) = 55751.992…

    assert venue.on_price(BTC, D("55751.9"), T0 + 1) == []
    (event,) = venue.on_price(BTC, D("55752.0"), T0 + 2)

    assert event.kind is ReportKind.FILL
    assert (event.fill.side, event.fill.price) == (Side.BUY, D("55752.0"))


def test_an_isolated_position_is_liquidated_on_its_own_margin():
    venue = make_venue(wallet="5000", margin_mode=MarginMode.ISOLATED)
    venue.submit(order("long", BUY, quantity="0.1"), T0)  # isolated margin 500 − 2.5
    # LP = (497.5 − 5000) / (0.0004 − 0.1) = 45205.823…

    assert venue.on_price(BTC, D("45205.9"), T0 + 1) == []
    (event,) = venue.on_price(BTC, D("45205.8"), T0 + 2)

    assert event.fill.price == D("45205.8")
    assert venue.positions() == {}


def test_a_stop_loss_that_triggers_first_saves_the_position_from_liquidation():
    venue = make_venue(wallet="600")
    venue.submit(order("long", BUY, quantity="0.1"), T0)
    venue.submit(order("sl", SELL, STOP, "0.1", stop="45000.0", reduce_only=True), T0)

    events = venue.on_price(BTC, D("44000.0"), T0 + 1)

    assert [e.client_order_id for e in events] == ["sl"]


def test_a_cross_account_is_liquidated_when_another_position_s_loss_eats_the_margin():
    venue = make_venue(wallet="600", leverage=20)
    venue.on_price(ETH, D("3000.00"), T0)
    venue.submit(order("btc", BUY, quantity="0.1"), T0)
    venue.submit(order("eth", BUY, quantity="1", symbol=ETH), T0)  # wallet 596
    # With ETH at 3000: BTC's LP = (596 − 15 − 5000) / −0.0996 = 44367.4…
    assert venue.on_price(BTC, D("44800.0"), T0 + 1) == []
    # ETH at 2960: BTC's LP = (596 − 14.8 − 40 − 5000) / −0.0996 = 44767.1…
    assert venue.on_price(ETH, D("2960.00"), T0 + 2) == []

    # ETH at 2950: BTC's LP = 44867.0… and ETH's own (with BTC at 44800) 2956.5…
    events = venue.on_price(ETH, D("2950.00"), T0 + 3)

    assert sorted(e.fill.symbol for e in events) == [BTC, ETH]
    assert all(e.client_order_id.startswith("liq-") for e in events)
    assert venue.positions() == {}
