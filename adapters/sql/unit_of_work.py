"""The SQLAlchemy unit of work: one connection and one transaction per `async with`."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql.repositories import (
    Executor,
    SqlaAccountRepository,
    SqlaEventJournal,
    SqlaFillRepository,
    SqlaOrderRepository,
    SqlaPositionRepository,
    Statements,
    is_unavailable,
    statements_for,
)
from application.ports.storage import (
    AccountRepository,
    EventJournal,
    FillRepository,
    OrderRepository,
    PositionRepository,
    StorageUnavailable,
    UnitOfWork,
)


async def connect(engine: AsyncEngine) -> AsyncConnection:
    """Check a connection out of `engine`, or raise StorageUnavailable."""
    try:
        return await engine.connect()
    except (DBAPIError, OSError) as exc:
        raise StorageUnavailable(f"cannot connect to the database: {exc}") from exc


class SqlaUnitOfWork:
    """UnitOfWork: every repository shares one connection; uncommitted work is rolled back.

    The transaction begins with the first statement; after `commit()` the next
    statement begins another, which the exit rolls back unless it is committed too.
    """

    orders: OrderRepository
    fills: FillRepository
    positions: PositionRepository
    accounts: AccountRepository
    events: EventJournal

    def __init__(self, engine: AsyncEngine, statements: Statements) -> None:
        self._engine = engine
        self._sql = statements
        self._db: Executor | None = None

    async def __aenter__(self) -> Self:
        if self._db is not None:
            raise RuntimeError("a unit of work cannot be entered twice")
        db = self._db = Executor(await connect(self._engine))
        self.orders = SqlaOrderRepository(db, self._sql)
        self.fills = SqlaFillRepository(db, self._sql)
        self.positions = SqlaPositionRepository(db, self._sql)
        self.accounts = SqlaAccountRepository(db, self._sql)
        self.events = SqlaEventJournal(db, self._sql)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""
        connection = self._active().connection
        try:
            if connection.in_transaction():
                await connection.rollback()
        except (DBAPIError, OSError) as error:
            # A lost connection has taken its transaction with it: nothing to undo.
            if not is_unavailable(error):
                raise
        finally:
            await connection.close()

    async def commit(self) -> None:
        await self._active().commit()

    def _active(self) -> Executor:
        if self._db is None:
            raise RuntimeError("the unit of work is used outside `async with`")
        return self._db


class SqlaUnitOfWorkFactory:
    """Make a fresh SqlaUnitOfWork on every call: the factory the application takes."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._statements = statements_for(engine.dialect.name)

    def __call__(self) -> UnitOfWork:
        return SqlaUnitOfWork(self._engine, self._statements)
