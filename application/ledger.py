"""The ledger: the one writer of orders, fills, positions and the wallet.

Every change is made in one unit of work together with the events that describe
it, and the events are published only after the commit, so a subscriber never
sees a change that was rolled back. A lock serialises writers; it is never held
while a venue is being called.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from application import telemetry
from application.events import (
    Event,
    balance_changed,
    fill_recorded,
    funding_settled,
    order_updated,
    position_changed,
)
from application.ports.events import EventPublisher
from application.ports.storage import UnitOfWork
from application.ports.venue import ExecutionReport, FundingPayment, ReportKind, VenueEvent
from application.telemetry import Span
from domain.account import Account
from domain.errors import PreconditionFailed
from domain.order import OPEN_STATUSES, Order, OrderStatus, OrderType, TimeInForce
from domain.position import MarginMode, Position

UnitOfWorkFactory = Callable[[], UnitOfWork]
T = TypeVar("T")
_UNFILLABLE = (OrderStatus.FILLED, OrderStatus.REJECTED)


class PositionDefaults:
    """Leverage and margin mode a symbol's position opens with."""

    def __init__(
        self,
        leverage: int = 10,
        margin_mode: MarginMode = MarginMode.CROSS,
        per_symbol: dict[str, int] | None = None,
    ) -> None:
        self.leverage = leverage
        self.margin_mode = margin_mode
        self._per_symbol = per_symbol or {}

    def leverage_for(self, symbol: str) -> int:
        return self._per_symbol.get(symbol, self.leverage)

    def new_position(self, symbol: str) -> Position:
        leverage = self.leverage_for(symbol)
        return Position(symbol=symbol, leverage=leverage, margin_mode=self.margin_mode)


class _Book:
    """What the ledger last committed, kept in memory so the order path reads nothing.

    Only the ledger writes these tables, so after a commit the cache is exact; after
    a failed transaction it is dropped whole and reloaded on demand.
    """

    ORDERS_KEPT = 20_000

    def __init__(self) -> None:
        self.account: Account | None = None
        self.positions: dict[str, Position] = {}
        self.orders: OrderedDict[str, Order] = OrderedDict()
        # Every order that can still trade, never evicted; None until loaded whole.
        self.open: dict[str, Order] | None = None
        self.loaded = False

    def remember(self, order: Order) -> None:
        self.orders[order.client_order_id] = order
        self.orders.move_to_end(order.client_order_id)
        while len(self.orders) > self.ORDERS_KEPT:
            self.orders.popitem(last=False)
        if self.open is not None:
            if order.status.is_final:
                self.open.pop(order.client_order_id, None)
            else:
                self.open[order.client_order_id] = order


@dataclass(frozen=True, slots=True)
class BookSnapshot:
    """Copies of the wallet, every position and every open order as last committed."""

    account: Account | None
    positions: tuple[Position, ...]
    open_orders: tuple[Order, ...]


class _Changes:
    """The objects one transaction touched, written once each at commit."""

    def __init__(self) -> None:
        self.new_orders: list[Order] = []
        self.orders: dict[str, Order] = {}
        self.positions: dict[str, Position] = {}
        self.account: Account | None = None
        self.events: list[Event] = []


class _Job:
    """One caller's work for the next flush: a new order, or venue events to apply."""

    def __init__(
        self, order: Order | None = None, venue_events: list[VenueEvent] | None = None
    ) -> None:
        self.order = order
        self.venue_events = venue_events or []
        self.context: object = None
        self.result: Order | None = None
        self.error: Exception | None = None
        self.done = False

    def fail(self, error: Exception) -> None:
        self.error = error
        self.done = True


