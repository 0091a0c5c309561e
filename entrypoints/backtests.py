"""Run backtests for the CLI and the server: off the caller's event loop, then stored.

A run is CPU-bound, so the server runs it in a worker thread with its own event loop
(and its own database engine for stored candles) and streams progress back.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

from adapters.backtest.kernel import run_backtest
from application.backtest.result import BacktestResult
from application.backtest.runs import BacktestRunStore, StoredBacktest, stored
from application.backtest.spec import BacktestSpec

Progress = Callable[[int], None]


def new_run_id() -> str:
    return uuid.uuid4().hex[:16]


async def execute(
    spec: BacktestSpec, database_url: str | None, progress: Progress
) -> BacktestResult:
    """Run `spec` on this thread's loop; stored candles come from `database_url`."""
    if spec.data != "db":
        return await run_backtest(spec, progress=progress)
    from adapters.sql.candles import SqlaCandleStore
    from adapters.sql.engine import create_engine, dispose

    if database_url is None:
        from domain.errors import InvalidInput

        raise InvalidInput("data", "no database configured for stored candles")
    engine = create_engine(database_url)
    try:
        return await run_backtest(spec, SqlaCandleStore(engine), progress=progress)
    finally:
        await dispose(engine)


async def run_in_thread(
    spec: BacktestSpec, database_url: str | None
) -> AsyncIterator[int | BacktestResult]:
    """Yield minutes done as the run progresses in a worker thread, then its result."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[int | BacktestResult | BaseException] = asyncio.Queue()

    def report(done: int) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, done)

    def work() -> None:
        try:
            outcome: int | BacktestResult | BaseException = asyncio.run(
                execute(spec, database_url, report)
            )
        except BaseException as error:  # handed to the caller's loop, re-raised there
            outcome = error
        loop.call_soon_threadsafe(queue.put_nowait, outcome)

    threading.Thread(target=work, name="backtest", daemon=True).start()
    while True:
        item = await queue.get()
        if isinstance(item, BaseException):
            raise item
        yield item
        if isinstance(item, BacktestResult):
            return


async def save(
    store: BacktestRunStore, result: BacktestResult, kind: str = "backtest"
) -> StoredBacktest:
    run = stored(result, new_run_id(), int(time.time() * 1000), kind)
    await store.add(run)
    return run


def metrics_text(run: StoredBacktest) -> dict[str, str]:
    """Return the stored run's metrics as decimal strings ("" when undefined)."""
    metrics: dict[str, Any] = json.loads(run.result_json).get("metrics", {})
    return {k: "" if v is None else repr(float(v)) for k, v in metrics.items()}
