"""Where closed candles are kept: the candle-store port."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.market.candles import Candle, Timeframe


class CandleStore(Protocol):
    """Closed OHLCV bars keyed by (symbol, timeframe, open_time).

    Writing a bar whose key is already stored replaces it, so imports and back-fills
    can be repeated safely. Implementations: in memory, SQL (SQLite/PostgreSQL) and,
    later, TimescaleDB.
    """

    async def upsert(self, candles: Sequence[Candle]) -> int:
        """Store closed candles (any symbols and timeframes); return how many were given."""
        ...

    async def range(
        self, symbol: str, timeframe: Timeframe, start_ms: int, end_ms: int
    ) -> list[Candle]:
        """Return the bars with start_ms <= open_time < end_ms, oldest first."""
        ...

    async def last_open_time(self, symbol: str, timeframe: Timeframe) -> int | None:
        """Return the open time of the newest stored bar, or None if there is none."""
        ...

    async def symbols(self) -> list[str]:
        """Return every symbol with at least one stored bar, sorted."""
        ...