class Ledger:
    """Apply venue events and new orders to storage, then publish what changed."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        publisher: EventPublisher,
        defaults: PositionDefaults,
        asset: str = "USDT",
    ) -> None:
        self._uow = uow
        self._publisher = publisher
        self._defaults = defaults
        self._asset = asset
        self._book = _Book()
        self._queue: list[_Job] = []
        self._flushing: asyncio.Future[None] | None = None
        self.lock = asyncio.Lock()
        # Held by PlaceOrder from its pre-trade checks until the NEW order is stored.
        self.admission = asyncio.Lock()

    async def open_account(self, starting_balance: Decimal, at: int) -> Account:
        """Create the wallet on first start; leave an existing one as it is."""
        async with self.lock, self._uow() as uow:
            account = await uow.accounts.get()
            if account is None:
                account = Account(self._asset, starting_balance, at)
                await uow.accounts.save(account)
                await uow.commit()
            self._book.account = account
            return copy.copy(account)

    async def record_new(self, order: Order) -> Order:
        """Store a NEW (or already rejected) order, unless its client id exists.

        Returns the stored order: the existing one when the client order id was
        seen before, so one client order id never makes two orders.
        """
        job = _Job(order=order)
        await self._run(job)
        assert job.result is not None
        return job.result

    async def order(self, client_order_id: str) -> Order | None:
        """Return the current state of an order by client order id (a copy)."""
        async with self.lock:
            known = self._book.orders.get(client_order_id)
            if known is None:
                async with self._uow() as uow:
                    known = await uow.orders.get_by_client_id(client_order_id)
                if known is None:
                    return None
                self._book.remember(known)
            return copy.copy(known)

    async def snapshot(self) -> BookSnapshot:
        """Return the book as last committed, from memory (loaded once from storage)."""
        async with self.lock:
            if not self._book.loaded:
                await self._guarded(self._load_book())
            book = self._book
            assert book.open is not None
            return BookSnapshot(
                account=copy.copy(book.account) if book.account else None,
                positions=tuple(copy.copy(p) for p in book.positions.values()),
                open_orders=tuple(copy.copy(o) for o in book.open.values()),
            )

    async def _load_book(self) -> None:
        async with self._uow() as uow:
            account = await uow.accounts.get()
            positions = await uow.positions.list()
            open_orders = await uow.orders.list(OPEN_STATUSES, None, 1_000_000)
        book = self._book
        book.account = book.account or account
        for position in positions:
            book.positions.setdefault(position.symbol, position)
        book.open = {}
        for order in open_orders:
            book.remember(book.orders.get(order.client_order_id, order))
        book.loaded = True

    async def apply(self, events: Iterable[VenueEvent]) -> None:
        """Apply venue events in order, in one transaction, then publish what changed."""
        venue_events = list(events)
        if venue_events:
            await self._run(_Job(venue_events=venue_events))

    def forget(self) -> None:
        """Drop the in-memory book; call after writing these tables outside the ledger."""
        self._book = _Book()

    async def _guarded(self, work: Awaitable[T]) -> T:
        try:
            return await work
        except BaseException:
            # Cached objects may hold changes that were rolled back: forget them all.
            self._book = _Book()
            raise

    # -- group commit ----------------------------------------------------------------------
    # A caller that finds nothing running commits its own work inline. Callers that arrive
    # while a transaction is running queue theirs; the next flush takes everything queued
    # and commits it in ONE transaction, then publishes the events in order. That queued
    # flush runs as its own task, shielded from the callers' cancellation; an inline one
    # that is cancelled rolls back and drops the book. Either way no two transactions of
    # the ledger ever overlap.

    async def _run(self, job: _Job) -> None:
        if self._flushing is None and not self._queue:
            await self._flush_inline(job)  # nobody to batch with: no task, no extra turns
        else:
            job.context = telemetry.capture()
            self._queue.append(job)
        while not job.done:
            if self._flushing is None:
                self._flushing = asyncio.ensure_future(self._flush_queued())
            with contextlib.suppress(Exception):
                await asyncio.shield(self._flushing)
        if job.error is not None:
            raise job.error

    async def _flush_inline(self, job: _Job) -> None:
        running: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._flushing = running  # callers arriving now queue behind this transaction
        try:
            await self._flush([job])
        finally:
            self._flushing = None
            running.set_result(None)

    async def _flush_queued(self) -> None:
        try:
            await asyncio.sleep(0)  # let callers already on their way join this batch
            batch, self._queue = self._queue, []
            if batch:
                await self._flush(batch)
        finally:
            self._flushing = None

    async def _flush(self, batch: list[_Job]) -> None:
        async with self.lock:
            try:
                stored = await self._commit(batch)
            except Exception as error:
                # Cached objects may hold changes that were rolled back: forget them all.
                self._book = _Book()
                failure: Exception | None = error
            except BaseException:
                self._book = _Book()  # cancelled mid-transaction: rolled back, forget too
                raise
            else:
                failure = None
        if failure is not None:
            if len(batch) == 1:
                batch[0].fail(failure)
                return
            for job in batch:  # each job alone, so one bad job fails by itself
                await self._flush([job])
            return
        if stored:
            await self._publisher.publish(stored)
        for job in batch:
            job.done = True

    async def _commit(self, batch: list[_Job]) -> list[Event]:
        changes = _Changes()
        async with self._uow() as uow:
            for job in batch:
                with telemetry.attached(job.context):
                    if job.order is not None:
                        job.result = await self._stage_new(uow, changes, job.order)
                    for venue_event in job.venue_events:
                        with _venue_span(venue_event):
                            if isinstance(venue_event, FundingPayment):
                                await self._settle_funding(uow, changes, venue_event)
                            else:
                                await self._apply_report(uow, changes, venue_event)
            if not changes.events:
                return []
            with telemetry.span("ledger.persist", changes=len(changes.events)):
                stored = await self._write(uow, changes)
                await uow.commit()
        for order in [*changes.new_orders, *changes.orders.values()]:
            self._book.remember(order)
        return stored

    async def _stage_new(self, uow: UnitOfWork, changes: _Changes, order: Order) -> Order:
        known = self._book.orders.get(order.client_order_id)
        if known is not None:
            return copy.copy(known)
        try:
            await uow.orders.add(order)
        except PreconditionFailed:
            existing = await uow.orders.get_by_client_id(order.client_order_id)
            if existing is None:
                raise
            self._book.remember(existing)
            return copy.copy(existing)
        changes.new_orders.append(copy.copy(order))
        changes.events.append(order_updated(order))
        return order

    async def _write(self, uow: UnitOfWork, changes: _Changes) -> list[Event]:
        for order in changes.orders.values():
            await uow.orders.update(order)
        for position in changes.positions.values():
            await uow.positions.save(position)
        if changes.account is not None:
            await uow.accounts.save(changes.account)
        return await uow.events.append_many(changes.events)

    async def _apply_report(
        self, uow: UnitOfWork, changes: _Changes, report: ExecutionReport
    ) -> None:
        order = await self._order(uow, report.client_order_id)
        if order is None and _venue_originated(report):
            order = await self._adopt(uow, changes, report)
        if order is None:
            return  # not ours (or not yet known): reconciliation deals with strangers
        if report.kind is ReportKind.FILL:
            await self._apply_fill(uow, changes, order, report)
        elif _status_change(order, report):
            changes.orders[order.client_order_id] = order
            changes.events.append(order_updated(order))

    async def _adopt(self, uow: UnitOfWork, changes: _Changes, report: ExecutionReport) -> Order:
        # The venue closed our position itself (liquidation, ADL): record the order it
        # made, so the fill moves our position and wallet exactly as it moved the venue's.
        fill = report.fill
        assert fill is not None
        order = Order(
            order_id=report.client_order_id,
            client_order_id=report.client_order_id,
            symbol=fill.symbol,
            side=fill.side,
            type=OrderType.MARKET,
            quantity=fill.quantity,
            price=None,
            stop_price=None,
            time_in_force=TimeInForce.IOC,
            reduce_only=True,
            created_at=report.ts,
            updated_at=report.ts,
        )
        await uow.orders.add(order)
        changes.new_orders.append(order)
        changes.events.append(order_updated(order))
        self._book.remember(order)
        return order

    async def _apply_fill(
        self, uow: UnitOfWork, changes: _Changes, order: Order, report: ExecutionReport
    ) -> None:
        fill = report.fill
        if fill is None or fill.quantity > order.remaining or order.status in _UNFILLABLE:
            return  # not applicable to this order: reconciliation settles it
        if not await uow.fills.add(fill):
            return  # a fill seen before: applying it twice would double the position
        if order.status is OrderStatus.NEW:
            order.accept(report.exchange_order_id or "", report.ts)
        if report.exchange_order_id and not order.exchange_order_id:
            order.exchange_order_id = report.exchange_order_id
        if order.status.is_final:
            order.record_late_fill(fill.quantity, fill.price, fill.fee, fill.ts)
        else:
            order.record_fill(fill.quantity, fill.price, fill.fee, fill.ts)
        changes.orders[order.client_order_id] = order
        with telemetry.span("position.update", symbol=fill.symbol) as span:
            position = await self._position(uow, fill.symbol)
            realized = position.apply_fill(fill)
            changes.positions[position.symbol] = position
            span.set_attributes(
                telemetry.attributes(
                    {"position.quantity": position.quantity, "realized_pnl": realized}
                )
            )
        account = await self._account(uow)
        account.credit(realized - fill.fee, fill.ts)
        changes.account = account
        changes.events += [
            order_updated(order),
            fill_recorded(fill),
            position_changed(position),
            balance_changed(account),
        ]

    async def _settle_funding(
        self, uow: UnitOfWork, changes: _Changes, payment: FundingPayment
    ) -> None:
        position = await self._position(uow, payment.symbol)
        if position.is_flat:
            return
        if payment.amount:
            # The venue's own figure is the one that hit the wallet (Binance rounds it).
            amount = position.record_funding(payment.amount, payment.ts)
        else:
            amount = position.apply_funding(payment.rate, payment.mark_price, payment.ts)
        changes.positions[position.symbol] = position
        account = await self._account(uow)
        account.credit(amount, payment.ts)
        changes.account = account
        settled = FundingPayment(
            payment.symbol,
            payment.rate,
            payment.mark_price,
            position.quantity,
            amount,
            payment.ts,
        )
        changes.events += [
            funding_settled(settled),
            position_changed(position),
            balance_changed(account),
        ]

    async def _order(self, uow: UnitOfWork, client_order_id: str) -> Order | None:
        order = self._book.orders.get(client_order_id)
        if order is None:
            order = await uow.orders.get_by_client_id(client_order_id)
            if order is not None:
                self._book.remember(order)
        return order

    async def _position(self, uow: UnitOfWork, symbol: str) -> Position:
        position = self._book.positions.get(symbol)
        if position is None:
            position = await uow.positions.get(symbol) or self._defaults.new_position(symbol)
            self._book.positions[symbol] = position
        return position

    async def _account(self, uow: UnitOfWork) -> Account:
        if self._book.account is None:
            self._book.account = await uow.accounts.get()
        if self._book.account is None:
            raise RuntimeError("the account was never opened")
        return self._book.account


def _venue_span(event: VenueEvent) -> AbstractContextManager[Span]:
    # A report joins the trace of the order it is about, even when it arrives later
    # from the venue's subscription; a fill gets its own span.
    if isinstance(event, FundingPayment):
        return telemetry.span("funding.settle", symbol=event.symbol, rate=event.rate)
    parent, links = telemetry.ORDER_TRACES.parent_for(event.client_order_id)
    fill = event.fill
    values: dict[str, object] = {
        "client_order_id": event.client_order_id,
        "exchange_order_id": event.exchange_order_id,
        "report": event.kind,
        "reason": event.reason,
    }
    if fill is not None:
        values |= {
            "symbol": fill.symbol,
            "side": fill.side,
            "quantity": fill.quantity,
            "price": fill.price,
            "fill_id": fill.fill_id,
        }
    name = "order.fill" if event.kind is ReportKind.FILL else "order.report"
    return telemetry.span(name, values, parent=parent, links=links)


_VENUE_REASONS = frozenset({"liquidation", "adl"})


def _venue_originated(report: ExecutionReport) -> bool:
    """Tell whether a report is a fill of an order the venue made on its own."""
    return (
        report.kind is ReportKind.FILL
        and report.fill is not None
        and (report.reason or "").lower() in _VENUE_REASONS
    )


def _status_change(order: Order, report: ExecutionReport) -> bool:
    """Apply a non-fill report; return False when it changes nothing (a replay)."""
    if order.status.is_final:
        return False
    if report.kind is ReportKind.ACCEPTED:
        if order.status is not OrderStatus.NEW:
            return False
        order.accept(report.exchange_order_id or "", report.ts)
        return True
    if report.kind is ReportKind.REJECTED:
        if order.status is not OrderStatus.NEW:
            return False
        order.reject(report.reason or "rejected by the venue", report.ts)
        return True
    if order.status is OrderStatus.NEW:
        order.accept(report.exchange_order_id or "", report.ts)
    target = OrderStatus.CANCELED if report.kind is ReportKind.CANCELED else OrderStatus.EXPIRED
    order.transition(target, report.ts)
    if report.reason:
        order.reject_reason = report.reason
    return True
