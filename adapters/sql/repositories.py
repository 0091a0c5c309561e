"""The storage ports over one SQLAlchemy AsyncConnection, for SQLite and PostgreSQL alike.

The only per-dialect statements are the upserts (INSERT ... ON CONFLICT); everything
else is one Core statement built once and reused, so SQLAlchemy compiles it once.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from enum import Enum
from functools import cache
from typing import Any, Generic, TypeVar, get_type_hints

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, Row
from sqlalchemy.exc import DBAPIError, PendingRollbackError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable

from adapters.sql import codec
from adapters.sql.tables import ACCOUNT_ID, accounts, events, fills, orders, positions
from application.events import Event
from application.ports.storage import StorageUnavailable
from domain.account import Account
from domain.errors import NotFound, PreconditionFailed
from domain.fill import Fill
from domain.order import Order, OrderStatus
from domain.position import Position

T = TypeVar("T")


def is_unavailable(exc: BaseException) -> bool:
    """Tell whether `exc` means the database is out of reach rather than a bad statement."""
    if isinstance(exc, OSError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


class Executor:
    """One connection whose lost-connection errors surface as StorageUnavailable."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def execute(
        self, statement: Executable, params: dict[str, Any] | list[dict[str, Any]] | None = None
    ) -> CursorResult[Any]:
        try:
            return await self.connection.execute(statement, params)
        except PendingRollbackError as exc:
            # The connection broke earlier in this transaction: the database is gone.
            raise StorageUnavailable(f"the database connection was lost: {exc}") from exc
        except (DBAPIError, OSError) as exc:
            if is_unavailable(exc):
                raise StorageUnavailable(f"the database connection was lost: {exc}") from exc
            raise

    async def commit(self) -> None:
        try:
            await self.connection.commit()
        except (DBAPIError, OSError) as exc:
            if is_unavailable(exc):
                raise StorageUnavailable(f"the database connection was lost: {exc}") from exc
            raise


class _Mapper(Generic[T]):
    """A dataclass to and from a row whose columns carry its field names."""

    def __init__(self, cls: type[T], table: sa.Table) -> None:
        hints = get_type_hints(cls)
        names = [field.name for field in dataclasses.fields(cls)]  # type: ignore[arg-type]
        self._cls = cls
        self._names = names
        self._enums = [
            (index, name, hints[name])
            for index, name in enumerate(names)
            if isinstance(hints[name], type) and issubclass(hints[name], Enum)
        ]
        self.columns = [table.c[name] for name in names]

    def row(self, obj: T) -> dict[str, Any]:
        values = {name: getattr(obj, name) for name in self._names}
        for _, name, _ in self._enums:
            values[name] = values[name].value
        return values

    def load(self, row: Row[Any]) -> T:
        values = list(row)
        for index, _, enum in self._enums:
            values[index] = enum(values[index])
        return self._cls(*values)


_ORDER = _Mapper(Order, orders)
_FILL = _Mapper(Fill, fills)
_POSITION = _Mapper(Position, positions)
_ACCOUNT = _Mapper(Account, accounts)
# The one place the dialects differ: their INSERT ... ON CONFLICT constructs.
_INSERT: dict[str, Callable[[sa.Table], Any]] = {
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}


class Statements:
    """Every statement the repositories run, built once per dialect."""

    def __init__(self, dialect: str) -> None:
        insert = _INSERT[dialect]
        self.add_order = insert(orders).on_conflict_do_nothing()
        self.update_order = sa.update(orders).where(orders.c.order_id == sa.bindparam("key"))
        self.get_order = sa.select(*_ORDER.columns).where(orders.c.order_id == sa.bindparam("key"))
        self.get_order_by_client_id = sa.select(*_ORDER.columns).where(
            orders.c.client_order_id == sa.bindparam("key")
        )
        self.add_fill = insert(fills).on_conflict_do_nothing(index_elements=[fills.c.fill_id])
        self.get_position = sa.select(*_POSITION.columns).where(
            positions.c.symbol == sa.bindparam("key")
        )
        self.save_position = _upsert(insert(positions), [positions.c.symbol])
        self.list_positions = sa.select(*_POSITION.columns).order_by(positions.c.symbol)
        self.get_account = sa.select(*_ACCOUNT.columns).where(accounts.c.id == ACCOUNT_ID)
        self.save_account = _upsert(insert(accounts), [accounts.c.id])
        self.append_event = sa.insert(events)
        # One INSERT ... VALUES (...), (...) RETURNING for a whole batch ("insertmanyvalues").
        self.append_events = sa.insert(events).returning(
            events.c.sequence, sort_by_parameter_order=True
        )
        self.events_after = (
            sa.select(events.c.sequence, events.c.kind, events.c.ts, events.c.payload)
            .where(events.c.sequence > sa.bindparam("after"))
            .order_by(events.c.sequence)
            .limit(sa.bindparam("limit"))
        )
        self.last_sequence = sa.select(sa.func.coalesce(sa.func.max(events.c.sequence), 0))


def _upsert(insert: Any, keys: list[sa.Column[Any]]) -> Any:
    table = insert.table
    changes = {c.name: insert.excluded[c.name] for c in table.columns if c not in keys}
    return insert.on_conflict_do_update(index_elements=keys, set_=changes)


@cache
def statements_for(dialect: str) -> Statements:
    """Return the statements for a dialect name ("sqlite" or "postgresql")."""
    return Statements(dialect)


