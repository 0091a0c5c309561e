"""A unit of work that commits only under the newest fencing token of its account.

At commit it upserts the token into `leader_fences` unless a bigger one is stored;
if one is, a newer leader exists: the transaction is rolled back and NotLeader raised.
The check runs inside the same transaction as the writes it protects.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.repositories import statements_for
from adapters.sql.unit_of_work import SqlaUnitOfWork
from application.ports.leadership import Leadership, NotLeader
from application.ports.storage import UnitOfWork

leader_fences = sa.Table(
    "leader_fences",
    sa.MetaData(),
    sa.Column("account", sa.String(64), primary_key=True),
    sa.Column("token", sa.BigInteger(), nullable=False),
)


def fence_statement(dialect: str) -> sa.Executable:
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(leader_fences)
    return insert.on_conflict_do_update(
        index_elements=[leader_fences.c.account],
        set_={"token": insert.excluded.token},
        where=leader_fences.c.token <= insert.excluded.token,
    )


class FencedUnitOfWork(SqlaUnitOfWork):
    def __init__(self, engine: AsyncEngine, leadership: Leadership) -> None:
        super().__init__(engine, statements_for(engine.dialect.name))
        self._leadership = leadership
        self._fence = fence_statement(engine.dialect.name)

    async def commit(self) -> None:
        token = self._leadership.token
        account = self._leadership.account
        if token is None:
            raise NotLeader(f"this instance is a standby: another one trades account {account}")
        result = await self._active().execute(self._fence, {"account": account, "token": token})
        if result.rowcount == 0:
            self._leadership.fenced(token)
            raise NotLeader(f"fenced off: a newer leader trades account {account}")
        await super().commit()


class FencedUnitOfWorkFactory:
    """Make a FencedUnitOfWork on every call: the factory the ledger takes."""

    def __init__(self, engine: AsyncEngine, leadership: Leadership) -> None:
        self._engine = engine
        self._leadership = leadership

    def __call__(self) -> UnitOfWork:
        return FencedUnitOfWork(self._engine, self._leadership)
