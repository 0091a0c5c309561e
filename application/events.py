"""Events the application records and publishes: past tense, immutable snapshots."""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from enum import StrEnum

from application.ports.reconciliation import Discrepancy
from application.ports.venue import FundingPayment
from application.telemetry import traceparent
from domain.account import Account
from domain.fill import Fill
from domain.order import Order
from domain.position import Position


class EventKind(StrEnum):
    ORDER_UPDATED = "order.updated"
    FILL_RECORDED = "fill.recorded"
    POSITION_CHANGED = "position.changed"
    FUNDING_SETTLED = "funding.settled"
    BALANCE_CHANGED = "balance.changed"
    DISCREPANCY_FOUND = "reconciliation.discrepancy"


Subject = Order | Fill | Position | FundingPayment | Account | Discrepancy


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened to an order, a position or the wallet.

    `subject` is a snapshot taken when the event was made, never a live object.
    `sequence` is 0 until the journal stores the event.
    `trace` is the W3C traceparent of the span that made it (None outside a trace):
    a bus carries it as a message header so subscribers continue the same trace.
    """

    kind: EventKind
    ts: int
    subject: Subject
    sequence: int = 0
    trace: str | None = None

    def stored_as(self, sequence: int) -> Event:
        return replace(self, sequence=sequence)


def order_updated(order: Order) -> Event:
    return Event(EventKind.ORDER_UPDATED, order.updated_at, copy.copy(order), trace=traceparent())


def fill_recorded(fill: Fill) -> Event:
    return Event(EventKind.FILL_RECORDED, fill.ts, fill, trace=traceparent())


def position_changed(position: Position) -> Event:
    return Event(
        EventKind.POSITION_CHANGED, position.updated_at, copy.copy(position), trace=traceparent()
    )


def funding_settled(payment: FundingPayment) -> Event:
    return Event(EventKind.FUNDING_SETTLED, payment.ts, payment, trace=traceparent())


def balance_changed(account: Account) -> Event:
    return Event(
        EventKind.BALANCE_CHANGED, account.updated_at, copy.copy(account), trace=traceparent()
    )


def discrepancy_found(discrepancy: Discrepancy) -> Event:
    return Event(EventKind.DISCREPANCY_FOUND, discrepancy.ts, discrepancy, trace=traceparent())
