"""PlaceOrder: validate, pass the risk chain, store, send, apply the venue's reports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from application.events import EventKind
from application.ports.risk import RiskVerdict
from domain.errors import InvalidInput
from domain.order import OrderRequest, OrderStatus, OrderType, Side
from tests.unit.application.fakes import App, RecordingCheck, fill_at, make_app, rejected

D = Decimal
START = D(10_000)


@pytest.fixture
async def app() -> App:
    app = make_app()
    await app.ledger.open_account(START, at=0)
    app.set_mark("BTCUSDT", 10_000)
    return app


def _limit(quantity: str = "0.1", price: str = "10000", **extra: object) -> OrderRequest:
    return OrderRequest(
        "BTCUSDT",
        Side.BUY,
        OrderType.LIMIT,
        D(quantity),
        D(price),
        **extra,  # type: ignore[arg-type]
    )


def _market(side: Side, quantity: str, symbol: str = "BTCUSDT") -> OrderRequest:
    return OrderRequest(symbol, side, OrderType.MARKET, D(quantity))


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (OrderRequest("DOGEUSDT", Side.BUY, OrderType.MARKET, D(1000)), "symbol"),
        (_limit(price="10000.05"), "price"),
        (_limit(quantity="0.1005"), "quantity"),
        (_limit(quantity="0.005"), "quantity"),  # 0.005 × 10,000 = 50 < 100
        (_market(Side.SELL, "0.009"), "quantity"),  # 90 at the mark
        (
            OrderRequest(
                "BTCUSDT", Side.SELL, OrderType.STOP_MARKET, D(1), stop_price=D("9000.01")
            ),
            "stop_price",
        ),
    ],
    ids=["unknown-symbol", "off-tick", "off-step", "below-min-notional", "market-below", "stop"],
)
async def test_bad_input_names_the_field_and_nothing_is_stored_or_sent(
    app: App, request_: OrderRequest, field: str
) -> None:
    check = RecordingCheck()
    app.risk.add(check)

    with pytest.raises(InvalidInput) as caught:
        await app.place.execute(request_)

    assert caught.value.field == field
    assert await app.is_empty()
    assert app.store.commits == 1  # opening the account
    assert app.exchange.submitted == []
    assert check.seen == []
    assert await app.published() == []


async def test_a_repeated_client_order_id_returns_the_first_order(app: App) -> None:
    first, first_existed = await app.place.execute(_limit(client_order_id="mine-1"))

    again, existed = await app.place.execute(
        _limit(quantity="0.2", price="9000", client_order_id="mine-1")
    )

    assert (first_existed, existed) == (False, True)
    assert again.order_id == first.order_id
    assert (again.quantity, again.price) == (D("0.1"), D(10_000))
    assert len(app.exchange.submitted) == 1
    assert [o.order_id for o in await app.orders()] == [first.order_id]


async def test_a_repeated_client_order_id_of_a_rejected_order_is_not_sent(app: App) -> None:
    app.risk.add(RecordingCheck(RiskVerdict.reject("HALTED", "trading is halted")))
    await app.place.execute(_limit(client_order_id="mine-2"))

    again, existed = await app.place.execute(_limit(client_order_id="mine-2"))

    assert existed
    assert again.status is OrderStatus.REJECTED
    assert app.exchange.submitted == []


async def test_a_risk_rejection_is_stored_with_its_reason_and_never_sent(app: App) -> None:
    rejecting = RecordingCheck(RiskVerdict.reject("MAX_NOTIONAL", "1,000 above 500"))
    after = RecordingCheck()
    app.risk.add(rejecting)
    app.risk.add(after)

    order, existed = await app.place.execute(_limit())

    assert not existed
    assert order.status is OrderStatus.REJECTED
    assert order.reject_reason == "MAX_NOTIONAL: 1,000 above 500"
    stored = await app.order(order.order_id)
    assert (stored.status, stored.reject_reason) == (order.status, order.reject_reason)
    assert app.exchange.submitted == []
    assert [o.status for o in rejecting.seen] == [OrderStatus.NEW]
    assert after.seen == []  # the first rejection wins
    events = await app.published()
    assert [(e.kind, e.subject.status) for e in events] == [  # type: ignore[union-attr]
        (EventKind.ORDER_UPDATED, OrderStatus.REJECTED)
    ]


async def test_the_venue_gets_the_stored_new_order(app: App) -> None:
    order, _ = await app.place.execute(_limit())

    (sent,) = app.exchange.submitted
    assert sent.order_id == order.order_id
    assert sent.status is OrderStatus.NEW
    assert sent.client_order_id == "at-ord-1"  # generated from our id
    assert order.status is OrderStatus.OPEN
    assert order.exchange_order_id == "x-ord-1"


async def test_a_venue_rejection_is_recorded(app: App) -> None:
    app.exchange.on_submit = lambda order: [rejected(order, "-2019 Margin is insufficient")]

    order, _ = await app.place.execute(_limit())

    assert order.status is OrderStatus.REJECTED
    assert order.reject_reason == "-2019 Margin is insufficient"
    assert await app.position() is None


async def test_a_market_fill_updates_order_fill_position_and_wallet(app: App) -> None:
    app.exchange.on_submit = fill_at("10000", fee="4")

    order, _ = await app.place.execute(_market(Side.BUY, "1"))

    assert order.status is OrderStatus.FILLED
    assert (order.filled_quantity, order.average_price, order.fees) == (D(1), D(10_000), D(4))
    (fill,) = await app.list_fills.execute(order.order_id)
    assert (fill.quantity, fill.price, fill.fee) == (D(1), D(10_000), D(4))
    position = await app.position()
    assert position is not None
    assert (position.quantity, position.entry_price, position.fees) == (D(1), D(10_000), D(4))
    assert await app.wallet() == START - 4

    app.exchange.on_submit = fill_at("10100", fee="4.04")
    await app.place.execute(_market(Side.SELL, "1"))

    position = await app.position()
    assert position is not None
    assert position.is_flat
    assert position.realized_pnl == D(100)
    # wallet = start + realised − fees
    assert await app.wallet() == START + 100 - D(4) - D("4.04")


async def test_a_market_fill_publishes_its_events_in_order(app: App) -> None:
    app.exchange.on_submit = fill_at("10000", fee="4")

    await app.place.execute(_market(Side.BUY, "1"))

    events = await app.published()
    assert [e.kind for e in events] == [
        EventKind.ORDER_UPDATED,
        EventKind.ORDER_UPDATED,
        EventKind.ORDER_UPDATED,
        EventKind.FILL_RECORDED,
        EventKind.POSITION_CHANGED,
        EventKind.BALANCE_CHANGED,
    ]
    statuses = [e.subject.status for e in events[:3]]  # type: ignore[union-attr]
    assert statuses == [OrderStatus.NEW, OrderStatus.OPEN, OrderStatus.FILLED]
    sequences = [e.sequence for e in events]
    assert sequences == sorted(set(sequences))
    assert sequences[0] > 0
    assert events == await app.journal()  # published exactly what was journaled
