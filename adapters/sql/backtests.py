"""SqlaBacktestRunStore: BacktestRunStore on SQLite or PostgreSQL (table of revision 0004)."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.unit_of_work import connect
from application.backtest.runs import StoredBacktest
from application.ports.storage import StorageUnavailable
from domain.errors import PreconditionFailed

_meta = sa.MetaData()
backtests = sa.Table(
    "backtests",
    _meta,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("strategy", sa.String(64), nullable=False),
    sa.Column("symbols", sa.Text, nullable=False),
    sa.Column("start_ms", sa.BigInteger, nullable=False),
    sa.Column("end_ms", sa.BigInteger, nullable=False),
    sa.Column("total_return", sa.Float, nullable=True),
    sa.Column("sharpe", sa.Float, nullable=True),
    sa.Column("max_drawdown", sa.Float, nullable=True),
    sa.Column("trades", sa.Integer, nullable=False),
    sa.Column("final_equity", sa.Text, nullable=False),
    sa.Column("result", sa.Text, nullable=False),
)


class SqlaBacktestRunStore:
    """BacktestRunStore: one transaction per call."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, run: StoredBacktest) -> None:
        row = {
            "run_id": run.run_id,
            "created_at": run.created_at,
            "kind": run.kind,
            "strategy": run.strategy,
            "symbols": ",".join(run.symbols),
            "start_ms": run.start_ms,
            "end_ms": run.end_ms,
            "total_return": run.total_return,
            "sharpe": run.sharpe,
            "max_drawdown": run.max_drawdown,
            "trades": run.trades,
            "final_equity": run.final_equity,
            "result": run.result_json,
        }
        db = await connect(self._engine)
        try:
            async with db.begin():
                await db.execute(backtests.insert(), [row])
        except IntegrityError as exc:
            raise PreconditionFailed(f"backtest {run.run_id!r} already exists") from exc
        except (DBAPIError, OSError) as exc:
            raise StorageUnavailable(f"cannot store the backtest: {exc}") from exc
        finally:
            await db.close()

    async def get(self, run_id: str) -> StoredBacktest | None:
        rows = await self._read(sa.select(backtests).where(backtests.c.run_id == run_id))
        return _run(rows[0]) if rows else None

    async def list(self, limit: int = 50, strategy: str | None = None) -> Sequence[StoredBacktest]:
        t = backtests
        query = sa.select(t).order_by(t.c.created_at.desc(), t.c.run_id.desc()).limit(limit)
        if strategy is not None:
            query = query.where(t.c.strategy == strategy)
        return [_run(r) for r in await self._read(query)]

    async def _read(self, statement: sa.Select[tuple[object, ...]]) -> Sequence[sa.Row[object]]:
        return await _read(self._engine, statement)


async def _read(
    engine: AsyncEngine, statement: sa.Select[tuple[object, ...]]
) -> Sequence[sa.Row[object]]:
    db = await connect(engine)
    try:
        return (await db.execute(statement)).all()
    except (DBAPIError, OSError) as exc:
        raise StorageUnavailable(f"cannot read backtests: {exc}") from exc
    finally:
        await db.close()


def _run(r: sa.Row[object]) -> StoredBacktest:
    m = r._mapping
    return StoredBacktest(
        run_id=m["run_id"],
        created_at=m["created_at"],
        kind=m["kind"],
        strategy=m["strategy"],
        symbols=tuple(s for s in str(m["symbols"]).split(",") if s),
        start_ms=m["start_ms"],
        end_ms=m["end_ms"],
        total_return=m["total_return"],
        sharpe=m["sharpe"],
        max_drawdown=m["max_drawdown"],
        trades=m["trades"],
        final_equity=m["final_equity"],
        result_json=m["result"],
    )
