"""Every order type and time in force on the matching core, with hand-computed figures."""

import pytest

from application.ports.venue import ReportKind
from domain.errors import InvalidInput
from domain.fill import Liquidity
from domain.order import OrderStatus, TimeInForce
from tests.unit.adapters.simulated.helpers import (
    BTC,
    BUY,
    LIMIT,
    SELL,
    T0,
    D,
    fills,
    kinds,
    make_venue,
    order,
)


def test_market_buy_fills_at_once_as_taker_with_the_taker_fee():
    venue = make_venue()

    reports = venue.submit(order("m1", BUY), T0)

    assert kinds(reports) == ["ACCEPTED", "FILL"]
    fill = reports[1].fill
    assert fill is not None
    assert (fill.price, fill.quantity, fill.liquidity) == (D("50000.0"), D("0.01"), Liquidity.TAKER)
    assert fill.fee == D("0.25")  # 0.01 × 50000.0 × 0.0005
    assert venue.wallet == D("9999.75")
    position = venue.position(BTC)
    assert (position.quantity, position.entry_price) == (D("0.01"), D("50000.0"))


def test_reports_carry_client_and_deterministic_exchange_and_fill_ids():
    venue = make_venue()

    first = venue.submit(order("m1", BUY), T0)
    second = venue.submit(order("m2", SELL), T0)

    assert {r.client_order_id for r in first} == {"m1"}
    assert [r.exchange_order_id for r in first + second] == ["1", "1", "3", "3"]
    assert [f.fill.fill_id for f in fills(first + second)] == ["1-2", "3-4"]
    assert fills(first)[0].fill.order_id == "oid-m1"


def test_market_orders_cross_half_the_spread_rounded_to_the_tick_against_the_taker():
    venue = make_venue(spread_ticks="1")  # ask 50000.05, bid 49999.95

    bought = fills(venue.submit(order("b", BUY), T0))[0].fill
    sold = fills(venue.submit(order("s", SELL), T0))[0].fill

    assert bought.price == D("50000.1")
    assert sold.price == D("49999.9")
    assert sold.fee == D("0.2499995")  # 0.01 × 49999.9 × 0.0005


def test_slippage_moves_the_taker_price_in_bps_then_rounds_against_the_taker():
    venue = make_venue(spread_ticks="1", slippage_bps=D(10))

    bought = fills(venue.submit(order("b", BUY), T0))[0].fill
    sold = fills(venue.submit(order("s", SELL), T0))[0].fill

    assert bought.price == D("50050.1")  # ceil(50000.05 × 1.001 = 50050.05005)
    assert bought.fee == D("0.2502505")  # 0.01 × 50050.1 × 0.0005
    assert sold.price == D("49949.9")  # floor(49999.95 × 0.999 = 49949.95005)


def test_maker_and_taker_fees_are_exact_to_the_cent():
    venue = make_venue()

    taker = fills(venue.submit(order("t", BUY, quantity="0.1"), T0))[0].fill
    venue.submit(order("k", SELL, LIMIT, "0.1", price="50100.0"), T0)
    maker = fills(venue.on_price(BTC, D("50100.0"), T0 + 1))[0].fill

    assert taker.fee == D("2.50")  # 0.1 × 50000 × 0.0005
    assert maker.fee == D("1.002")  # 0.1 × 50100 × 0.0002
    assert maker.liquidity is Liquidity.MAKER
    # realised 0.1 × 100 = 10, minus both fees
    assert venue.wallet == D("10000") + D("10") - D("2.50") - D("1.002")


def test_fees_follow_the_configured_rates_and_round_to_8_decimals():
    venue = make_venue(taker_fee_rate=D("0.000333"))

    fill = fills(venue.submit(order("t", BUY, quantity="0.003"), T0))[0].fill

    assert fill.fee == D("0.04995000")  # 0.003 × 50000 × 0.000333 = 0.04995


def test_marketable_limit_takes_at_the_best_price():
    venue = make_venue()

    reports = venue.submit(order("l", BUY, LIMIT, price="50100.0"), T0)

    assert kinds(reports) == ["ACCEPTED", "FILL"]
    fill = reports[1].fill
    assert (fill.price, fill.liquidity, fill.fee) == (D("50000.0"), Liquidity.TAKER, D("0.25"))
    assert venue.open_orders() == []


def test_marketable_limit_is_capped_at_its_limit_price():
    venue = make_venue(slippage_bps=D(10))  # the taker price would be 50050.0

    buy_fill = fills(venue.submit(order("b", BUY, LIMIT, price="50010.0"), T0))[0].fill
    sell_fill = fills(venue.submit(order("s", SELL, LIMIT, price="49990.0"), T0))[0].fill

    assert buy_fill.price == D("50010.0")
    assert buy_fill.fee == D("0.250050")  # 0.01 × 50010 × 0.0005
    assert sell_fill.price == D("49990.0")


def test_gtc_limit_rests_then_fills_as_maker_at_its_limit_when_crossed():
    venue = make_venue()

    assert kinds(venue.submit(order("l", BUY, LIMIT, price="49000.0"), T0)) == ["ACCEPTED"]
    assert venue.on_price(BTC, D("49000.1"), T0 + 1) == []
    events = venue.on_price(BTC, D("48500.0"), T0 + 2)

    assert kinds(events) == ["FILL"]
    fill = events[0].fill
    assert (fill.price, fill.liquidity) == (D("49000.0"), Liquidity.MAKER)
    assert fill.fee == D("0.098")  # 0.01 × 49000 × 0.0002
    assert venue.open_orders() == []
    assert venue.wallet == D("9999.902")


