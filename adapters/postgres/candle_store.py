"""PgCandleStore: the CandleStore port on PgMarketDataStore (md_candles, COPY + upsert).

The bulk paths (`frame`, `arrays`) skip Candle objects entirely; the port's `range`
builds them from the decoded arrays because the port returns Candles.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from adapters.postgres.market_data import CANDLES, PgMarketDataStore
from domain.market.candles import Candle, Timeframe

_VALUES = ("open", "high", "low", "close", "volume", "quote_volume")


class PgCandleStore:
    """CandleStore on PostgreSQL/TimescaleDB; `open()` before use, `close()` after."""

    def __init__(self, store: PgMarketDataStore) -> None:
        self._store = store

    async def upsert(self, candles: Sequence[Candle]) -> int:
        if any(not bar.closed for bar in candles):
            raise ValueError("only closed candles are stored")
        if candles:
            await self._store.upsert(CANDLES, to_frame(candles))
        return len(candles)

    async def range(
        self, symbol: str, timeframe: Timeframe, start_ms: int, end_ms: int
    ) -> list[Candle]:
        got = await self._store.read(CANDLES, symbol, start_ms, end_ms, timeframe=timeframe.value)
        rows = zip(got["ts"].tolist(), *(got[name].tolist() for name in _VALUES), strict=True)
        return [Candle(symbol, timeframe, *row) for row in rows]

    async def last_open_time(self, symbol: str, timeframe: Timeframe) -> int | None:
        query = (
            "SELECT (extract(epoch FROM max(ts)) * 1000)::bigint FROM md_candles "
            "WHERE symbol = $1 AND timeframe = $2"
        )
        value = await self._store.fetchval(query, symbol, timeframe.value)
        return None if value is None else int(value)

    async def symbols(self) -> list[str]:
        # A recursive skip scan over the primary key: one index probe per symbol.
        query = """
            WITH RECURSIVE s AS (
                (SELECT symbol FROM md_candles ORDER BY symbol LIMIT 1)
                UNION ALL
                SELECT (SELECT symbol FROM md_candles WHERE symbol > s.symbol
                        ORDER BY symbol LIMIT 1)
                FROM s WHERE s.symbol IS NOT NULL
            )
            SELECT symbol FROM s WHERE symbol IS NOT NULL
        """
        return [row["symbol"] for row in await self._store.fetch(query)]


def to_frame(candles: Sequence[Candle]) -> pd.DataFrame:
    """Return candles as the frame PgMarketDataStore writes."""
    return pd.DataFrame(
        {
            "symbol": [c.symbol for c in candles],
            "timeframe": [c.timeframe.value for c in candles],
            "ts": np.fromiter((c.open_time for c in candles), np.int64, len(candles)),
            **{
                name: np.fromiter((getattr(c, name) for c in candles), np.float64, len(candles))
                for name in _VALUES
            },
        }
    )
