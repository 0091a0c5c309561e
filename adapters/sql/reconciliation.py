"""SqlaDiscrepancyLog: the DiscrepancyLog port on SQLite or PostgreSQL (revision 0005)."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.unit_of_work import connect
from application.ports.reconciliation import Discrepancy, DiscrepancyKind
from application.ports.storage import StorageUnavailable

_meta = sa.MetaData()
discrepancies = sa.Table(
    "reconciliation_discrepancies",
    _meta,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("ts", sa.BigInteger, nullable=False),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("subject", sa.String(64), nullable=False),
    sa.Column("local_state", sa.Text, nullable=False),
    sa.Column("exchange_state", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
)


class SqlaDiscrepancyLog:
    """Append-only table of reconciliation findings."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def record(self, found: Sequence[Discrepancy]) -> None:
        rows = [
            {
                "ts": d.ts,
                "kind": d.kind.value,
                "subject": d.subject[:64],
                "local_state": d.local,
                "exchange_state": d.exchange,
                "action": d.action,
            }
            for d in found
        ]
        if not rows:
            return
        connection = await connect(self._engine)
        try:
            async with connection.begin():
                await connection.execute(discrepancies.insert(), rows)
        except DBAPIError as exc:
            raise StorageUnavailable(f"cannot record discrepancies: {exc}") from exc
        finally:
            await connection.close()

    async def recent(self, limit: int = 100) -> list[Discrepancy]:
        t = discrepancies
        connection = await connect(self._engine)
        try:
            result = await connection.execute(sa.select(t).order_by(t.c.id.desc()).limit(limit))
            rows = result.fetchall()
        except DBAPIError as exc:
            raise StorageUnavailable(f"cannot read discrepancies: {exc}") from exc
        finally:
            await connection.close()
        return [
            Discrepancy(
                DiscrepancyKind(r.kind), r.subject, r.local_state, r.exchange_state, r.action, r.ts
            )
            for r in rows
        ]
