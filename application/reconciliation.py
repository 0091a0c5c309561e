"""Reconcile: make our books agree with the exchange, which is the source of truth.

Orders are corrected with synthetic execution reports applied by the ledger
(so fills, positions and the wallet move exactly as for live reports); what the
reports cannot explain (a position or a wallet that still differs) is
overwritten with the exchange's figures. Every difference is recorded and
published, with the action taken.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from application.events import Event, balance_changed, discrepancy_found, position_changed
from application.ledger import Ledger, UnitOfWorkFactory
from application.ports.account_state import AccountState, VenueOrder
from application.ports.clock import Clock
from application.ports.events import EventPublisher
from application.ports.reconciliation import (
    Discrepancy,
    DiscrepancyKind,
    DiscrepancyLog,
    DiscrepancyPublisher,
)
from application.ports.venue import ExecutionReport, ReportKind
from domain.account import Account
from domain.numbers import ZERO
from domain.order import Order, OrderStatus
from domain.position import Position

OPEN_LOCALLY = (OrderStatus.NEW, OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED)
_FINAL_REPORT = {
    OrderStatus.CANCELED: ReportKind.CANCELED,
    OrderStatus.EXPIRED: ReportKind.EXPIRED,
    OrderStatus.REJECTED: ReportKind.REJECTED,
}
ENTRY_TOLERANCE = Decimal("0.000001")  # relative: Binance rounds entry prices
_WATCHING = "seen once: corrected if the next pass sees the same"


class Reconcile:
    """Compare open orders, positions and the wallet with the exchange; correct ours."""

    def __init__(
        self,
        venue: AccountState,
        ledger: Ledger,
        uow: UnitOfWorkFactory,
        log: DiscrepancyLog,
        listeners: DiscrepancyPublisher,
        events: EventPublisher,
        clock: Clock,
        new_order_grace_ms: int = 120_000,
    ) -> None:
        self._venue = venue
        self._ledger = ledger
        self._uow = uow
        self._log = log
        self._listeners = listeners
        self._events = events
        self._clock = clock
        # A NEW order younger than this may still be on its way to the exchange.
        self._new_order_grace_ms = new_order_grace_ms
        self._seen_before: set[tuple[str, str, str]] = set()
        self._seen_now: set[tuple[str, str, str]] = set()
        self._settle_now = False

    async def execute(self, settle_now: bool = False) -> list[Discrepancy]:
        """Run one pass; return what differed (empty when the books agree).

        Orders are settled at once. A position or wallet difference is overwritten
        only when the previous pass saw the very same difference, or with
        `settle_now` (at start, before any stream runs): while streams run, a fill
        can be at the exchange and still on its way to us, and overwriting then
        would count it twice once it arrives.
        """
        now = self._clock.now_ms()
        self._settle_now = settle_now
        self._seen_now = set()
        local = await self._local_open_orders()
        self._venue.track(local)
        at_venue = {o.client_order_id: o for o in await self._venue.fetch_open_orders()}
        found: list[Discrepancy] = []
        for order in local:
            found += await self._order(order, at_venue.pop(order.client_order_id, None), now)
        found += [_stranger(o, now) for o in at_venue.values()]
        found += await self._positions(now)
        found += await self._wallet(now)
        self._seen_before = self._seen_now
        if found:
            await self._log.record(found)
            await self._listeners.publish_discrepancies(found)
            await self._journal(found)
        return found

    async def _journal(self, found: list[Discrepancy]) -> None:
        # Into the event journal and onto the bus, like every other change: StreamEvents
        # subscribers and the outbox see each difference.
        async with self._ledger.lock, self._uow() as uow:
            stored = await uow.events.append_many([discrepancy_found(d) for d in found])
            await uow.commit()
        await self._events.publish(stored)

    def _may_be_in_flight(self, order: Order, now: int) -> bool:
        young = now - order.created_at < self._new_order_grace_ms
        return order.status is OrderStatus.NEW and young and not self._settle_now

    def _confirmed(self, subject: str, local: str, remote: str) -> bool:
        key = (subject, local, remote)
        self._seen_now.add(key)
        return self._settle_now or key in self._seen_before

    # -- orders ----------------------------------------------------------------------------

    async def _local_open_orders(self) -> list[Order]:
        async with self._uow() as uow:
            return await uow.orders.list(OPEN_LOCALLY, None, 100_000)

    async def _order(self, order: Order, seen: VenueOrder | None, now: int) -> list[Discrepancy]:
        venue_order = seen or await self._venue.fetch_order(order)
        if venue_order is None:
            if self._may_be_in_flight(order, now):
                return []  # PlaceOrder may still be sending it
            return await self._unknown_to_exchange(order, now)
        reports = await self._reports(order, venue_order)
        if not reports:
            return []
        await self._ledger.apply(reports)
        after = await self._reload(order)
        kind = (
            DiscrepancyKind.ORDER_FILLS
            if venue_order.filled_quantity != order.filled_quantity
            else DiscrepancyKind.ORDER_STATUS
        )
        return [
            Discrepancy(
                kind,
                order.client_order_id,
                _describe(order),
                _describe_venue(venue_order),
                f"applied {len(reports)} synthetic report(s); now {_describe(after)}",
                now,
            )
        ]

    async def _reports(self, order: Order, venue_order: VenueOrder) -> list[ExecutionReport]:
        cid, eid, ts = order.client_order_id, venue_order.exchange_order_id, venue_order.updated_at
        reports: list[ExecutionReport] = []
        if venue_order.status is OrderStatus.REJECTED:
            return [ExecutionReport(ReportKind.REJECTED, cid, ts, eid, "rejected by the exchange")]
        if order.status is OrderStatus.NEW:
            reports.append(ExecutionReport(ReportKind.ACCEPTED, cid, ts, eid))
        if venue_order.filled_quantity > order.filled_quantity:
            fills = await self._venue.fetch_fills(order, venue_order)
            reports += [ExecutionReport(ReportKind.FILL, cid, f.ts, eid, fill=f) for f in fills]
        final = _FINAL_REPORT.get(venue_order.status)
        if final is not None:
            reports.append(ExecutionReport(final, cid, ts, eid, "found by reconciliation"))
        return reports

    async def _unknown_to_exchange(self, order: Order, now: int) -> list[Discrepancy]:
        # NEW: stored but never sent (a crash in between) — it never existed there.
        kind = ReportKind.REJECTED if order.status is OrderStatus.NEW else ReportKind.EXPIRED
        reason = "unknown to the exchange (found by reconciliation)"
        await self._ledger.apply([ExecutionReport(kind, order.client_order_id, now, None, reason)])
        return [
            Discrepancy(
                DiscrepancyKind.ORDER_UNKNOWN_TO_EXCHANGE,
                order.client_order_id,
                _describe(order),
                "no such order",
                f"marked {kind.value.lower()} locally",
                now,
            )
        ]

    async def _reload(self, order: Order) -> Order:
        async with self._uow() as uow:
            stored = await uow.orders.get(order.order_id)
        return stored if stored is not None else order

    # -- positions and the wallet ---------------------------------------------------------------

    async def _positions(self, now: int) -> list[Discrepancy]:
        theirs = {p.symbol: p for p in await self._venue.fetch_positions()}
        found: list[Discrepancy] = []
        events: list[Event] = []
        async with self._ledger.lock, self._uow() as uow:
            ours = {p.symbol: p for p in await uow.positions.list()}
            for symbol in sorted(set(theirs) | set(ours)):
                local, remote = ours.get(symbol), theirs.get(symbol)
                if _same(local, remote):
                    continue
                ours_text, theirs_text = _describe_position(local), _describe_position(remote)
                action = _WATCHING
                if self._confirmed(symbol, ours_text, theirs_text):
                    corrected = _corrected(local, remote, symbol, now)
                    await uow.positions.save(corrected)
                    events.append(await uow.events.append(position_changed(corrected)))
                    action = "position set to the exchange's"
                found.append(
                    Discrepancy(
                        DiscrepancyKind.POSITION, symbol, ours_text, theirs_text, action, now
                    )
                )
            if events:
                await uow.commit()
                self._ledger.forget()  # written beside the ledger: its book is stale
        if events:
            await self._events.publish(events)
        return found

    async def _wallet(self, now: int) -> list[Discrepancy]:
        theirs = await self._venue.fetch_wallet_balance()
        async with self._ledger.lock, self._uow() as uow:
            account = await uow.accounts.get()
            if account is None or account.wallet_balance == theirs:
                return []
            before = account.wallet_balance
            finding = Discrepancy(
                DiscrepancyKind.BALANCE, account.asset, str(before), str(theirs), _WATCHING, now
            )
            if not self._confirmed(account.asset, str(before), str(theirs)):
                return [finding]
            corrected = Account(account.asset, theirs, now)
            await uow.accounts.save(corrected)
            event = await uow.events.append(balance_changed(corrected))
            await uow.commit()
            self._ledger.forget()  # written beside the ledger: its book is stale
        await self._events.publish([event])
        return [replace(finding, action="wallet balance set to the exchange's")]


def _same(local: Position | None, remote: Position | None) -> bool:
    local_qty = ZERO if local is None else local.quantity
    remote_qty = ZERO if remote is None else remote.quantity
    if local_qty != remote_qty:
        return False
    if local_qty == ZERO or local is None or remote is None:
        return True
    gap = abs(local.entry_price - remote.entry_price)
    return gap <= abs(remote.entry_price) * ENTRY_TOLERANCE


def _corrected(local: Position | None, remote: Position | None, symbol: str, now: int) -> Position:
    if remote is None:
        base = local if local is not None else Position(symbol)
        return replace(base, quantity=ZERO, entry_price=ZERO, updated_at=now)
    if local is None:
        return replace(remote, updated_at=now)
    return replace(
        local,
        quantity=remote.quantity,
        entry_price=remote.entry_price,
        leverage=remote.leverage,
        margin_mode=remote.margin_mode,
        isolated_margin=remote.isolated_margin,
        updated_at=now,
    )


def _stranger(order: VenueOrder, now: int) -> Discrepancy:
    return Discrepancy(
        DiscrepancyKind.ORDER_UNKNOWN_LOCALLY,
        order.client_order_id,
        "no such order",
        _describe_venue(order),
        "left alone: not placed by this service",
        now,
    )


def _describe(order: Order) -> str:
    return f"{order.status.value} filled {order.filled_quantity}/{order.quantity}"


def _describe_venue(order: VenueOrder) -> str:
    return f"{order.status.value} filled {order.filled_quantity}/{order.quantity}"


def _describe_position(position: Position | None) -> str:
    if position is None or position.is_flat:
        return "flat"
    return f"{position.quantity} @ {position.entry_price}"
