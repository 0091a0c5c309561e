"""Engines and schema migrations: the only place that knows how a database is opened."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any, Self

import aiosqlite
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

import migrations
from adapters.sql.unit_of_work import connect
from application.ports.storage import StorageUnavailable

SCRIPTS = Path(migrations.__file__).resolve().parent
BUSY_TIMEOUT_MS = 5_000
_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)


def create_engine(url: str | URL, *, echo: bool = False) -> AsyncEngine:
    """Open an AsyncEngine on `url` (sqlite+aiosqlite or postgresql+asyncpg).

    A SQLite file gets its parent directories and, on every connection, WAL,
    synchronous=NORMAL, foreign keys and a busy timeout.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # Pre-ping: a pooled connection the server dropped is replaced, not handed out.
        # Timeouts: a partitioned server fails a request instead of hanging it (and the
        # ledger's lock with it).
        return create_async_engine(
            parsed,
            echo=echo,
            pool_pre_ping=True,
            connect_args={"timeout": 5, "command_timeout": 60},
        )
    _make_parent(parsed)
    engine = create_async_engine(
        parsed,
        echo=echo,
        async_creator=_sqlite_connector(parsed.database or ":memory:"),
        # Every checkout ends its transaction through the Connection (commit, rollback
        # or close), so the pool's own rollback on check-in would be a wasted round trip.
        pool_reset_on_return=None,
    )
    event.listen(engine.sync_engine, "connect", _set_sqlite_pragmas)
    return engine


async def dispose(engine: AsyncEngine) -> None:
    """Close every pooled connection of `engine`."""
    await engine.dispose()


def alembic_config(connection: Connection | None = None) -> Config:
    """Return an Alembic configuration that finds the revisions from any directory."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def migrate(engine: AsyncEngine, revision: str = "heads") -> None:
    """Upgrade the schema to `revision` (by default every head: features branch from 0001)."""
    await _run(engine, command.upgrade, revision)


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    """Downgrade the schema to `revision` (nothing left by default)."""
    await _run(engine, command.downgrade, revision)


async def _run(engine: AsyncEngine, alembic_command: Any, revision: str) -> None:
    connection = await connect(engine)
    try:
        async with connection.begin():
            await connection.run_sync(lambda sync: alembic_command(alembic_config(sync), revision))
    finally:
        await connection.close()


def _sqlite_connector(database: str) -> Callable[[], Awaitable[aiosqlite.Connection]]:
    connect = partial(sqlite3.connect, database, uri=database.startswith("file:"))

    async def open_connection() -> aiosqlite.Connection:
        connection = _OneTripConnection(connect, 64)
        connection._thread.daemon = True  # as SQLAlchemy does: never hold the process open
        return await connection

    return open_connection


class _OneTripConnection(aiosqlite.Connection):
    """aiosqlite, with cursors that cost one trip to its worker thread per statement.

    SQLAlchemy's adapter opens a cursor, executes, fetches and closes: four trips
    to the thread, each far slower than SQLite itself. This cursor does all four
    in one, which roughly halves the time of a typical unit of work.
    """

    def cursor(self) -> _OneTripCursor:  # type: ignore[override]
        return _OneTripCursor(self)


class _OneTripCursor:
    """The part of aiosqlite's cursor that SQLAlchemy's aiosqlite adapter uses."""

    arraysize = 1

    def __init__(self, connection: _OneTripConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Any] = []

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._rows = []

    async def execute(self, sql: str, parameters: Any = ()) -> Self:
        await self._run(sql, parameters, many=False)
        return self

    async def executemany(self, sql: str, parameters: Any) -> Self:
        await self._run(sql, parameters, many=True)
        return self

    async def _run(self, sql: str, parameters: Any, *, many: bool) -> None:
        outcome = await self._connection._execute(_execute, self._connection, sql, parameters, many)
        self.description, self.rowcount, self.lastrowid, self._rows = outcome

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = size or self.arraysize
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def close(self) -> None:
        self._rows = []


def _execute(
    connection: _OneTripConnection, sql: str, parameters: Any, many: bool
) -> tuple[Any, int, int | None, list[Any]]:
    # Runs on aiosqlite's worker thread.
    raw = connection._conn
    cursor = raw.executemany(sql, parameters) if many else raw.execute(sql, parameters)
    try:
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _make_parent(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        Path(database).resolve().parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageUnavailable(f"cannot make the directory for {database}: {exc}") from exc


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()
