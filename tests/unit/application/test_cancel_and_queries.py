"""CancelOrder, the order and fill queries, and Valuation's account and position figures."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal

import pytest

from application.events import EventKind
from application.ledger import PositionDefaults
from application.ports.risk import RiskVerdict
from domain.errors import NotFound, PreconditionFailed
from domain.order import Order, OrderRequest, OrderStatus, OrderType, Side
from domain.position import MarginMode
from tests.unit.application.fakes import App, RecordingCheck, fill_at, filled, make_app

D = Decimal


async def _opened(start: int = 10_000, defaults: PositionDefaults | None = None) -> App:
    app = make_app(defaults)
    await app.ledger.open_account(D(start), at=0)
    app.set_mark("BTCUSDT", 10_000)
    app.set_mark("ETHUSDT", 1_000)
    return app


@pytest.fixture
async def app() -> App:
    return await _opened()


async def _rest(app: App, price: str = "9000", quantity: str = "0.1", **extra: object) -> Order:
    request = OrderRequest(
        "BTCUSDT",
        Side.BUY,
        OrderType.LIMIT,
        D(quantity),
        D(price),
        **extra,  # type: ignore[arg-type]
    )
    order, _ = await app.place.execute(request)
    return order


async def _trade(app: App, symbol: str, side: Side, quantity: str, price: str) -> Order:
    app.exchange.on_submit = fill_at(price)
    order, _ = await app.place.execute(OrderRequest(symbol, side, OrderType.MARKET, D(quantity)))
    return order


# --- CancelOrder -------------------------------------------------------------


async def test_cancel_an_open_order(app: App) -> None:
    order = await _rest(app)
    await app.published()

    result = await app.cancel.execute(order.order_id)

    assert result.status is OrderStatus.CANCELED
    assert [o.order_id for o in app.exchange.cancel_requests] == [order.order_id]
    events = await app.published()
    assert [(e.kind, e.subject.status) for e in events] == [  # type: ignore[union-attr]
        (EventKind.ORDER_UPDATED, OrderStatus.CANCELED)
    ]


async def test_cancel_by_client_order_id(app: App) -> None:
    await _rest(app, client_order_id="mine-7")
    assert (await app.cancel.execute("mine-7")).status is OrderStatus.CANCELED


async def test_cancel_reports_a_fill_that_won_the_race(app: App) -> None:
    order = await _rest(app)
    app.exchange.on_cancel = lambda o: [filled(o, "9000")]

    result = await app.cancel.execute(order.order_id)

    assert result.status is OrderStatus.FILLED


async def _filled(app: App) -> Order:
    return await _trade(app, "BTCUSDT", Side.BUY, "0.1", "10000")


async def _rejected(app: App) -> Order:
    app.risk.add(RecordingCheck(RiskVerdict.reject("HALTED", "halted")))
    return await _rest(app)


async def _canceled(app: App) -> Order:
    return await app.cancel.execute((await _rest(app)).order_id)


@pytest.mark.parametrize(
    "make", [_filled, _rejected, _canceled], ids=["filled", "rejected", "canceled"]
)
async def test_cancel_of_a_final_order_fails_its_precondition(
    app: App, make: Callable[[App], Awaitable[Order]]
) -> None:
    order = await make(app)
    asked = len(app.exchange.cancel_requests)

    with pytest.raises(PreconditionFailed, match=order.status.value):
        await app.cancel.execute(order.order_id)

    assert len(app.exchange.cancel_requests) == asked


async def test_cancel_of_an_unknown_order_is_not_found(app: App) -> None:
    with pytest.raises(NotFound) as caught:
        await app.cancel.execute("nope")
    assert (caught.value.what, caught.value.key) == ("order", "nope")
    assert app.exchange.cancel_requests == []


# --- order and fill queries --------------------------------------------------


async def test_get_order_by_either_id(app: App) -> None:
    order = await _rest(app, client_order_id="mine-3")

    assert (await app.get_order.execute(order.order_id)).client_order_id == "mine-3"
    assert (await app.get_order.execute("mine-3")).order_id == order.order_id
    with pytest.raises(NotFound):
        await app.get_order.execute("missing")


async def test_list_orders_filters_and_puts_the_newest_first(app: App) -> None:
    first = await _rest(app, price="9000")
    app.clock.advance(1)
    second = await _rest(app, price="9100")
    app.clock.advance(1)
    traded = await _trade(app, "ETHUSDT", Side.SELL, "1", "1000")

    everything = await app.list_orders.execute()
    open_btc = await app.list_orders.execute([OrderStatus.OPEN], "BTCUSDT")
    latest = await app.list_orders.execute(limit=1)

    assert [o.order_id for o in everything] == [traded.order_id, second.order_id, first.order_id]
    assert [o.order_id for o in open_btc] == [second.order_id, first.order_id]
    assert [o.order_id for o in latest] == [traded.order_id]
    assert await app.list_orders.execute([OrderStatus.FILLED], "BTCUSDT") == []


async def test_list_fills_of_one_order(app: App) -> None:
    btc = await _trade(app, "BTCUSDT", Side.BUY, "0.1", "10000")
    await _trade(app, "ETHUSDT", Side.BUY, "1", "1000")

    fills = await app.list_fills.execute(btc.order_id)

    assert [(f.order_id, f.quantity) for f in fills] == [(btc.order_id, D("0.1"))]
    assert len(await app.list_fills.execute()) == 2


# --- Valuation ---------------------------------------------------------------


@pytest.fixture
async def book() -> App:
    """Cross margin, 10×, wallet 5,000: BTC long 1 at 10,000 and ETH short 10 at
    1,000, marked at 9,500 and 900, and a resting BTC buy of 0.1 at 9,000."""
    app = await _opened(start=5_000)
    await _trade(app, "BTCUSDT", Side.BUY, "1", "10000")
    await _trade(app, "ETHUSDT", Side.SELL, "10", "1000")
    app.exchange.on_submit = lambda order: []  # the venue has not answered yet: still NEW
    await _rest(app, price="9000", quantity="0.1")
    app.clock.advance(1)
    app.set_mark("BTCUSDT", 9_500)
    app.set_mark("ETHUSDT", 900)
    return app


async def test_positions_are_valued_at_the_mark(book: App) -> None:
    btc, eth = await book.valuation.positions()

    # BTC: upnl 1 × (9,500 − 10,000); notional 9,500; MM 9,500 × 0.004 = 38.
    assert (btc.position.symbol, btc.mark_price) == ("BTCUSDT", D(9_500))
    assert (btc.unrealized_pnl, btc.notional, btc.maintenance_margin) == (D(-500), D(9_500), D(38))
    # ETH: upnl −10 × (900 − 1,000); notional 9,000; MM 9,000 × 0.005 = 45.
    assert (eth.unrealized_pnl, eth.notional, eth.maintenance_margin) == (D(1_000), D(9_000), D(45))


async def test_cross_liquidation_prices_count_the_other_position(book: App) -> None:
    btc, eth = await book.valuation.positions()

    # BTC: (5,000 − ETH MM 45 + ETH upnl 1,000 − 1 × 10,000) / (0.004 − 1)
    #    = −4,045 / −0.996 = 4,061.24…
    assert btc.liquidation_price == D(4_045) / D("0.996")
    # ETH: (5,000 − BTC MM 38 + BTC upnl −500 + 10 × 1,000) / (10 × 0.005 + 10)
    #    = 14,462 / 10.05 = 1,439.00…
    assert eth.liquidation_price == D(14_462) / D("10.05")


async def test_the_account_summary(book: App) -> None:
    summary = await book.valuation.account()

    assert summary.wallet_balance == D(5_000)
    assert summary.unrealized_pnl == D(500)  # −500 + 1,000
    assert summary.margin_balance == D(5_500)
    assert summary.position_margin == D(1_850)  # 9,500 / 10 + 9,000 / 10
    assert summary.order_margin == D(90)  # 0.1 × 9,000 / 10
    assert summary.available_balance == D(3_560)  # 5,500 − 1,850 − 90


async def test_a_position_without_a_mark_is_valued_at_entry() -> None:
    app = make_app()  # no marks at all, as just after a restart
    await app.ledger.open_account(D(10_000), at=0)
    await _trade(app, "BTCUSDT", Side.BUY, "1", "10000")

    (view,) = await app.valuation.positions()

    assert view.mark_price is None
    assert (view.unrealized_pnl, view.notional) == (D(0), D(10_000))
    assert view.liquidation_price is None  # 10,000 of wallet behind a 10,000 long


async def test_flat_positions_are_listed_only_when_asked(app: App) -> None:
    await _trade(app, "BTCUSDT", Side.BUY, "1", "10000")
    await _trade(app, "BTCUSDT", Side.SELL, "1", "10000")

    assert await app.valuation.positions() == []
    (flat,) = await app.valuation.positions(include_flat=True)
    assert flat.position.is_flat
    assert flat.liquidation_price is None


async def test_an_isolated_position_is_valued_on_its_own_margin() -> None:
    app = await _opened(defaults=PositionDefaults(leverage=10, margin_mode=MarginMode.ISOLATED))
    app.exchange.on_submit = fill_at("10000", fee="4")
    await app.place.execute(OrderRequest("BTCUSDT", Side.BUY, OrderType.MARKET, D(1)))

    (view,) = await app.valuation.positions()
    summary = await app.valuation.account()

    # Isolated margin 10,000 / 10 − fee 4 = 996; the wallet does not count:
    #   LP = (996 − 1 × 10,000) / (0.004 − 1) = 9,004 / 0.996 = 9,040.16…
    assert view.liquidation_price == D(9_004) / D("0.996")
    assert summary.position_margin == D(996)
    assert summary.available_balance == D(10_000) - 4 - 996


async def test_the_account_must_exist() -> None:
    with pytest.raises(NotFound):
        await make_app().valuation.account()


async def test_order_margin_uses_the_leverage_the_order_will_open_at(app: App) -> None:
    await _rest(app, price="10000", quantity="1")

    summary = await app.valuation.account()

    assert summary.order_margin == D(1_000)  # 1 × 10,000 / 10; got 10,000