def test_resting_sell_limit_fills_when_the_price_rises_to_it():
    venue = make_venue()
    venue.submit(order("l", SELL, LIMIT, price="51000.0"), T0)

    assert venue.on_price(BTC, D("50999.9"), T0 + 1) == []
    events = venue.on_price(BTC, D("51000.0"), T0 + 2)

    assert events[0].fill.price == D("51000.0")
    assert venue.position(BTC).quantity == D("-0.01")


def test_post_only_rests_when_it_would_not_take():
    venue = make_venue(spread_ticks="1")  # ask 50000.05: a bid at 50000.0 is passive

    reports = venue.submit(order("p", BUY, LIMIT, price="50000.0", tif=TimeInForce.GTX), T0)

    assert kinds(reports) == ["ACCEPTED"]
    assert [o.client_order_id for o in venue.open_orders()] == ["p"]


def test_ioc_fills_what_it_can_and_expires_the_rest():
    venue = make_venue(max_fill_qty=D("0.004"))

    reports = venue.submit(order("i", BUY, LIMIT, price="50000.0", tif=TimeInForce.IOC), T0)

    assert kinds(reports) == ["ACCEPTED", "FILL", "EXPIRED"]
    assert reports[1].fill.quantity == D("0.004")
    assert venue.position(BTC).quantity == D("0.004")
    assert venue.open_orders() == []


def test_ioc_that_cannot_take_expires_without_a_fill():
    venue = make_venue()

    reports = venue.submit(order("i", BUY, LIMIT, price="49000.0", tif=TimeInForce.IOC), T0)

    assert kinds(reports) == ["ACCEPTED", "EXPIRED"]
    assert venue.open_orders() == []
    assert venue.positions() == {}


def test_fok_fills_in_full():
    venue = make_venue()

    reports = venue.submit(order("f", SELL, LIMIT, price="49990.0", tif=TimeInForce.FOK), T0)

    assert kinds(reports) == ["ACCEPTED", "FILL"]
    assert reports[1].fill.quantity == D("0.01")


def test_fok_expires_when_it_cannot_fill_in_full():
    venue = make_venue(max_fill_qty=D("0.004"))

    reports = venue.submit(order("f", BUY, LIMIT, price="50000.0", tif=TimeInForce.FOK), T0)

    assert kinds(reports) == ["ACCEPTED", "EXPIRED"]
    assert venue.positions() == {}
    assert venue.wallet == D(10000)


def test_fok_that_cannot_take_expires():
    venue = make_venue()

    reports = venue.submit(order("f", BUY, LIMIT, price="49000.0", tif=TimeInForce.FOK), T0)

    assert kinds(reports) == ["ACCEPTED", "EXPIRED"]


def test_resting_order_fills_over_several_updates_when_liquidity_is_capped():
    venue = make_venue(max_fill_qty=D("0.004"))
    venue.submit(order("l", BUY, LIMIT, price="49000.0"), T0)

    first = venue.on_price(BTC, D("48900.0"), T0 + 1)
    (resting,) = venue.open_orders()
    second = venue.on_price(BTC, D("48900.0"), T0 + 2)
    third = venue.on_price(BTC, D("48900.0"), T0 + 3)

    assert [f.fill.quantity for f in fills(first + second + third)] == [
        D("0.004"),
        D("0.004"),
        D("0.002"),
    ]
    assert (resting.status, resting.filled_quantity) == (OrderStatus.PARTIALLY_FILLED, D("0.004"))
    assert len({f.fill.fill_id for f in fills(first + second + third)}) == 3
    assert venue.open_orders() == []
    assert venue.on_price(BTC, D("48900.0"), T0 + 4) == []
    assert venue.position(BTC).quantity == D("0.01")


def test_marketable_gtc_takes_what_it_can_and_rests_the_remainder():
    venue = make_venue(max_fill_qty=D("0.004"))

    reports = venue.submit(order("l", BUY, LIMIT, price="50000.0"), T0)
    (resting,) = venue.open_orders()
    later = venue.on_price(BTC, D("50000.0"), T0 + 1)

    assert kinds(reports) == ["ACCEPTED", "FILL"]
    assert reports[1].fill.liquidity is Liquidity.TAKER
    assert resting.remaining == D("0.006")
    assert later[0].fill.liquidity is Liquidity.MAKER


def test_cancel_removes_a_resting_order_and_frees_its_margin():
    venue = make_venue(wallet="1000")
    venue.submit(order("l", BUY, LIMIT, "0.1", price="49000.0"), T0)
    assert venue.summary().order_margin == D("490")  # 0.1 × 49000 / 10

    reports = venue.cancel("l", T0 + 1)

    assert kinds(reports) == ["CANCELED"]
    assert reports[0].exchange_order_id == "1"
    assert venue.open_orders() == []
    assert venue.summary().order_margin == 0
    assert venue.on_price(BTC, D("48000.0"), T0 + 2) == []


def test_cancelling_an_unknown_order_is_rejected():
    venue = make_venue()

    (report,) = venue.cancel("nope", T0)

    assert report.kind is ReportKind.REJECTED
    assert report.reason == "Unknown order sent."


def test_the_callers_order_is_never_mutated():
    venue = make_venue()
    mine = order("l", BUY, LIMIT, price="49000.0")

    venue.submit(mine, T0)
    venue.on_price(BTC, D("48000.0"), T0 + 1)

    assert (mine.status, mine.filled_quantity, mine.exchange_order_id) == (
        OrderStatus.NEW,
        D(0),
        None,
    )


@pytest.mark.parametrize("bad", ["0", "-1", "NaN", "Infinity"])
def test_a_bad_price_fails_fast(bad):
    venue = make_venue()

    with pytest.raises(InvalidInput):
        venue.on_price(BTC, D(bad), T0 + 1)
    assert venue.last_price(BTC) == D("50000.0")
