"""Stored backtest runs: the record, the port that keeps them, and the record of a result."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from application.backtest.result import BacktestResult


@dataclass(frozen=True, slots=True)
class StoredBacktest:
    """One finished run: headline metrics as columns, everything else as the result JSON."""

    run_id: str
    created_at: int
    kind: str  # "backtest" or "walkforward"
    strategy: str
    symbols: tuple[str, ...]
    start_ms: int
    end_ms: int
    total_return: float | None
    sharpe: float | None
    max_drawdown: float | None
    trades: int
    final_equity: str
    result_json: str

    @property
    def result(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.result_json)
        return document


class BacktestRunStore(Protocol):
    """Where finished runs are kept (SQL table `backtests`, or memory)."""

    async def add(self, run: StoredBacktest) -> None: ...

    async def get(self, run_id: str) -> StoredBacktest | None: ...

    async def list(self, limit: int = 50, strategy: str | None = None) -> Sequence[StoredBacktest]:
        """Return runs, newest first."""
        ...


def _metric(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def stored(
    result: BacktestResult, run_id: str, created_at: int, kind: str = "backtest"
) -> StoredBacktest:
    """Return the record of `result` under `run_id`."""
    result.run_id = run_id
    summary = result.summary()
    metrics = summary["metrics"]
    spec = result.spec
    return StoredBacktest(
        run_id=run_id,
        created_at=created_at,
        kind=kind,
        strategy=spec.strategy,
        symbols=spec.symbols,
        start_ms=spec.start_ms,
        end_ms=spec.end_ms,
        total_return=_metric(metrics.get("total_return")),
        sharpe=_metric(metrics.get("sharpe")),
        max_drawdown=_metric(metrics.get("max_drawdown")),
        trades=len(result.trades),
        final_equity=str(result.final_equity),
        result_json=json.dumps(summary, separators=(",", ":")),
    )
