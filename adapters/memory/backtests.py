"""InMemoryBacktestRunStore: the BacktestRunStore fake."""

from __future__ import annotations

from collections.abc import Sequence

from application.backtest.runs import StoredBacktest
from domain.errors import PreconditionFailed


class InMemoryBacktestRunStore:
    def __init__(self) -> None:
        self._runs: dict[str, StoredBacktest] = {}

    async def add(self, run: StoredBacktest) -> None:
        if run.run_id in self._runs:
            raise PreconditionFailed(f"backtest {run.run_id!r} already exists")
        self._runs[run.run_id] = run

    async def get(self, run_id: str) -> StoredBacktest | None:
        return self._runs.get(run_id)

    async def list(self, limit: int = 50, strategy: str | None = None) -> Sequence[StoredBacktest]:
        runs = [r for r in self._runs.values() if strategy in (None, r.strategy)]
        runs.sort(key=lambda r: (r.created_at, r.run_id), reverse=True)
        return runs[:limit]
