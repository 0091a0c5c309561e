"""SqlaDiscrepancyLog on SQLite and on the machine's PostgreSQL (revision 0005)."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.sql.engine import create_engine, dispose, migrate
from adapters.sql.reconciliation import SqlaDiscrepancyLog
from application.ports.reconciliation import Discrepancy, DiscrepancyKind

FOUND = [
    Discrepancy(DiscrepancyKind.ORDER_FILLS, "c-1", "OPEN 0/1", "FILLED 1/1", "applied 1", 10),
    Discrepancy(DiscrepancyKind.BALANCE, "USDT", "100", "99.5", "set", 11),
]


async def check(url: str, migrate_first: bool) -> None:
    engine = create_engine(url)
    try:
        if migrate_first:
            await migrate(engine)
        log = SqlaDiscrepancyLog(engine)
        await log.record(FOUND)
        recent = await log.recent(2)
        assert recent == list(reversed(FOUND))
    finally:
        await dispose(engine)


async def test_sqlite(tmp_path: Path) -> None:
    await check(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", migrate_first=True)


@pytest.mark.postgres
async def test_postgres(pg_url: str) -> None:
    await check(pg_url, migrate_first=False)
