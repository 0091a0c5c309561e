"""Benchmark PgMarketDataStore: 10 symbols x 1 year of 1m candles (~5.3M rows).

    .venv/bin/python bench/candle_store_pg.py [--symbols 10] [--days 365]

Creates a scratch database on 127.0.0.1:5432 (dropped afterwards), migrates it, then
measures COPY ingest, upsert (the whole set again with every 10th bar revised) and
range reads (each symbol's year as numpy arrays). Peak memory is the process's
maximum resident set size.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import time
import uuid

import asyncpg
import numpy as np
import pandas as pd

from adapters.postgres.market_data import CANDLES, HOURLY, PgMarketDataStore
from adapters.sql.engine import create_engine, dispose, migrate

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
START_MS = 1_672_531_200_000  # 2023-01-01
MINUTE = 60_000


def candles(symbol: str, seed: int, rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.001, rows)))
    open_ = np.concatenate([[100.0], close[:-1]])
    spread = np.abs(rng.normal(0.0, 0.0005, rows)) * close
    volume = rng.gamma(2.0, 10.0, rows)
    return pd.DataFrame(
        {
            "symbol": symbol,
            "timeframe": "1m",
            "ts": START_MS + np.arange(rows, dtype=np.int64) * MINUTE,
            "open": open_,
            "high": np.maximum(open_, close) + spread,
            "low": np.minimum(open_, close) - spread,
            "close": close,
            "volume": volume,
            "quote_volume": volume * close,
        }
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(symbols: int, days: int) -> None:
    name = f"bench_md_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = await asyncpg.connect(ADMIN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    try:
        engine = create_engine(url)
        await migrate(engine)
        await dispose(engine)
        await measure(url, [f"SYM{i:02d}USDT" for i in range(symbols)], days * 1440)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def measure(url: str, names: list[str], rows: int) -> None:
    store = PgMarketDataStore(url)
    await store.open()
    print(f"TimescaleDB layout: {await store.timescale()}")
    total = rows * len(names)
    print(f"rows: {total:,} ({len(names)} symbols x {rows:,} one-minute bars)")

    elapsed = 0.0
    for seed, symbol in enumerate(names):
        frame = candles(symbol, seed, rows)
        started = time.perf_counter()
        await store.append(CANDLES, frame)
        elapsed += time.perf_counter() - started
    print(f"COPY ingest : {total / elapsed:12,.0f} rows/s  ({elapsed:.1f} s)")

    elapsed, written = 0.0, 0
    for seed, symbol in enumerate(names):
        frame = candles(symbol, seed, rows)
        frame.loc[::10, "close"] = frame.loc[::10, "open"]
        frame.loc[::10, "high"] = frame.loc[::10, ["high", "open"]].max(axis=1)
        frame.loc[::10, "low"] = frame.loc[::10, ["low", "open"]].min(axis=1)
        started = time.perf_counter()
        written += await store.upsert(CANDLES, frame)
        elapsed += time.perf_counter() - started
    print(
        f"upsert      : {total / elapsed:12,.0f} rows/s  ({elapsed:.1f} s, "
        f"{written:,} rows changed)"
    )

    end = START_MS + rows * MINUTE
    started = time.perf_counter()
    read = 0
    for symbol in names:
        arrays = await store.read(CANDLES, symbol, START_MS, end, timeframe="1m")
        read += len(arrays["ts"])
    elapsed = time.perf_counter() - started
    print(f"range read  : {read / elapsed:12,.0f} rows/s  ({elapsed:.1f} s, {read:,} rows)")

    started = time.perf_counter()
    hourly = await store.frame(HOURLY, names[0], START_MS, end)
    print(
        f"hourly view : {len(hourly):,} bars of one symbol in {time.perf_counter() - started:.2f} s"
    )
    print(f"peak RSS    : {peak_mb():,.0f} MB")
    await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--symbols", type=int, default=10)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    asyncio.run(run(args.symbols, args.days))


if __name__ == "__main__":
    main()
