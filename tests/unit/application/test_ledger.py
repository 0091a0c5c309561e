"""The ledger: venue reports and funding applied once, in one transaction each."""

from __future__ import annotations

from decimal import Decimal

import pytest

from application.events import EventKind
from application.ports.venue import ExecutionReport, FundingPayment, ReportKind
from domain.order import Order, OrderRequest, OrderStatus, OrderType, Side, new_order
from tests.unit.application.fakes import App, accepted, canceled, filled, make_app

D = Decimal
START = D(10_000)


@pytest.fixture
async def app() -> App:
    app = make_app()
    await app.ledger.open_account(START, at=0)
    return app


async def _recorded(
    app: App, side: Side = Side.BUY, quantity: str = "1", order_id: str = "o-1"
) -> Order:
    request = OrderRequest("BTCUSDT", side, OrderType.MARKET, D(quantity))
    order = await app.ledger.record_new(new_order(request, order_id, f"c-{order_id}", at=10))
    await app.published()
    return order


async def test_open_account_keeps_an_existing_wallet(app: App) -> None:
    account = await app.ledger.open_account(D(5), at=1)
    assert account.wallet_balance == START
    assert await app.wallet() == START


async def test_record_new_refuses_a_second_order_with_the_same_client_id(app: App) -> None:
    first = await _recorded(app)
    request = OrderRequest("BTCUSDT", Side.SELL, OrderType.MARKET, D(2))

    stored = await app.ledger.record_new(new_order(request, "o-2", first.client_order_id, at=11))

    assert stored.order_id == first.order_id
    assert [o.order_id for o in await app.orders()] == ["o-1"]
    assert await app.published() == []


async def test_a_fill_replayed_twice_is_applied_once(app: App) -> None:
    order = await _recorded(app)
    fill = filled(order, "10000", fee="4")

    await app.ledger.apply([accepted(order), fill, fill])
    first = await app.published()
    await app.ledger.apply([fill])

    assert await app.published() == []
    assert [e.kind for e in first].count(EventKind.FILL_RECORDED) == 1
    assert len(await app.fills()) == 1
    position = await app.position()
    assert position is not None
    assert (position.quantity, position.fees) == (D(1), D(4))
    assert await app.wallet() == START - 4
    assert (await app.order("o-1")).filled_quantity == D(1)


async def test_partial_fills_add_up_and_a_replayed_part_is_ignored(app: App) -> None:
    order = await _recorded(app)
    part_1 = filled(order, "10000", quantity="0.4", fill_id="f-1")
    part_2 = filled(order, "10010", quantity="0.6", fill_id="f-2")

    await app.ledger.apply([accepted(order), part_1, part_1, part_2, part_1])

    stored = await app.order("o-1")
    assert stored.status is OrderStatus.FILLED
    assert stored.average_price == D("10006")  # (4,000 + 6,006) / 1
    position = await app.position()
    assert position is not None
    assert (position.quantity, position.entry_price) == (D(1), D("10006"))


async def test_a_fill_before_the_ack_is_applied(app: App) -> None:
    order = await _recorded(app)
    assert order.status is OrderStatus.NEW

    await app.ledger.apply([filled(order, "10000", quantity="0.4")])

    stored = await app.order("o-1")
    assert stored.status is OrderStatus.PARTIALLY_FILLED
    assert stored.exchange_order_id == "x-o-1"
    position = await app.position()
    assert position is not None
    assert position.quantity == D("0.4")
    await app.published()

    await app.ledger.apply([accepted(order)])  # the late ack changes nothing

    assert (await app.order("o-1")).status is OrderStatus.PARTIALLY_FILLED
    assert await app.published() == []


@pytest.mark.parametrize(
    ("kind", "status"),
    [(ReportKind.CANCELED, OrderStatus.CANCELED), (ReportKind.EXPIRED, OrderStatus.EXPIRED)],
)
async def test_a_cancel_or_expiry_before_the_ack_accepts_first(
    app: App, kind: ReportKind, status: OrderStatus
) -> None:
    order = await _recorded(app)

    await app.ledger.apply([ExecutionReport(kind, order.client_order_id, 20, "x-1", "gone")])

    stored = await app.order("o-1")
    assert (stored.status, stored.exchange_order_id, stored.reject_reason) == (
        status,
        "x-1",
        "gone",
    )


