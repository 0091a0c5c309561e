"""The ledger: the one writer of orders, fills, positions and the wallet.

Every change is made in one unit of work together with the events that describe
it, and the events are published only after the commit, so a subscriber never
sees a change that was rolled back. A lock serialises writers; it is never held
while a venue is being called.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from decimal import Decimal

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
from application.telemetry import Span, order_attributes
from domain.account import Account
from domain.order import Order, OrderStatus
from domain.position import MarginMode, Position

UnitOfWorkFactory = Callable[[], UnitOfWork]
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
        self.lock = asyncio.Lock()

    async def open_account(self, starting_balance: Decimal, at: int) -> Account:
        """Create the wallet on first start; leave an existing one as it is."""
        async with self.lock, self._uow() as uow:
            account = await uow.accounts.get()
            if account is None:
                account = Account(self._asset, starting_balance, at)
                await uow.accounts.save(account)
                await uow.commit()
            return account

    async def record_new(self, order: Order) -> Order:
        """Store a NEW (or already rejected) order, unless its client id exists.

        Returns the stored order: the existing one when the client order id was
        seen before, so one client order id never makes two orders.
        """
        async with self.lock:
            with telemetry.span("ledger.persist", order_attributes(order), change="order.new"):
                async with self._uow() as uow:
                    existing = await uow.orders.get_by_client_id(order.client_order_id)
                    if existing is not None:
                        return existing
                    await uow.orders.add(order)
                    event = await uow.events.append(order_updated(order))
                    await uow.commit()
            await self._publisher.publish([event])
            return order

    async def apply(self, events: Iterable[VenueEvent]) -> None:
        """Apply venue events in order, each in its own transaction."""
        for venue_event in events:
            with _venue_span(venue_event):
                async with self.lock:
                    published = await self._apply_one(venue_event)
                if published:
                    await self._publisher.publish(published)

    async def _apply_one(self, venue_event: VenueEvent) -> list[Event]:
        async with self._uow() as uow:
            if isinstance(venue_event, FundingPayment):
                changes = await self._settle_funding(uow, venue_event)
            else:
                changes = await self._apply_report(uow, venue_event)
            if not changes:
                return []
            with telemetry.span("ledger.persist", changes=len(changes)):
                stored = [await uow.events.append(change) for change in changes]
                await uow.commit()
        return stored

    async def _apply_report(self, uow: UnitOfWork, report: ExecutionReport) -> list[Event]:
        order = await uow.orders.get_by_client_id(report.client_order_id)
        if order is None:
            # Not ours (or not yet known): reconciliation deals with strangers.
            return []
        if report.kind is ReportKind.FILL:
            return await self._apply_fill(uow, order, report)
        if not _status_change(order, report):
            return []
        await uow.orders.update(order)
        return [order_updated(order)]

    async def _apply_fill(
        self, uow: UnitOfWork, order: Order, report: ExecutionReport
    ) -> list[Event]:
        fill = report.fill
        if fill is None or fill.quantity > order.remaining or order.status in _UNFILLABLE:
            return []  # not applicable to this order: reconciliation settles it
        if not await uow.fills.add(fill):
            return []  # a fill seen before: applying it twice would double the position
        if order.status is OrderStatus.NEW:
            order.accept(report.exchange_order_id or "", report.ts)
        if report.exchange_order_id and not order.exchange_order_id:
            order.exchange_order_id = report.exchange_order_id
        if order.status.is_final:
            order.record_late_fill(fill.quantity, fill.price, fill.fee, fill.ts)
        else:
            order.record_fill(fill.quantity, fill.price, fill.fee, fill.ts)
        await uow.orders.update(order)
        with telemetry.span("position.update", symbol=fill.symbol) as span:
            position = await self._position(uow, fill.symbol)
            realized = position.apply_fill(fill)
            await uow.positions.save(position)
            span.set_attributes(
                telemetry.attributes(
                    {"position.quantity": position.quantity, "realized_pnl": realized}
                )
            )
        account = await self._account(uow)
        account.credit(realized - fill.fee, fill.ts)
        await uow.accounts.save(account)
        return [
            order_updated(order),
            fill_recorded(fill),
            position_changed(position),
            balance_changed(account),
        ]

    async def _settle_funding(self, uow: UnitOfWork, payment: FundingPayment) -> list[Event]:
        position = await self._position(uow, payment.symbol)
        if position.is_flat:
            return []
        amount = position.apply_funding(payment.rate, payment.mark_price, payment.ts)
        await uow.positions.save(position)
        account = await self._account(uow)
        account.credit(amount, payment.ts)
        await uow.accounts.save(account)
        settled = FundingPayment(
            payment.symbol,
            payment.rate,
            payment.mark_price,
            position.quantity,
            amount,
            payment.ts,
        )
        return [funding_settled(settled), position_changed(position), balance_changed(account)]

    async def _position(self, uow: UnitOfWork, symbol: str) -> Position:
        position = await uow.positions.get(symbol)
        return position if position is not None else self._defaults.new_position(symbol)

    async def _account(self, uow: UnitOfWork) -> Account:
        account = await uow.accounts.get()
        if account is None:
            raise RuntimeError("the account was never opened")
        return account


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
