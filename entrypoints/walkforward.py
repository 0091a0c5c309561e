"""Search and walk-forward for the CLI and the server: executors, summaries, storage."""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

from adapters.backtest.jobs import DaskExecutor, LocalPoolExecutor, run_job
from application.backtest.runs import BacktestRunStore, StoredBacktest
from application.backtest.search import (
    Executor,
    SearchResult,
    WalkForwardResult,
    grid,
    walk_forward,
)
from application.backtest.spec import BacktestSpec
from domain.errors import InvalidInput
from domain.performance import compute_report


def executor_for(cluster: str | None, workers: int | None = None) -> Executor:
    """Return the Dask executor for a scheduler address, else the local process pool."""
    if cluster:
        if not cluster.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
            raise InvalidInput(
                "cluster", f"expected a scheduler address like tcp://host:8786, got {cluster!r}"
            )
        try:
            return DaskExecutor(cluster)
        except (OSError, TimeoutError) as error:
            raise InvalidInput(
                "cluster", f"cannot reach the Dask scheduler {cluster}: {error}"
            ) from error
    return LocalPoolExecutor(workers)


def parse_grid(items: Mapping[str, str]) -> list[dict[str, Any]]:
    """Turn name → "v1,v2,..." (JSON values, bare words as text) into parameter sets."""
    space: dict[str, list[Any]] = {}
    for name, text in items.items():
        values = [_value(v.strip()) for v in text.split(",") if v.strip()]
        if not values:
            raise InvalidInput(f"grid.{name}", "give at least one value")
        space[name] = values
    return grid(space) if space else [{}]


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _clean(value: float) -> float | None:
    return value if math.isfinite(value) else None


def search_summary(result: SearchResult) -> dict[str, Any]:
    rows = [
        {
            "params": r.params,
            "final_equity": r.final_equity,
            **{k: _clean(v) for k, v in r.metrics.items()},
        }
        for r in result.surface
    ]
    top = [
        {"params": r.params, result.objective: _clean(r.metrics.get(result.objective, math.nan))}
        for r in result.top
    ]
    return {"objective": result.objective, "top": top, "surface": rows}


def walk_forward_summary(spec: BacktestSpec, result: WalkForwardResult) -> dict[str, Any]:
    metrics: dict[str, float | None] = {}
    if result.equity.size >= 2:
        report = compute_report(result.equity, result.timestamps, None)
        metrics = {
            "total_return": _clean(report.total_return),
            "cagr": _clean(report.cagr),
            "sharpe": _clean(report.sharpe),
            "sortino": _clean(report.sortino),
            "max_drawdown": _clean(report.max_drawdown),
        }
    step = max(1, result.equity.size // 2000)
    return {
        "spec": spec.model_dump(mode="json"),
        "objective": result.objective,
        "in_sample": _clean(result.in_sample),
        "out_of_sample": _clean(result.out_of_sample),
        "degradation": _clean(result.degradation),
        "metrics": metrics,
        "windows": [
            {
                "train": [w.window.train_start, w.window.train_end],
                "test": [w.window.test_start, w.window.test_end],
                "best_params": w.best_params,
                "in_sample": _clean(w.in_sample),
                "out_of_sample": _clean(w.out_of_sample),
            }
            for w in result.windows
        ],
        "equity_curve": {
            "timestamps": result.timestamps[::step].tolist(),
            "equity": [round(float(v), 2) for v in result.equity[::step]],
        },
    }


def stored_walk_forward(run_id: str, summary: dict[str, Any]) -> StoredBacktest:
    spec, metrics = summary["spec"], summary["metrics"]
    final = summary["equity_curve"]["equity"][-1] if summary["equity_curve"]["equity"] else 0
    return StoredBacktest(
        run_id=run_id,
        created_at=int(time.time() * 1000),
        kind="walkforward",
        strategy=spec["strategy"],
        symbols=tuple(spec["symbols"]),
        start_ms=spec["start_ms"],
        end_ms=spec["end_ms"],
        total_return=metrics.get("total_return"),
        sharpe=metrics.get("sharpe"),
        max_drawdown=metrics.get("max_drawdown"),
        trades=0,
        final_equity=str(final),
        result_json=json.dumps(summary, separators=(",", ":")),
    )


async def run_walk_forward_stream(runs: BacktestRunStore, request: Any) -> AsyncIterator[Any]:
    """Serve RunWalkForward: progress per half (train, test), then the stored result."""
    from autotrader.v1 import backtest_pb2 as pb
    from entrypoints import backtests
    from entrypoints.grpc.backtest_servicer import run_pb, spec_from_pb

    spec = spec_from_pb(request.spec)
    sets = parse_grid(dict(request.grid))
    train, test = request.train_days or 30, request.test_days or 7
    objective = request.objective or "sharpe"
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[int, int] | WalkForwardResult | BaseException] = asyncio.Queue()

    def work() -> None:
        def progress(done: int, total: int) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, (done, total))

        try:
            outcome: WalkForwardResult | BaseException = walk_forward(
                spec,
                sets,
                run_job,
                LocalPoolExecutor(),
                train,
                test,
                request.anchored,
                objective,
                progress=progress,
            )
        except BaseException as error:  # re-raised on the server's loop
            outcome = error
        loop.call_soon_threadsafe(queue.put_nowait, outcome)

    threading.Thread(target=work, name="walkforward", daemon=True).start()
    while True:
        item = await queue.get()
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, tuple):
            yield pb.RunWalkForwardResponse(
                progress=pb.BacktestProgress(bars_done=item[0], bars_total=item[1])
            )
            continue
        run = stored_walk_forward(backtests.new_run_id(), walk_forward_summary(spec, item))
        await runs.add(run)
        yield pb.RunWalkForwardResponse(result=run_pb(run))
        return
