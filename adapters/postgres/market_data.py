"""PgMarketDataStore: candles, trades, funding and mark prices in PostgreSQL, in bulk.

Writes go through binary COPY built by numpy: `append` copies straight into the table
(fastest; a row already stored is an error), `upsert` copies into a temporary table
and merges with INSERT ... ON CONFLICT DO UPDATE, so late or repeated data is
idempotent and unchanged rows are not rewritten. Reads run `COPY (SELECT ...) TO
STDOUT (FORMAT binary)` and come back as numpy arrays (or a pandas frame) decoded in
one pass. The schema (plain tables + BRIN, or TimescaleDB hypertables) is made by
migration 0006; this adapter reads and writes both alike.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import numpy as np
import numpy.typing as npt
import pandas as pd

from adapters.postgres.binary_copy import Column, decode, encode
from adapters.postgres.dsn import asyncpg_dsn
from adapters.postgres.validation import check_frame
from application.ports.storage import StorageUnavailable
from domain.errors import InvalidInput

Arrays = dict[str, npt.NDArray[np.generic]]
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Series:
    """One market-data table: its columns, key and the columns a read returns."""

    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    selector: tuple[str, ...]  # besides symbol, the text columns a read filters on

    @property
    def values(self) -> tuple[Column, ...]:
        """Return the fixed-width columns a range read returns, time first."""
        return tuple(c for c in self.columns if c.kind != "text")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _f8(*names: str) -> tuple[Column, ...]:
    return tuple(Column(name, "f8") for name in names)


CANDLES = Series(
    "md_candles",
    (
        Column("symbol", "text"),
        Column("timeframe", "text"),
        Column("ts", "ts"),
        *_f8("open", "high", "low", "close", "volume", "quote_volume"),
    ),
    key=("symbol", "timeframe", "ts"),
    selector=("timeframe",),
)
HOURLY = Series(
    "md_candles_1h",
    (
        Column("symbol", "text"),
        Column("ts", "ts"),
        *_f8("open", "high", "low", "close", "volume", "quote_volume"),
    ),
    key=("symbol", "ts"),
    selector=(),
)
TRADES = Series(
    "md_trades",
    (
        Column("symbol", "text"),
        Column("ts", "ts"),
        Column("trade_id", "i8"),
        *_f8("price", "qty"),
        Column("is_buyer_maker", "bool"),
    ),
    key=("symbol", "ts", "trade_id"),
    selector=(),
)
FUNDING = Series(
    "md_funding",
    (Column("symbol", "text"), Column("ts", "ts"), *_f8("rate", "mark_price")),
    key=("symbol", "ts"),
    selector=(),
)
MARK_PRICES = Series(
    "md_mark_prices",
    (
        Column("symbol", "text"),
        Column("ts", "ts"),
        *_f8("mark", "index_price", "funding_rate"),
        Column("next_funding_time", "ts"),
    ),
    key=("symbol", "ts"),
    selector=(),
)
WRITABLE = {s.table: s for s in (CANDLES, TRADES, FUNDING, MARK_PRICES)}


class PgMarketDataStore:
    """Bulk market data on PostgreSQL through an asyncpg pool it opens and closes."""

    def __init__(self, url: str, pool_size: int = 4) -> None:
        self._dsn = asyncpg_dsn(url)
        self._pool_size = pool_size
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()

    async def open(self) -> None:
        """Open the pool now (it also opens on first use); StorageUnavailable when down."""
        async with self._opening:
            if self._pool is not None:
                return
            try:
                self._pool = await asyncpg.create_pool(
                    self._dsn, min_size=1, max_size=self._pool_size, timeout=5
                )
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                raise StorageUnavailable(f"cannot connect to PostgreSQL: {exc}") from exc

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def timescale(self) -> bool:
        """Tell whether md_candles is a TimescaleDB hypertable."""
        query = (
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') "
            "AND to_regclass('timescaledb_information.hypertables') IS NOT NULL"
        )
        installed = await self.fetchval(query)
        if not installed:
            return False
        hyper = "SELECT count(*) FROM timescaledb_information.hypertables WHERE hypertable_name=$1"
        return bool(await self.fetchval(hyper, CANDLES.table))

    # -- writes ---------------------------------------------------------------

    async def append(self, series: Series, frame: pd.DataFrame) -> int:
        """COPY new rows straight into the table; a row already stored is InvalidInput."""
        frame = check_frame(series, frame)
        if frame.empty:
            return 0
        data = encode(frame, series.columns)
        async with self._connection() as connection:
            try:
                await _copy_in(connection, series.table, series.names, data)
            except asyncpg.UniqueViolationError as exc:
                raise InvalidInput(
                    "rows", f"some are already stored in {series.table}; upsert them instead"
                ) from exc
        return len(frame)

    async def upsert(self, series: Series, frame: pd.DataFrame) -> int:
        """Insert new rows and overwrite changed ones; return how many rows were written.

        Repeating a batch writes nothing; within a batch the last row for a key wins.
        """
        frame = check_frame(series, frame).drop_duplicates(list(series.key), keep="last")
        if frame.empty:
            return 0
        data = encode(frame, series.columns)
        stage = f"stage_{series.table}"
        async with self._connection() as connection, connection.transaction():
            await connection.execute(
                f"CREATE TEMP TABLE {stage} (LIKE {series.table}) ON COMMIT DROP"
            )
            await _copy_in(connection, stage, series.names, data)
            status = await connection.execute(_merge(series, stage))
        return int(status.rsplit(" ", 1)[-1])

    # -- reads ----------------------------------------------------------------

    async def read(
        self, series: Series, symbol: str, start_ms: int, end_ms: int, **selector: str
    ) -> Arrays:
        """Return the rows with start_ms <= ts < end_ms, oldest first, as numpy arrays."""
        if set(selector) != set(series.selector):
            raise InvalidInput("selector", f"{series.table} needs {list(series.selector)}")
        if end_ms < start_ms:
            raise InvalidInput("end_ms", "is before start_ms")
        names = ", ".join(c.name for c in series.values)
        where = ["symbol = $1", "ts >= $2", "ts < $3"]
        where += [f"{name} = ${i}" for i, name in enumerate(series.selector, start=4)]
        # Identifiers come from the Series constants, never from a caller; values are bound.
        query = f"SELECT {names} FROM {series.table} WHERE {' AND '.join(where)} ORDER BY ts"  # noqa: S608
        args = [symbol, _timestamp(start_ms), _timestamp(end_ms)]
        args += [selector[name] for name in series.selector]
        async with self._connection() as connection:
            chunks: list[bytes] = []

            async def _sink(chunk: bytes) -> None:
                chunks.append(chunk)

            await connection.copy_from_query(query, *args, output=_sink, format="binary")
        return decode(b"".join(chunks), series.values)

    async def frame(
        self, series: Series, symbol: str, start_ms: int, end_ms: int, **selector: str
    ) -> pd.DataFrame:
        """Return `read` as a pandas frame indexed by UTC time."""
        columns = await self.read(series, symbol, start_ms, end_ms, **selector)
        index = pd.to_datetime(columns.pop("ts"), unit="ms", utc=True)
        return pd.DataFrame(columns, index=pd.DatetimeIndex(index, name="ts"))

    async def count(self, series: Series, symbol: str | None = None) -> int:
        if symbol is None:
            return int(await self.fetchval(f"SELECT count(*) FROM {series.table}"))  # noqa: S608
        query = f"SELECT count(*) FROM {series.table} WHERE symbol = $1"  # noqa: S608
        return int(await self.fetchval(query, symbol))

    async def fetchval(self, query: str, *args: Any) -> Any:
        """Run a query and return its first value."""
        async with self._connection() as connection:
            return await connection.fetchval(query, *args)

    async def fetch(self, query: str, *args: Any) -> list[Any]:
        """Run a query and return its rows."""
        async with self._connection() as connection:
            return list(await connection.fetch(query, *args))

    def _connection(self) -> _Checkout:
        return _Checkout(self)


class _Checkout:
    """A pooled connection whose lost-connection errors surface as StorageUnavailable."""

    def __init__(self, store: PgMarketDataStore) -> None:
        self._store = store
        self._pool: Any = None
        self._connection: Any = None

    async def __aenter__(self) -> Any:
        await self._store.open()
        self._pool = self._store._pool
        try:
            self._connection = await self._pool.acquire(timeout=10)
        except (OSError, TimeoutError, asyncpg.InterfaceError) as exc:
            raise StorageUnavailable(f"cannot reach PostgreSQL: {exc}") from exc
        return self._connection

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        await self._pool.release(self._connection)
        if isinstance(exc, OSError | asyncpg.ConnectionDoesNotExistError):
            raise StorageUnavailable(f"the PostgreSQL connection was lost: {exc}") from exc


async def _copy_in(connection: Any, table: str, names: Sequence[str], data: bytes) -> None:
    await connection.copy_to_table(
        table, source=_chunks(data), columns=list(names), format="binary"
    )


async def _chunks(data: bytes, size: int = 1 << 22) -> AsyncIterator[bytes]:
    # asyncpg would take bytes for a file name: hand it an async iterable of slices.
    view = memoryview(data)
    for start in range(0, len(view), size):
        yield view[start : start + size]  # type: ignore[misc]


def _merge(series: Series, stage: str) -> str:
    names = ", ".join(series.names)
    keys = ", ".join(series.key)
    rest = [name for name in series.names if name not in series.key]
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in rest)
    old = ", ".join(f"{series.table}.{name}" for name in rest)
    new = ", ".join(f"EXCLUDED.{name}" for name in rest)
    insert = f"INSERT INTO {series.table} ({names}) SELECT {names} FROM {stage} "  # noqa: S608
    changed = f"WHERE ({old}) IS DISTINCT FROM ({new})"
    return f"{insert}ON CONFLICT ({keys}) DO UPDATE SET {updates} {changed}"


def _timestamp(ms: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(milliseconds=ms)
