"""Every BacktestRunStore (memory, SQLite, PostgreSQL) keeps runs alike."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.memory.backtests import InMemoryBacktestRunStore
from adapters.sql.backtests import SqlaBacktestRunStore
from adapters.sql.engine import create_engine, dispose, migrate
from application.backtest.runs import BacktestRunStore, StoredBacktest
from domain.errors import PreconditionFailed
from tests.contract import postgres_database


def _run(run_id: str, created_at: int, strategy: str = "trend") -> StoredBacktest:
    return StoredBacktest(
        run_id=run_id,
        created_at=created_at,
        kind="backtest",
        strategy=strategy,
        symbols=("BTCUSDT", "ETHUSDT"),
        start_ms=1,
        end_ms=2,
        total_return=0.1,
        sharpe=None,
        max_drawdown=-0.05,
        trades=3,
        final_equity="100010.12345678",
        result_json='{"metrics": {"sharpe": null}}',
    )


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[BacktestRunStore]:
    if request.param == "memory":
        yield InMemoryBacktestRunStore()
        return
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp_path / 'bt.db'}"
        else:
            url = stack.enter_context(postgres_database("autotrader_backtests"))
        engine = create_engine(url)
        await migrate(engine)
        try:
            yield SqlaBacktestRunStore(engine)
        finally:
            await dispose(engine)


async def test_runs_round_trip_and_list_newest_first(store: BacktestRunStore) -> None:
    assert await store.get("a") is None
    await store.add(_run("a", 10))
    await store.add(_run("b", 20, "sma_cross"))
    await store.add(_run("c", 30))
    assert await store.get("a") == _run("a", 10)
    assert [r.run_id for r in await store.list()] == ["c", "b", "a"]
    assert [r.run_id for r in await store.list(limit=2)] == ["c", "b"]
    assert [r.run_id for r in await store.list(strategy="trend")] == ["c", "a"]
    assert (await store.list())[0].result == {"metrics": {"sharpe": None}}


async def test_a_run_id_is_stored_once(store: BacktestRunStore) -> None:
    await store.add(_run("a", 10))
    with pytest.raises(PreconditionFailed):
        await store.add(_run("a", 11))
