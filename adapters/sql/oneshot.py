"""One statement in its own short transaction; an unreachable database is StorageUnavailable."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Executable

from adapters.sql.repositories import Executor
from adapters.sql.unit_of_work import connect


async def run(
    engine: AsyncEngine, statement: Executable, params: dict[str, Any] | None = None
) -> Any:
    """Run and commit `statement`; return its first value, or the row count of a write."""
    db = Executor(await connect(engine))
    try:
        result = await db.execute(statement, params)
        value = result.scalar() if result.returns_rows else result.rowcount
        await db.commit()
        return value
    finally:
        await db.connection.close()


async def fetch_one(
    engine: AsyncEngine, statement: Executable, params: dict[str, Any] | None = None
) -> Row[Any] | None:
    """Return the first row of a query, or None."""
    db = Executor(await connect(engine))
    try:
        return (await db.execute(statement, params)).first()
    finally:
        await db.connection.close()
