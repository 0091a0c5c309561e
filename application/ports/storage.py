"""Repositories and the unit of work that commits them together."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Protocol, Self

from application.events import Event
from domain.account import Account
from domain.fill import Fill
from domain.order import Order, OrderStatus
from domain.position import Position


class StorageUnavailable(Exception):
    """The database cannot be reached."""


class OrderRepository(Protocol):
    async def add(self, order: Order) -> None: ...

    async def update(self, order: Order) -> None: ...

    async def get(self, order_id: str) -> Order | None: ...

    async def get_by_client_id(self, client_order_id: str) -> Order | None: ...

    async def list(
        self,
        statuses: Sequence[OrderStatus] = (),
        symbol: str | None = None,
        limit: int = 100,
    ) -> list[Order]:
        """Return orders, newest first."""
        ...


class FillRepository(Protocol):
    async def add(self, fill: Fill) -> bool:
        """Store a fill; return False when its fill_id is already stored."""
        ...

    async def list(self, order_id: str | None = None, limit: int = 100) -> list[Fill]: ...


class PositionRepository(Protocol):
    async def get(self, symbol: str) -> Position | None: ...

    async def save(self, position: Position) -> None: ...

    async def list(self) -> list[Position]: ...


class AccountRepository(Protocol):
    async def get(self) -> Account | None: ...

    async def save(self, account: Account) -> None: ...


class EventJournal(Protocol):
    async def append(self, event: Event) -> Event:
        """Store an event; return it with its sequence number set."""
        ...

    async def append_many(self, events: Sequence[Event]) -> list[Event]:
        """Store events in order in one round trip; return them with their sequences."""
        ...

    async def after(self, sequence: int, limit: int = 1000) -> list[Event]:
        """Return stored events with a sequence above `sequence`, oldest first."""
        ...

    async def last_sequence(self) -> int: ...


class UnitOfWork(Protocol):
    """One database transaction over every repository."""

    orders: OrderRepository
    fills: FillRepository
    positions: PositionRepository
    accounts: AccountRepository
    events: EventJournal

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""
        ...

    async def commit(self) -> None: ...
