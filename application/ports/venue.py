"""The exchange port: where orders go and execution reports come from."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from domain.fill import Fill
from domain.instrument import Instrument
from domain.order import Order


class ReportKind(StrEnum):
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    FILL = "FILL"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"


@dataclass(frozen=True, slots=True)
class ExecutionReport:
    """What a venue says happened to one of our orders, keyed by client order id."""

    kind: ReportKind
    client_order_id: str
    ts: int
    exchange_order_id: str | None = None
    reason: str | None = None
    fill: Fill | None = None


@dataclass(frozen=True, slots=True)
class FundingPayment:
    """One funding settlement on a position: `amount` > 0 received, < 0 paid."""

    symbol: str
    rate: Decimal
    mark_price: Decimal
    position_quantity: Decimal
    amount: Decimal
    ts: int


VenueEvent = ExecutionReport | FundingPayment
VenueEventHandler = Callable[[VenueEvent], Awaitable[None]]


class ExchangeError(Exception):
    """The venue could not be reached or answered with a failure we cannot map."""


class Exchange(Protocol):
    """A trading venue: the simulated exchange, Binance, or a test fake."""

    @property
    def venue(self) -> str: ...

    async def load_instruments(self) -> Sequence[Instrument]:
        """Return every instrument the venue trades."""
        ...

    async def submit_order(self, order: Order) -> Sequence[ExecutionReport]:
        """Send a NEW order; return the reports known by the time the venue answered."""
        ...

    async def cancel_order(self, order: Order) -> Sequence[ExecutionReport]:
        """Ask the venue to cancel; return the resulting reports."""
        ...

    def subscribe(self, handler: VenueEventHandler) -> None:
        """Deliver reports and funding payments that happen later (resting fills, expiry)."""
        ...
