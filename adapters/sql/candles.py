"""SqlaCandleStore, SqlaStrategyStateStore and SqlaSnapshotStore: SQLite and PostgreSQL.

Upserts are the dialect's INSERT ... ON CONFLICT, sent as one executemany per chunk.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql.market_tables import account_snapshots, candles, strategy_states
from application.ports.storage import StorageUnavailable
from application.ports.strategies import AccountSnapshot, StoredStrategy
from domain.market.candles import Candle, Timeframe

CHUNK = 5_000
_VALUES = ("open", "high", "low", "close", "volume", "quote_volume")


@asynccontextmanager
async def _transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    try:
        async with engine.begin() as connection:
            yield connection
    except OSError as exc:
        raise StorageUnavailable(f"cannot reach the database: {exc}") from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise StorageUnavailable(f"the database connection was lost: {exc}") from exc
        raise


def _insert(engine: AsyncEngine, table: sa.Table) -> Any:
    return (postgresql if engine.dialect.name == "postgresql" else sqlite).insert(table)


class SqlaCandleStore:
    """CandleStore on table `candles` keyed by (symbol, timeframe, open_time)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        insert = _insert(engine, candles)
        self._upsert = insert.on_conflict_do_update(
            index_elements=["symbol", "timeframe", "open_time"],
            set_={name: insert.excluded[name] for name in _VALUES},
        )

    async def upsert(self, bars: Sequence[Candle]) -> int:
        rows = [_row(bar) for bar in bars]
        async with _transaction(self._engine) as connection:
            for start in range(0, len(rows), CHUNK):
                await connection.execute(self._upsert, rows[start : start + CHUNK])
        return len(rows)

    async def range(
        self, symbol: str, timeframe: Timeframe, start_ms: int, end_ms: int
    ) -> list[Candle]:
        query = (
            sa.select(candles.c.open_time, *(candles.c[name] for name in _VALUES))
            .where(
                candles.c.symbol == symbol,
                candles.c.timeframe == timeframe.value,
                candles.c.open_time >= start_ms,
                candles.c.open_time < end_ms,
            )
            .order_by(candles.c.open_time)
        )
        async with _transaction(self._engine) as connection:
            rows = (await connection.execute(query)).all()
        return [_candle(symbol, timeframe, row) for row in rows]

    async def last_open_time(self, symbol: str, timeframe: Timeframe) -> int | None:
        query = sa.select(sa.func.max(candles.c.open_time)).where(
            candles.c.symbol == symbol, candles.c.timeframe == timeframe.value
        )
        async with _transaction(self._engine) as connection:
            value = (await connection.execute(query)).scalar()
        return None if value is None else int(value)

    async def symbols(self) -> list[str]:
        query = sa.select(candles.c.symbol).distinct().order_by(candles.c.symbol)
        async with _transaction(self._engine) as connection:
            return list((await connection.execute(query)).scalars())


def _candle(symbol: str, timeframe: Timeframe, row: Any) -> Candle:
    open_time, o, h, lo, c, v, q = row
    return Candle(symbol, timeframe, int(open_time), o, h, lo, c, v, q, closed=True)


def _row(bar: Candle) -> dict[str, Any]:
    if not bar.closed:
        raise ValueError("only closed candles are stored")
    return {
        "symbol": bar.symbol,
        "timeframe": bar.timeframe.value,
        "open_time": bar.open_time,
        **{name: getattr(bar, name) for name in _VALUES},
    }


class SqlaStrategyStateStore:
    """StrategyStateStore on table `strategy_states` (parameters as JSON text)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        insert = _insert(engine, strategy_states)
        self._upsert = insert.on_conflict_do_update(
            index_elements=["strategy_id"],
            set_={n: insert.excluded[n] for n in ("enabled", "params", "updated_at")},
        )

    async def load(self) -> dict[str, StoredStrategy]:
        async with _transaction(self._engine) as connection:
            rows = (await connection.execute(sa.select(strategy_states))).all()
        return {
            r.strategy_id: StoredStrategy(
                r.strategy_id, bool(r.enabled), json.loads(r.params), int(r.updated_at)
            )
            for r in rows
        }

    async def save(self, state: StoredStrategy) -> None:
        row = {
            "strategy_id": state.strategy_id,
            "enabled": state.enabled,
            "params": json.dumps(dict(state.params), sort_keys=True),
            "updated_at": state.updated_at,
        }
        async with _transaction(self._engine) as connection:
            await connection.execute(self._upsert, row)


class SqlaSnapshotStore:
    """SnapshotStore on table `account_snapshots` (positions as JSON text)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, snapshot: AccountSnapshot) -> None:
        row = {
            "ts": snapshot.ts,
            "wallet_balance": snapshot.wallet_balance,
            "margin_balance": snapshot.margin_balance,
            "unrealized_pnl": snapshot.unrealized_pnl,
            "available_balance": snapshot.available_balance,
            "positions": json.dumps({k: str(v) for k, v in snapshot.positions.items()}),
        }
        async with _transaction(self._engine) as connection:
            await connection.execute(sa.insert(account_snapshots), row)

    async def list(self, since_ms: int = 0, limit: int = 1000) -> list[AccountSnapshot]:
        t = account_snapshots
        query = sa.select(t).where(t.c.ts >= since_ms).order_by(t.c.ts, t.c.id).limit(limit)
        async with _transaction(self._engine) as connection:
            rows = (await connection.execute(query)).all()
        return [
            AccountSnapshot(
                int(r.ts),
                r.wallet_balance,
                r.margin_balance,
                r.unrealized_pnl,
                r.available_balance,
                {k: Decimal(v) for k, v in json.loads(r.positions).items()},
            )
            for r in rows
        ]
