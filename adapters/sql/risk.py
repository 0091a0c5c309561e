"""SqlaRiskStore: the RiskStore port on SQLite or PostgreSQL (tables of revision 0002)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql.unit_of_work import connect
from application.ports.risk_store import LimitChange
from application.ports.storage import StorageUnavailable
from domain.risk.halt import BreakerState, KillSwitch
from domain.risk.limits import RiskLimits

_meta = sa.MetaData()
risk_limits = sa.Table(
    "risk_limits",
    _meta,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", sa.BigInteger, nullable=False),
)
risk_limit_changes = sa.Table(
    "risk_limit_changes",
    _meta,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("old_value", sa.Text, nullable=False),
    sa.Column("new_value", sa.Text, nullable=False),
    sa.Column("changed_by", sa.String(128), nullable=False),
    sa.Column("changed_at", sa.BigInteger, nullable=False),
)
risk_kill_switch = sa.Table(
    "risk_kill_switch",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("engaged", sa.Boolean, nullable=False),
    sa.Column("changed_by", sa.String(128), nullable=False),
    sa.Column("changed_at", sa.BigInteger, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)
risk_breaker = sa.Table(
    "risk_breaker",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("peak_equity", sa.Text, nullable=False),
    sa.Column("day", sa.BigInteger, nullable=False),
    sa.Column("day_start_equity", sa.Text, nullable=False),
    sa.Column("tripped", sa.Boolean, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("tripped_at", sa.BigInteger, nullable=False),
)
_ROW = 1


class SqlaRiskStore:
    """RiskStore: each call is one transaction; the single-row tables are replaced whole."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def load_limits(self) -> RiskLimits | None:
        rows = await self._read(sa.select(risk_limits.c.name, risk_limits.c.value))
        if not rows:
            return None
        known = set(RiskLimits.names())
        return RiskLimits.from_text({r.name: r.value for r in rows if r.name in known})

    async def save_limits(self, limits: RiskLimits, changes: list[LimitChange]) -> None:
        at = max((c.at for c in changes), default=0)
        rows = [{"name": n, "value": v, "updated_at": at} for n, v in limits.as_text().items()]
        audit = [
            {
                "name": c.name,
                "old_value": c.old,
                "new_value": c.new,
                "changed_by": c.by,
                "changed_at": c.at,
            }
            for c in changes
        ]

        async def write(db: AsyncConnection) -> None:
            await db.execute(risk_limits.delete())
            await db.execute(risk_limits.insert(), rows)
            if audit:
                await db.execute(risk_limit_changes.insert(), audit)

        await self._write(write)

    async def limit_changes(self, limit: int = 100) -> list[LimitChange]:
        t = risk_limit_changes
        rows = await self._read(sa.select(t).order_by(t.c.id.desc()).limit(limit))
        return [
            LimitChange(r.name, r.old_value, r.new_value, r.changed_by, r.changed_at) for r in rows
        ]

    async def load_kill_switch(self) -> KillSwitch | None:
        rows = await self._read(sa.select(risk_kill_switch))
        if not rows:
            return None
        r = rows[0]
        return KillSwitch(bool(r.engaged), r.changed_by, r.changed_at, r.reason)

    async def save_kill_switch(self, kill_switch: KillSwitch) -> None:
        row = {
            "id": _ROW,
            "engaged": kill_switch.engaged,
            "changed_by": kill_switch.by,
            "changed_at": kill_switch.at,
            "reason": kill_switch.reason,
        }
        await self._replace(risk_kill_switch, row)

    async def load_breaker(self) -> BreakerState | None:
        rows = await self._read(sa.select(risk_breaker))
        if not rows:
            return None
        r = rows[0]
        return BreakerState(
            Decimal(r.peak_equity),
            r.day,
            Decimal(r.day_start_equity),
            bool(r.tripped),
            r.reason,
            r.tripped_at,
        )

    async def save_breaker(self, breaker: BreakerState) -> None:
        row = {
            "id": _ROW,
            "peak_equity": str(breaker.peak_equity),
            "day": breaker.day,
            "day_start_equity": str(breaker.day_start_equity),
            "tripped": breaker.tripped,
            "reason": breaker.reason,
            "tripped_at": breaker.tripped_at,
        }
        await self._replace(risk_breaker, row)

    async def _replace(self, table: sa.Table, row: dict[str, object]) -> None:
        async def write(db: AsyncConnection) -> None:
            await db.execute(table.delete())
            await db.execute(table.insert(), [row])

        await self._write(write)

    async def _read(self, statement: sa.Select[tuple[object, ...]]) -> list[sa.Row[object]]:
        db = await connect(self._engine)
        try:
            return list((await db.execute(statement)).all())
        except (DBAPIError, OSError) as exc:
            raise StorageUnavailable(f"cannot read the risk state: {exc}") from exc
        finally:
            await db.close()

    async def _write(self, work: Callable[[AsyncConnection], Awaitable[None]]) -> None:
        db = await connect(self._engine)
        try:
            async with db.begin():
                await work(db)
        except (DBAPIError, OSError) as exc:
            raise StorageUnavailable(f"cannot write the risk state: {exc}") from exc
        finally:
            await db.close()
