"""PgCandleStore passes the CandleStore contract (issue 3's suite, run on md_candles)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from adapters.postgres.candle_store import PgCandleStore
from adapters.postgres.market_data import PgMarketDataStore, asyncpg_dsn
from tests.contract.test_candle_store_contract import (  # noqa: F401 - collected here again
    test_keys_separate_symbols_and_timeframes,
    test_last_open_time_and_bulk,
    test_open_candles_are_refused,
    test_range_is_half_open_and_ordered,
    test_upsert_is_idempotent_and_replaces,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
async def stores(pg_url: str) -> AsyncIterator[tuple[Any, None, None]]:
    connection = await asyncpg.connect(asyncpg_dsn(pg_url))
    await connection.execute("TRUNCATE md_candles")
    await connection.close()
    market = PgMarketDataStore(pg_url)
    await market.open()
    yield PgCandleStore(market), None, None
    await market.close()