class SqlaOrderRepository:
    """OrderRepository: orders in the `orders` table, unique by order and client order id."""

    def __init__(self, db: Executor, sql: Statements) -> None:
        self._db = db
        self._sql = sql

    async def add(self, order: Order) -> None:
        result = await self._db.execute(self._sql.add_order, _ORDER.row(order))
        if result.rowcount == 0:
            raise PreconditionFailed(
                f"order {order.order_id!r} or client order id "
                f"{order.client_order_id!r} already exists"
            )

    async def update(self, order: Order) -> None:
        params = _ORDER.row(order)
        params["key"] = params.pop("order_id")
        result = await self._db.execute(self._sql.update_order, params)
        if result.rowcount == 0:
            raise NotFound("order", order.order_id)

    async def get(self, order_id: str) -> Order | None:
        return await self._one(self._sql.get_order, order_id)

    async def get_by_client_id(self, client_order_id: str) -> Order | None:
        return await self._one(self._sql.get_order_by_client_id, client_order_id)

    async def _one(self, statement: Executable, key: str) -> Order | None:
        row = (await self._db.execute(statement, {"key": key})).first()
        return None if row is None else _ORDER.load(row)

    async def list(
        self,
        statuses: Sequence[OrderStatus] = (),
        symbol: str | None = None,
        limit: int = 100,
    ) -> list[Order]:
        """Return orders, newest first."""
        query = sa.select(*_ORDER.columns)
        if statuses:
            query = query.where(orders.c.status.in_([status.value for status in statuses]))
        if symbol is not None:
            query = query.where(orders.c.symbol == symbol)
        query = query.order_by(orders.c.created_at.desc(), orders.c.id.desc()).limit(limit)
        return [_ORDER.load(row) for row in await self._db.execute(query)]


class SqlaFillRepository:
    """FillRepository: fills in the `fills` table, deduplicated by fill id."""

    def __init__(self, db: Executor, sql: Statements) -> None:
        self._db = db
        self._sql = sql

    async def add(self, fill: Fill) -> bool:
        """Store a fill; return False when its fill_id is already stored."""
        result = await self._db.execute(self._sql.add_fill, _FILL.row(fill))
        return result.rowcount == 1

    async def list(self, order_id: str | None = None, limit: int = 100) -> list[Fill]:
        """Return fills, newest first, of one order or of all."""
        query = sa.select(*_FILL.columns)
        if order_id is not None:
            query = query.where(fills.c.order_id == order_id)
        query = query.order_by(fills.c.ts.desc(), fills.c.id.desc()).limit(limit)
        return [_FILL.load(row) for row in await self._db.execute(query)]


class SqlaPositionRepository:
    """PositionRepository: one row per symbol, saved by upsert."""

    def __init__(self, db: Executor, sql: Statements) -> None:
        self._db = db
        self._sql = sql

    async def get(self, symbol: str) -> Position | None:
        row = (await self._db.execute(self._sql.get_position, {"key": symbol})).first()
        return None if row is None else _POSITION.load(row)

    async def save(self, position: Position) -> None:
        await self._db.execute(self._sql.save_position, _POSITION.row(position))

    async def list(self) -> list[Position]:
        """Return every position, by symbol."""
        return [_POSITION.load(row) for row in await self._db.execute(self._sql.list_positions)]


class SqlaAccountRepository:
    """AccountRepository: the wallet is the single row of `accounts`."""

    def __init__(self, db: Executor, sql: Statements) -> None:
        self._db = db
        self._sql = sql

    async def get(self) -> Account | None:
        row = (await self._db.execute(self._sql.get_account)).first()
        return None if row is None else _ACCOUNT.load(row)

    async def save(self, account: Account) -> None:
        row = _ACCOUNT.row(account)
        row["id"] = ACCOUNT_ID
        await self._db.execute(self._sql.save_account, row)


class SqlaEventJournal:
    """EventJournal: events in `events`, the subject as tagged JSON text."""

    def __init__(self, db: Executor, sql: Statements) -> None:
        self._db = db
        self._sql = sql

    async def append(self, event: Event) -> Event:
        """Store an event; return it with its sequence number set."""
        payload = json.dumps(codec.encode_payload(event), separators=(",", ":"))
        result = await self._db.execute(
            self._sql.append_event,
            {"kind": event.kind.value, "ts": event.ts, "payload": payload},
        )
        key = result.inserted_primary_key
        if key is None or key[0] is None:
            raise RuntimeError("the database returned no sequence for the event")
        return event.stored_as(int(key[0]))

    async def append_many(self, events: Sequence[Event]) -> list[Event]:
        """Store events in order in one round trip; return them with their sequences."""
        if not events:
            return []
        rows = [
            {
                "kind": event.kind.value,
                "ts": event.ts,
                "payload": json.dumps(codec.encode_payload(event), separators=(",", ":")),
            }
            for event in events
        ]
        result = await self._db.execute(self._sql.append_events, rows)
        sequences = [int(row[0]) for row in result.all()]
        return [event.stored_as(seq) for event, seq in zip(events, sequences, strict=True)]

    async def after(self, sequence: int, limit: int = 1000) -> list[Event]:
        """Return stored events with a sequence above `sequence`, oldest first."""
        rows = await self._db.execute(self._sql.events_after, {"after": sequence, "limit": limit})
        return [
            codec.decode_event(row.kind, row.ts, row.sequence, json.loads(row.payload))
            for row in rows
        ]

    async def last_sequence(self) -> int:
        result = await self._db.execute(self._sql.last_sequence)
        return int(result.scalar_one())
