"""PgMarketDataStore on the real PostgreSQL: COPY, idempotent upserts, numpy reads, layout."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import asyncpg
import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from adapters.postgres.market_data import (
    CANDLES,
    FUNDING,
    HOURLY,
    MARK_PRICES,
    TRADES,
    PgMarketDataStore,
    asyncpg_dsn,
)
from adapters.sql.engine import create_engine, dispose, downgrade, migrate
from domain.errors import InvalidInput
from tests.contract import postgres_database, run_blocking

pytestmark = pytest.mark.postgres
HOUR = 3_600_000
T0 = 1_700_000_000_000 // HOUR * HOUR


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with postgres_database("autotrader_md") as url:
        run_blocking(_migrate(url))
        yield url


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrate(engine)
    finally:
        await dispose(engine)


@pytest.fixture
async def store(url: str) -> AsyncIterator[PgMarketDataStore]:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    await connection.execute("TRUNCATE md_candles, md_trades, md_funding, md_mark_prices")
    await connection.close()
    store = PgMarketDataStore(url)
    await store.open()
    yield store
    await store.close()


def bars(symbol: str, minutes: int, start: int = T0, seed: int = 1) -> pd.DataFrame:
    close = 100 + np.random.default_rng(seed).standard_normal(minutes).cumsum() * 0.1
    return pd.DataFrame(
        {
            "symbol": symbol,
            "timeframe": "1m",
            "ts": start + np.arange(minutes, dtype=np.int64) * 60_000,
            "open": close,
            "high": close + 0.5,
            "low": close - 0.5,
            "close": close,
            "volume": 1.0,
            "quote_volume": close,
        }
    )


async def test_copy_then_read_returns_the_same_numbers_as_numpy_arrays(store) -> None:
    frame = bars("BTCUSDT", 500)
    assert await store.append(CANDLES, frame) == 500
    await store.append(CANDLES, bars("ETHUSDT", 10))

    got = await store.read(CANDLES, "BTCUSDT", T0, T0 + 500 * 60_000, timeframe="1m")

    assert set(got) == {"ts", "open", "high", "low", "close", "volume", "quote_volume"}
    assert got["ts"].dtype == np.int64
    assert got["close"].dtype == np.float64
    np.testing.assert_array_equal(got["ts"], frame["ts"].to_numpy())
    np.testing.assert_array_equal(got["close"], frame["close"].to_numpy())  # bit-exact doubles


async def test_a_read_is_half_open_and_ordered(store) -> None:
    await store.append(CANDLES, bars("BTCUSDT", 100).sample(frac=1, random_state=3))

    got = await store.read(CANDLES, "BTCUSDT", T0 + 10 * 60_000, T0 + 20 * 60_000, timeframe="1m")

    assert list(got["ts"]) == [T0 + i * 60_000 for i in range(10, 20)]
    empty = await store.read(CANDLES, "NOPE", T0, T0 + HOUR, timeframe="1m")
    assert all(len(column) == 0 for column in empty.values())


async def test_appending_a_stored_row_again_is_refused_without_writing(store) -> None:
    await store.append(CANDLES, bars("BTCUSDT", 10))
    with pytest.raises(InvalidInput, match="upsert"):
        await store.append(CANDLES, bars("BTCUSDT", 20))
    assert await store.count(CANDLES) == 10


async def test_upsert_is_idempotent_and_takes_late_corrections(store) -> None:
    frame = bars("BTCUSDT", 120)
    assert await store.upsert(CANDLES, frame) == 120
    assert await store.upsert(CANDLES, frame) == 0  # a repeat writes nothing

    late = frame.iloc[[5, 6]].copy()
    late["volume"] = 7.0
    extra = bars("BTCUSDT", 3, start=T0 + 120 * 60_000)
    assert await store.upsert(CANDLES, pd.concat([late, extra])) == 5

    got = await store.read(CANDLES, "BTCUSDT", T0, T0 + 2 * HOUR + 3 * 60_000, timeframe="1m")
    assert len(got["ts"]) == 123
    assert got["volume"][5] == got["volume"][6] == 7.0
    assert got["volume"][4] == 1.0


async def test_within_one_upsert_batch_the_last_row_for_a_key_wins(store) -> None:
    first = bars("BTCUSDT", 2)
    second = first.copy()
    second["volume"] = 3.0
    assert await store.upsert(CANDLES, pd.concat([first, second])) == 2
    got = await store.read(CANDLES, "BTCUSDT", T0, T0 + HOUR, timeframe="1m")
    assert list(got["volume"]) == [3.0, 3.0]


async def test_the_hourly_view_aggregates_one_minute_bars(store) -> None:
    frame = bars("BTCUSDT", 150)
    await store.append(CANDLES, frame)

    hourly = await store.frame(HOURLY, "BTCUSDT", T0, T0 + 3 * HOUR)

    assert list(hourly.index.as_unit("ms").asi8) == [T0, T0 + HOUR, T0 + 2 * HOUR]
    first = frame.iloc[:60]
    assert hourly["open"].iloc[0] == first["open"].iloc[0]
    assert hourly["close"].iloc[0] == first["close"].iloc[-1]
    assert hourly["high"].iloc[0] == first["high"].max()
    assert hourly["low"].iloc[0] == first["low"].min()
    assert hourly["volume"].tolist() == [60.0, 60.0, 30.0]


async def test_trades_funding_and_mark_prices_round_trip(store) -> None:
    ts = T0 + np.arange(4, dtype=np.int64) * 1000
    trades = pd.DataFrame(
        {
            "symbol": "BTCUSDT",
            "ts": ts,
            "trade_id": np.arange(4, dtype=np.int64) + 10,
            "price": [1.0, 2.0, 3.0, 4.0],
            "qty": 0.5,
            "is_buyer_maker": [True, False, True, False],
        }
    )
    funding = pd.DataFrame({"symbol": "BTCUSDT", "ts": ts, "rate": 1e-4, "mark_price": 2.0})
    marks = funding.rename(columns={"rate": "funding_rate", "mark_price": "mark"}).assign(
        index_price=2.1, next_funding_time=T0 + 8 * HOUR
    )
    for series, frame in ((TRADES, trades), (FUNDING, funding), (MARK_PRICES, marks)):
        assert await store.upsert(series, frame) == 4
        assert await store.upsert(series, frame) == 0

    got = await store.read(TRADES, "BTCUSDT", T0, T0 + HOUR)
    assert got["is_buyer_maker"].tolist() == [True, False, True, False]
    assert got["trade_id"].tolist() == [10, 11, 12, 13]
    got = await store.read(MARK_PRICES, "BTCUSDT", T0, T0 + HOUR)
    assert (got["next_funding_time"] == T0 + 8 * HOUR).all()
    assert (await store.read(FUNDING, "BTCUSDT", T0, T0 + HOUR))["rate"][0] == 1e-4


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [
        ("close", np.nan, "close"),
        ("open", -1.0, "open"),
        ("high", 0.01, "high"),
        ("ts", T0 + 1, "ts"),
        ("timeframe", "7m", "timeframe"),
        ("symbol", " BTC", "symbol"),
    ],
)
async def test_bad_rows_fail_before_anything_is_written(store, column, value, field) -> None:
    frame = bars("BTCUSDT", 3)
    frame.loc[1, column] = value
    with pytest.raises(InvalidInput) as raised:
        await store.upsert(CANDLES, frame)
    assert raised.value.field == field
    assert await store.count(CANDLES) == 0


async def test_without_timescaledb_the_fallback_layout_is_used(store, url) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        available = await connection.fetchval(
            "SELECT count(*) FROM pg_available_extensions WHERE name = 'timescaledb'"
        )
        brin = await connection.fetch(
            "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%USING brin%' ORDER BY 1"
        )
        view = await connection.fetchval(
            "SELECT count(*) FROM pg_views WHERE viewname = 'md_candles_1h'"
        )
    finally:
        await connection.close()
    if available:
        pytest.skip("TimescaleDB is installed here: see test_timescale_layout")
    assert await store.timescale() is False
    assert [r["indexname"] for r in brin] == [
        "ix_md_candles_ts_brin",
        "ix_md_funding_ts_brin",
        "ix_md_mark_prices_ts_brin",
        "ix_md_trades_ts_brin",
    ]
    assert view == 1


async def test_timescale_layout_where_the_extension_exists(store, url) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        installed = await connection.fetchval(
            "SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'"
        )
        if not installed:
            pytest.skip("no TimescaleDB on this server: the fallback layout is in use")
        hypertables = await connection.fetchval(
            "SELECT count(*) FROM timescaledb_information.hypertables"
        )
        policies = await connection.fetchval(
            "SELECT count(*) FROM timescaledb_information.jobs "
            "WHERE proc_name IN ('policy_compression', 'policy_refresh_continuous_aggregate')"
        )
    finally:
        await connection.close()
    assert hypertables == 4
    assert policies == 5
    assert await store.timescale() is True


async def test_the_migration_goes_down_and_up_again(url) -> None:
    engine = create_engine(url)
    try:
        await downgrade(engine, "0001")
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names())
        assert "md_candles" not in tables
        assert "outbox_relay" not in tables
        await migrate(engine)
    finally:
        await dispose(engine)


@pytest.mark.parametrize("step", ["up", "down", "up again"])
async def test_on_sqlite_only_the_shared_tables_are_made(tmp_path, step) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}")
    try:
        await migrate(engine)
        if step != "up":
            await downgrade(engine, "0001")
        if step == "up again":
            await migrate(engine)
        async with engine.connect() as connection:
            tables = set(await connection.run_sync(lambda s: sa.inspect(s).get_table_names()))
    finally:
        await dispose(engine)
    shared = {"outbox_relay", "idempotency_keys", "leader_fences"}
    assert not {t for t in tables if t.startswith("md_")}
    assert (shared <= tables) is (step != "down")
