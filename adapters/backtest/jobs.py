"""The picklable backtest job and the executors that fan jobs out.

`run_job` is a plain module-level function of plain values, so a process pool or a Dask
worker can import and run it; it rebuilds the spec and runs the kernel in a fresh
event loop.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from adapters.backtest.kernel import run_backtest
from application.backtest.search import JobResult
from application.backtest.spec import parse_spec

T = TypeVar("T")
R = TypeVar("R")


def run_job(job: tuple[dict[str, Any], bool]) -> JobResult:
    """Backtest one spec (as values); keep the equity curve when `job[1]` is true."""
    values, with_curve = job
    result = asyncio.run(run_backtest(parse_spec(values)))
    metrics = result.metrics()
    return JobResult(
        params=dict(result.spec.params),
        metrics=metrics,
        final_equity=str(result.final_equity),
        timestamps=result.timestamps.copy() if with_curve else None,
        equity=result.equity.copy() if with_curve else None,
    )


class SerialExecutor:
    """Run the jobs one after the other in this process."""

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return [fn(item) for item in items]


class LocalPoolExecutor:
    """A local process pool (the default): `workers` processes, one per core by default."""

    def __init__(self, workers: int | None = None) -> None:
        self._workers = workers or os.cpu_count() or 1

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        if len(items) <= 1 or self._workers == 1:
            return [fn(item) for item in items]
        with ProcessPoolExecutor(min(self._workers, len(items))) as pool:
            return list(pool.map(fn, items))


class DaskExecutor:
    """A Dask distributed cluster, by scheduler address (`tcp://host:8786`) or Client."""

    def __init__(self, address: Any) -> None:
        from distributed import Client

        self._client = address if isinstance(address, Client) else Client(address)
        self._owned = not isinstance(address, Client)

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        futures = self._client.map(fn, list(items), pure=False)
        results: list[R] = self._client.gather(futures)
        return results

    def close(self) -> None:
        if self._owned:
            self._client.close()
