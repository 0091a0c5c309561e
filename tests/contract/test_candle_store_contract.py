"""The candle-store contract: the in-memory fake, SQLite and PostgreSQL must all pass it.

Also the strategy-state and snapshot stores of revision 0003, and that revision's stairway.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.memory.candles import (
    InMemoryCandleStore,
    InMemorySnapshotStore,
    InMemoryStrategyStateStore,
)
from adapters.sql.candles import SqlaCandleStore, SqlaSnapshotStore, SqlaStrategyStateStore
from adapters.sql.engine import create_engine, dispose, downgrade, migrate
from adapters.sql.market_tables import metadata
from application.ports.strategies import AccountSnapshot, StoredStrategy
from domain.market.candles import Candle, Timeframe
from tests.contract import postgres_database, run_blocking

M = 60_000


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_database("autotrader_candles") as url:
        run_blocking(_migrate(url))
        yield url


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrate(engine)
    finally:
        await dispose(engine)


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "memory":
        return "memory"
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'candles.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
async def stores(backend: str) -> AsyncIterator[tuple[Any, Any, Any]]:
    if backend == "memory":
        yield InMemoryCandleStore(), InMemoryStrategyStateStore(), InMemorySnapshotStore()
        return
    engine = create_engine(backend)
    try:
        if engine.dialect.name == "sqlite":
            await migrate(engine)
        else:
            async with engine.begin() as connection:
                for table in metadata.sorted_tables:
                    await connection.execute(sa.delete(table))
        yield SqlaCandleStore(engine), SqlaStrategyStateStore(engine), SqlaSnapshotStore(engine)
    finally:
        await dispose(engine)


def bar(symbol: str, minute: int, close: float = 100.0, tf: Timeframe = Timeframe.M1) -> Candle:
    return Candle(symbol, tf, minute * tf.ms, close, close + 1, close - 1, close, 2.5, 250.0)


async def test_range_is_half_open_and_ordered(stores: tuple[Any, Any, Any]) -> None:
    store = stores[0]
    await store.upsert([bar("BTCUSDT", m) for m in (3, 1, 2, 0, 4)])
    got = await store.range("BTCUSDT", Timeframe.M1, 1 * M, 4 * M)
    assert [c.open_time for c in got] == [1 * M, 2 * M, 3 * M]
    assert got[0] == bar("BTCUSDT", 1)


async def test_upsert_is_idempotent_and_replaces(stores: tuple[Any, Any, Any]) -> None:
    store = stores[0]
    await store.upsert([bar("BTCUSDT", 0), bar("BTCUSDT", 1)])
    await store.upsert([bar("BTCUSDT", 0), bar("BTCUSDT", 1, close=200.0)])
    got = await store.range("BTCUSDT", Timeframe.M1, 0, 10 * M)
    assert [c.close for c in got] == [100.0, 200.0]


async def test_keys_separate_symbols_and_timeframes(stores: tuple[Any, Any, Any]) -> None:
    store = stores[0]
    await store.upsert(
        [bar("BTCUSDT", 0), bar("ETHUSDT", 0, 3.0), bar("BTCUSDT", 0, tf=Timeframe.M5)]
    )
    assert await store.symbols() == ["BTCUSDT", "ETHUSDT"]
    assert len(await store.range("BTCUSDT", Timeframe.M1, 0, M)) == 1
    assert (await store.range("BTCUSDT", Timeframe.M5, 0, M))[0].timeframe is Timeframe.M5
    assert await store.last_open_time("BTCUSDT", Timeframe.M5) == 0
    assert await store.last_open_time("SOLUSDT", Timeframe.M1) is None


async def test_last_open_time_and_bulk(stores: tuple[Any, Any, Any]) -> None:
    store = stores[0]
    assert await store.upsert([bar("BTCUSDT", m, 100 + m % 7) for m in range(12_000)]) == 12_000
    assert await store.last_open_time("BTCUSDT", Timeframe.M1) == 11_999 * M
    assert len(await store.range("BTCUSDT", Timeframe.M1, 0, 12_000 * M)) == 12_000


async def test_open_candles_are_refused(stores: tuple[Any, Any, Any]) -> None:
    store = stores[0]
    open_bar = Candle("BTCUSDT", Timeframe.M1, 0, 1.0, 1.0, 1.0, 1.0, 0.0, closed=False)
    with pytest.raises(ValueError, match="closed"):
        await store.upsert([open_bar])


async def test_strategy_states_round_trip(stores: tuple[Any, Any, Any]) -> None:
    states = stores[1]
    await states.save(StoredStrategy("trend", True, {"fast": 5, "timeframe": "1m"}, 1))
    await states.save(StoredStrategy("trend", False, {"fast": 6}, 2))
    await states.save(StoredStrategy("pairs", True, {}, 3))
    loaded = await states.load()
    assert loaded["trend"] == StoredStrategy("trend", False, {"fast": 6}, 2)
    assert loaded["pairs"].enabled


async def test_snapshots_round_trip(stores: tuple[Any, Any, Any]) -> None:
    snapshots = stores[2]
    one = AccountSnapshot(
        5,
        Decimal("10000.5"),
        Decimal("10001"),
        Decimal("0.5"),
        Decimal(9000),
        {"BTCUSDT": Decimal("0.002")},
    )
    await snapshots.add(AccountSnapshot(1, Decimal(1), Decimal(1), Decimal(0), Decimal(1)))
    await snapshots.add(one)
    assert await snapshots.list(since_ms=2) == [one]


async def test_stairway_0003(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'stairs.db'}")
    try:
        await migrate(engine)
        await downgrade(engine, "0001")
        await migrate(engine)
        store = SqlaCandleStore(engine)
        await store.upsert([bar("BTCUSDT", 0)])
        assert await store.symbols() == ["BTCUSDT"]
    finally:
        await dispose(engine)
