"""RelayCursor in the `outbox_relay` table (revision 0006), one row per relay name."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.oneshot import run

outbox_relay = sa.Table(
    "outbox_relay",
    sa.MetaData(),
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("sequence", sa.BigInteger(), nullable=False),
)


class SqlaRelayCursor:
    """RelayCursor: the last published sequence, which only ever moves forward."""

    def __init__(self, engine: AsyncEngine, name: str = "redis") -> None:
        self._engine = engine
        self._name = name
        insert = (postgresql if engine.dialect.name == "postgresql" else sqlite).insert
        statement = insert(outbox_relay)
        self._save = statement.on_conflict_do_update(
            index_elements=[outbox_relay.c.name],
            set_={"sequence": statement.excluded.sequence},
            where=outbox_relay.c.sequence < statement.excluded.sequence,
        )
        self._load = sa.select(outbox_relay.c.sequence).where(outbox_relay.c.name == name)

    async def load(self) -> int:
        return int(await run(self._engine, self._load) or 0)

    async def save(self, sequence: int) -> None:
        await run(self._engine, self._save, {"name": self._name, "sequence": sequence})
