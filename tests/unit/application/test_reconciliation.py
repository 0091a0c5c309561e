"""Reconcile against a hand-written fake of the AccountState port."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

import pytest

from adapters.memory.clock import ManualClock
from adapters.memory.event_bus import InMemoryEventBus
from adapters.memory.reconciliation import InMemoryDiscrepancyLog, LoggingDiscrepancyPublisher
from adapters.memory.storage import InMemoryStore
from application.events import EventKind
from application.ledger import Ledger, PositionDefaults
from application.ports.account_state import VenueOrder
from application.ports.reconciliation import Discrepancy, DiscrepancyKind
from application.ports.venue import ExecutionReport, ReportKind
from application.reconciliation import Reconcile
from domain.fill import Fill, Liquidity
from domain.order import Order, OrderRequest, OrderStatus, OrderType, Side, new_order
from domain.position import Position

D = Decimal


class FakeAccountState:
    def __init__(self) -> None:
        self.orders: dict[str, VenueOrder] = {}
        self.fills: dict[str, list[Fill]] = {}
        self.positions: list[Position] = []
        self.wallet = D(10_000)
        self.tracked: list[str] = []

    async def fetch_open_orders(self) -> Sequence[VenueOrder]:
        return [o for o in self.orders.values() if not o.status.is_final]

    async def fetch_order(self, order: Order) -> VenueOrder | None:
        return self.orders.get(order.client_order_id)

    async def fetch_fills(self, order: Order, venue_order: VenueOrder) -> Sequence[Fill]:
        return self.fills.get(order.client_order_id, [])

    async def fetch_positions(self) -> Sequence[Position]:
        return list(self.positions)

    async def fetch_wallet_balance(self) -> Decimal:
        return self.wallet

    def track(self, orders: Sequence[Order]) -> None:
        self.tracked += [o.client_order_id for o in orders]


class Rig:
    def __init__(self) -> None:
        self.store = InMemoryStore()
        self.venue = FakeAccountState()
        self.log = InMemoryDiscrepancyLog()
        self.published: list[Discrepancy] = []
        listeners = LoggingDiscrepancyPublisher()

        async def hear(found: Sequence[Discrepancy]) -> None:
            self.published += found

        listeners.listen(hear)
        bus = self.bus = InMemoryEventBus()
        self.clock = ManualClock(5_000)
        self.ledger = Ledger(self.store.unit_of_work, bus, PositionDefaults())
        self.reconcile = Reconcile(
            self.venue,
            self.ledger,
            self.store.unit_of_work,
            self.log,
            listeners,
            bus,
            self.clock,
        )

    async def order(self, cid: str, quantity: str = "0.01") -> Order:
        request = OrderRequest("BTCUSDT", Side.BUY, OrderType.LIMIT, D(quantity), price=D(60_000))
        return await self.ledger.record_new(new_order(request, f"oid-{cid}", cid, 10))

    async def stored(self, cid: str) -> Order:
        async with self.store.unit_of_work() as uow:
            order = await uow.orders.get_by_client_id(cid)
        assert order is not None
        return order

    async def position(self, symbol: str) -> Position | None:
        async with self.store.unit_of_work() as uow:
            return await uow.positions.get(symbol)


def venue_order(
    cid: str, status: OrderStatus, filled: str = "0", quantity: str = "0.01"
) -> VenueOrder:
    return VenueOrder(cid, "77", "BTCUSDT", status, D(quantity), D(filled), D(60_000), 4_000)


def fill(cid: str, n: int, quantity: str) -> Fill:
    return Fill(
        f"BTCUSDT-{n}",
        f"oid-{cid}",
        cid,
        "BTCUSDT",
        Side.BUY,
        D(quantity),
        D(60_000),
        D("0.1"),
        Liquidity.MAKER,
        3_000 + n,
    )


@pytest.fixture
async def rig() -> Rig:
    rig = Rig()
    await rig.ledger.open_account(D(10_000), at=0)
    return rig


async def test_agreeing_books_find_nothing(rig: Rig) -> None:
    assert await rig.reconcile.execute() == []
    assert rig.log.items == []


async def test_new_order_the_exchange_never_saw_is_rejected(rig: Rig) -> None:
    await rig.order("c-1")
    found = await rig.reconcile.execute(settle_now=True)
    assert [d.kind for d in found] == [DiscrepancyKind.ORDER_UNKNOWN_TO_EXCHANGE]
    assert (await rig.stored("c-1")).status is OrderStatus.REJECTED
    assert rig.published == found
    assert rig.log.items == found


async def test_new_order_the_exchange_has_is_accepted(rig: Rig) -> None:
    await rig.order("c-2")
    rig.venue.orders["c-2"] = venue_order("c-2", OrderStatus.OPEN)
    found = await rig.reconcile.execute()
    assert [d.kind for d in found] == [DiscrepancyKind.ORDER_STATUS]
    stored = await rig.stored("c-2")
    assert stored.status is OrderStatus.OPEN
    assert stored.exchange_order_id == "77"
    assert "c-2" in rig.venue.tracked


async def test_fills_made_while_we_were_away_are_applied_once(rig: Rig) -> None:
    order = await rig.order("c-3")
    await rig.ledger.apply([ExecutionReport(ReportKind.ACCEPTED, "c-3", 20, "77")])
    rig.venue.orders["c-3"] = venue_order("c-3", OrderStatus.FILLED, filled="0.01")
    rig.venue.fills["c-3"] = [fill("c-3", 1, "0.004"), fill("c-3", 2, "0.006")]
    rig.venue.positions = [Position("BTCUSDT", D("0.01"), D(60_000))]
    rig.venue.wallet = D(10_000) - D("0.2")
    found = await rig.reconcile.execute()
    assert [d.kind for d in found] == [DiscrepancyKind.ORDER_FILLS]
    stored = await rig.stored("c-3")
    assert stored.status is OrderStatus.FILLED
    assert stored.filled_quantity == order.quantity
    position = await rig.position("BTCUSDT")
    assert position is not None
    assert position.quantity == D("0.01")
    assert await rig.reconcile.execute() == []  # a second pass finds the books equal


async def test_canceled_at_the_exchange_is_canceled_here(rig: Rig) -> None:
    await rig.order("c-4")
    await rig.ledger.apply([ExecutionReport(ReportKind.ACCEPTED, "c-4", 20, "77")])
    rig.venue.orders["c-4"] = venue_order("c-4", OrderStatus.CANCELED)
    await rig.reconcile.execute()
    assert (await rig.stored("c-4")).status is OrderStatus.CANCELED


async def test_an_open_order_we_never_placed_is_reported_and_left_alone(rig: Rig) -> None:
    rig.venue.orders["manual"] = venue_order("manual", OrderStatus.OPEN)
    found = await rig.reconcile.execute()
    assert [(d.kind, d.subject) for d in found] == [
        (DiscrepancyKind.ORDER_UNKNOWN_LOCALLY, "manual")
    ]


async def test_every_difference_is_journaled_and_published_as_an_event(rig: Rig) -> None:
    subscription = rig.bus.subscribe()
    rig.venue.orders["manual"] = venue_order("manual", OrderStatus.OPEN)

    found = await rig.reconcile.execute()

    async with rig.store.unit_of_work() as uow:
        journal = await uow.events.after(0)
    stored = [e for e in journal if e.kind is EventKind.DISCREPANCY_FOUND]
    assert [e.subject for e in stored] == found
    await subscription.close()
    live = [e async for e in subscription]
    assert [e.sequence for e in live] == [e.sequence for e in stored]


async def test_positions_and_wallet_follow_the_exchange(rig: Rig) -> None:
    rig.venue.positions = [Position("ETHUSDT", D("-1.5"), D(3_000), leverage=5)]
    rig.venue.wallet = D("9990.5")  # funding we never heard of
    found = await rig.reconcile.execute(settle_now=True)
    assert sorted(d.kind for d in found) == [DiscrepancyKind.BALANCE, DiscrepancyKind.POSITION]
    eth = await rig.position("ETHUSDT")
    assert eth is not None
    assert (eth.quantity, eth.entry_price, eth.leverage) == (D("-1.5"), D(3_000), 5)
    async with rig.store.unit_of_work() as uow:
        account = await uow.accounts.get()
    assert account is not None
    assert account.wallet_balance == D("9990.5")
    rig.venue.positions = []
    found = await rig.reconcile.execute(settle_now=True)
    eth = await rig.position("ETHUSDT")
    assert eth is not None
    assert eth.is_flat
    assert [d.exchange for d in found] == ["flat"]


async def test_a_replay_of_the_same_position_is_not_a_difference(rig: Rig) -> None:
    rig.venue.positions = [Position("BTCUSDT", D("0.5"), D("60000.12"))]
    await rig.reconcile.execute(settle_now=True)
    rig.venue.positions = [replace(rig.venue.positions[0], entry_price=D("60000.1200001"))]
    assert await rig.reconcile.execute() == []


async def test_while_streaming_a_difference_must_persist_before_it_is_corrected(rig: Rig) -> None:
    rig.venue.positions = [Position("BTCUSDT", D("0.01"), D(60_000))]  # a fill still on its way?
    first = await rig.reconcile.execute()
    assert [d.kind for d in first] == [DiscrepancyKind.POSITION]
    assert "seen once" in first[0].action
    assert await rig.position("BTCUSDT") is None  # not touched yet
    second = await rig.reconcile.execute()
    assert second[0].action == "position set to the exchange's"
    position = await rig.position("BTCUSDT")
    assert position is not None
    assert position.quantity == D("0.01")


async def test_a_difference_that_went_away_is_not_corrected_later(rig: Rig) -> None:
    rig.venue.wallet = D(9_999)
    assert "seen once" in (await rig.reconcile.execute())[0].action
    rig.venue.wallet = D(10_000)  # the report arrived meanwhile: the books agree again
    assert await rig.reconcile.execute() == []
    rig.venue.wallet = D(9_999)
    assert "seen once" in (await rig.reconcile.execute())[0].action


async def test_a_young_new_order_may_still_be_in_flight(rig: Rig) -> None:
    await rig.order("c-young")  # created at 10 ms; the clock says 5 s
    assert await rig.reconcile.execute() == []
    assert (await rig.stored("c-young")).status is OrderStatus.NEW
    rig.clock.advance(120_000)
    found = await rig.reconcile.execute()
    assert [d.kind for d in found] == [DiscrepancyKind.ORDER_UNKNOWN_TO_EXCHANGE]