async def test_a_partially_filled_order_can_be_canceled(app: App) -> None:
    order = await _recorded(app)

    await app.ledger.apply(
        [accepted(order), filled(order, "10000", quantity="0.4"), canceled(order)]
    )

    stored = await app.order("o-1")
    assert (stored.status, stored.filled_quantity) == (OrderStatus.CANCELED, D("0.4"))
    await app.published()

    await app.ledger.apply([canceled(order)])  # a replayed final report

    assert await app.published() == []


async def test_a_report_for_an_order_we_do_not_know_is_ignored(app: App) -> None:
    stranger = new_order(
        OrderRequest("BTCUSDT", Side.BUY, OrderType.MARKET, D(1)), "o-9", "c-9", at=1
    )

    await app.ledger.apply([accepted(stranger), filled(stranger, "10000")])

    assert await app.is_empty()
    assert await app.published() == []


async def test_a_fill_that_fails_is_rolled_back_whole(app: App) -> None:
    order = await _recorded(app)
    await app.ledger.apply([accepted(order), filled(order, "10000", quantity="0.6", fill_id="f-1")])
    await app.published()
    commits = app.store.commits

    # 0.6 more does not fit the 0.4 left: the ledger refuses it whole and leaves the
    # anomaly to reconciliation rather than stalling every later report.
    await app.ledger.apply([filled(order, "10000", quantity="0.6", fill_id="f-2")])

    assert app.store.commits == commits
    assert await app.published() == []
    assert [f.fill_id for f in await app.fills()] == ["f-1"]
    position = await app.position()
    assert position is not None
    assert position.quantity == D("0.6")

    # The venue's real remaining fill still applies: f-2 was never stored.
    await app.ledger.apply([filled(order, "10000", quantity="0.4", fill_id="f-2")])
    assert (await app.order("o-1")).status is OrderStatus.FILLED


async def test_a_fill_that_arrives_after_the_cancel_is_still_booked(app: App) -> None:
    order = await _recorded(app)
    await app.ledger.apply([accepted(order), filled(order, "10000", "0", "0.4", "f-1")])
    await app.ledger.apply([canceled(order)])

    await app.ledger.apply([filled(order, "10000", "0", "0.2", "f-2")])

    stored = await app.order("o-1")
    assert (stored.status, stored.filled_quantity) == (OrderStatus.CANCELED, D("0.6"))
    position = await app.position()
    assert position is not None
    assert position.quantity == D("0.6")


async def _hold(app: App, side: Side, quantity: str = "1") -> None:
    order = await _recorded(app, side, quantity)
    await app.ledger.apply([accepted(order), filled(order, "10000")])
    await app.published()


@pytest.mark.parametrize(
    ("side", "rate", "credit"),
    [
        (Side.BUY, "0.0001", "-1"),  # long pays: −1 × 10,000 × 0.0001
        (Side.SELL, "0.0001", "1"),  # short receives
        (Side.BUY, "-0.0002", "2"),  # long receives when the rate is negative
        (Side.SELL, "-0.0002", "-2"),
    ],
)
async def test_funding_credits_or_debits_the_wallet(
    app: App, side: Side, rate: str, credit: str
) -> None:
    await _hold(app, side)

    await app.ledger.apply([FundingPayment("BTCUSDT", D(rate), D(10_000), D(0), D(0), 99)])

    assert await app.wallet() == START + D(credit)
    position = await app.position()
    assert position is not None
    assert position.funding == D(credit)
    events = await app.published()
    assert [e.kind for e in events] == [
        EventKind.FUNDING_SETTLED,
        EventKind.POSITION_CHANGED,
        EventKind.BALANCE_CHANGED,
    ]
    settled = events[0].subject
    assert isinstance(settled, FundingPayment)
    assert (settled.amount, settled.position_quantity) == (D(credit), D(side.sign))


async def test_funding_on_no_position_does_nothing(app: App) -> None:
    await app.ledger.apply([FundingPayment("BTCUSDT", D("0.0001"), D(10_000), D(0), D(0), 99)])

    assert await app.wallet() == START
    assert await app.published() == []
    assert await app.is_empty()
