"""An in-memory fake of the storage ports with the database's transaction semantics.

Changes made in a unit of work are visible to it at once and to everyone else
only after `commit()`; leaving without a commit discards them. Objects go in
and come out as copies, as they would through a database. Like the SQL
adapters, a unit of work reads what is committed when it reads (read committed).
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
from collections.abc import Sequence
from types import TracebackType
from typing import Self

from application.events import Event
from application.ports.storage import (
    AccountRepository,
    EventJournal,
    FillRepository,
    OrderRepository,
    PositionRepository,
    UnitOfWork,
)
from domain.account import Account
from domain.errors import NotFound, PreconditionFailed
from domain.fill import Fill
from domain.order import Order, OrderStatus
from domain.position import Position


@dataclasses.dataclass
class _Rows:
    """One set of rows: the committed state, or what a unit of work changed."""

    orders: dict[str, tuple[int, Order]] = dataclasses.field(default_factory=dict)
    client_ids: dict[str, str] = dataclasses.field(default_factory=dict)
    fills: dict[str, tuple[int, Fill]] = dataclasses.field(default_factory=dict)
    positions: dict[str, Position] = dataclasses.field(default_factory=dict)
    account: Account | None = None
    events: list[Event] = dataclasses.field(default_factory=list)

    def merge(self, changes: _Rows) -> None:
        self.orders.update(changes.orders)
        self.client_ids.update(changes.client_ids)
        self.fills.update(changes.fills)
        self.positions.update(changes.positions)
        if changes.account is not None:
            self.account = changes.account
        self.events.extend(changes.events)


class InMemoryStore:
    """The committed state that every InMemoryUnitOfWork reads and commits to."""

    def __init__(self) -> None:
        self.committed = _Rows()
        self.commits = 0
        self._ranks = itertools.count(1)
        self._sequences = itertools.count(1)

    def unit_of_work(self) -> UnitOfWork:
        """Return a new unit of work: pass `store.unit_of_work` as the factory."""
        return InMemoryUnitOfWork(self)

    def next_rank(self) -> int:
        return next(self._ranks)

    def next_sequence(self) -> int:
        # Like a database sequence, a number handed out is never reused, even on rollback.
        return next(self._sequences)


class InMemoryUnitOfWork:
    """UnitOfWork over an InMemoryStore."""

    orders: OrderRepository
    fills: FillRepository
    positions: PositionRepository
    accounts: AccountRepository
    events: EventJournal

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self._changes = _Rows()

    async def __aenter__(self) -> Self:
        self._changes = _Rows()
        self.orders = InMemoryOrderRepository(self._store, self._changes)
        self.fills = InMemoryFillRepository(self._store, self._changes)
        self.positions = InMemoryPositionRepository(self._store, self._changes)
        self.accounts = InMemoryAccountRepository(self._store, self._changes)
        self.events = InMemoryEventJournal(self._store, self._changes)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""
        _clear(self._changes)

    async def commit(self) -> None:
        self._store.committed.merge(self._changes)
        self._store.commits += 1
        _clear(self._changes)


def _clear(rows: _Rows) -> None:
    # Cleared in place: the repositories hold this very object.
    rows.orders.clear()
    rows.client_ids.clear()
    rows.fills.clear()
    rows.positions.clear()
    rows.account = None
    rows.events.clear()


class _Repository:
    def __init__(self, store: InMemoryStore, changes: _Rows) -> None:
        self._store = store
        self._committed = store.committed
        self._changes = changes


class InMemoryOrderRepository(_Repository):
    """OrderRepository: unique by order id and by client order id."""

    async def add(self, order: Order) -> None:
        if self._find(order.order_id) is not None or self._by_client(order.client_order_id):
            raise PreconditionFailed(
                f"order {order.order_id!r} or client order id "
                f"{order.client_order_id!r} already exists"
            )
        self._changes.orders[order.order_id] = (self._store.next_rank(), copy.copy(order))
        self._changes.client_ids[order.client_order_id] = order.order_id

    async def update(self, order: Order) -> None:
        found = self._find(order.order_id)
        if found is None:
            raise NotFound("order", order.order_id)
        self._changes.orders[order.order_id] = (found[0], copy.copy(order))

    async def get(self, order_id: str) -> Order | None:
        found = self._find(order_id)
        return None if found is None else copy.copy(found[1])

    async def get_by_client_id(self, client_order_id: str) -> Order | None:
        order_id = self._by_client(client_order_id)
        return None if order_id is None else await self.get(order_id)

    def _find(self, order_id: str) -> tuple[int, Order] | None:
        return self._changes.orders.get(order_id) or self._committed.orders.get(order_id)

    def _by_client(self, client_order_id: str) -> str | None:
        return self._changes.client_ids.get(client_order_id) or self._committed.client_ids.get(
            client_order_id
        )

    async def list(
        self,
        statuses: Sequence[OrderStatus] = (),
        symbol: str | None = None,
        limit: int = 100,
    ) -> list[Order]:
        """Return orders, newest first."""
        rows = {**self._committed.orders, **self._changes.orders}.values()
        chosen = [
            (rank, order)
            for rank, order in rows
            if (not statuses or order.status in statuses)
            and (symbol is None or order.symbol == symbol)
        ]
        chosen.sort(key=lambda row: (row[1].created_at, row[0]), reverse=True)
        return [copy.copy(order) for _, order in chosen[:limit]]


class InMemoryFillRepository(_Repository):
    """FillRepository: a fill id is stored once."""

    async def add(self, fill: Fill) -> bool:
        """Store a fill; return False when its fill_id is already stored."""
        if fill.fill_id in self._changes.fills or fill.fill_id in self._committed.fills:
            return False
        self._changes.fills[fill.fill_id] = (self._store.next_rank(), fill)
        return True

    async def list(self, order_id: str | None = None, limit: int = 100) -> list[Fill]:
        """Return fills, newest first, of one order or of all."""
        rows = {**self._committed.fills, **self._changes.fills}.values()
        chosen = [row for row in rows if order_id is None or row[1].order_id == order_id]
        chosen.sort(key=lambda row: (row[1].ts, row[0]), reverse=True)
        return [fill for _, fill in chosen[:limit]]


class InMemoryPositionRepository(_Repository):
    """PositionRepository: one position per symbol."""

    async def get(self, symbol: str) -> Position | None:
        found = self._changes.positions.get(symbol) or self._committed.positions.get(symbol)
        return None if found is None else copy.copy(found)

    async def save(self, position: Position) -> None:
        self._changes.positions[position.symbol] = copy.copy(position)

    async def list(self) -> list[Position]:
        """Return every position, by symbol."""
        merged = {**self._committed.positions, **self._changes.positions}
        return [copy.copy(merged[symbol]) for symbol in sorted(merged)]


class InMemoryAccountRepository(_Repository):
    """AccountRepository: the single wallet."""

    async def get(self) -> Account | None:
        found = self._changes.account or self._committed.account
        return None if found is None else copy.copy(found)

    async def save(self, account: Account) -> None:
        self._changes.account = copy.copy(account)


class InMemoryEventJournal(_Repository):
    """EventJournal: events numbered from 1 in the order they were appended."""

    async def append(self, event: Event) -> Event:
        """Store an event; return it with its sequence number set."""
        stored = _snapshot(event).stored_as(self._store.next_sequence())
        self._changes.events.append(stored)
        return _snapshot(stored)

    async def append_many(self, events: Sequence[Event]) -> list[Event]:
        return [await self.append(event) for event in events]

    async def after(self, sequence: int, limit: int = 1000) -> list[Event]:
        """Return stored events with a sequence above `sequence`, oldest first."""
        events = [e for e in self._all() if e.sequence > sequence]
        events.sort(key=lambda event: event.sequence)
        return [_snapshot(event) for event in events[:limit]]

    async def last_sequence(self) -> int:
        return max((event.sequence for event in self._all()), default=0)

    def _all(self) -> list[Event]:
        return self._committed.events + self._changes.events


def _snapshot(event: Event) -> Event:
    return dataclasses.replace(event, subject=copy.copy(event.subject))
