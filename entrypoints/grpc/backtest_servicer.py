"""BacktestService: proto → backtest run → proto, nothing more."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

from application.backtest.result import BacktestResult
from application.backtest.runs import BacktestRunStore, StoredBacktest
from application.backtest.spec import BacktestSpec, parse_spec
from autotrader.v1 import backtest_pb2 as pb
from domain.errors import InvalidInput, NotFound
from entrypoints import backtests

MAX_LIST = 500


class BacktestServicer:
    def __init__(self, runs: BacktestRunStore, database_url: str | None) -> None:
        self._runs = runs
        self._database_url = database_url

    async def RunBacktest(self, request: pb.RunBacktestRequest, context: Any) -> AsyncIterator[Any]:
        spec = spec_from_pb(request.spec)
        async for item in backtests.run_in_thread(spec, self._database_url):
            if isinstance(item, BacktestResult):
                run = await backtests.save(self._runs, item)
                yield pb.RunBacktestResponse(result=run_pb(run))
            else:
                progress = pb.BacktestProgress(bars_done=item, bars_total=spec.minutes)
                yield pb.RunBacktestResponse(progress=progress)

    async def GetBacktest(self, request: pb.GetBacktestRequest, context: Any) -> Any:
        run_id = request.run_id.strip()
        if not run_id:
            raise InvalidInput("run_id", "is required")
        run = await self._runs.get(run_id)
        if run is None:
            raise NotFound("backtest", run_id)
        return pb.GetBacktestResponse(run=run_pb(run))

    async def ListBacktests(self, request: pb.ListBacktestsRequest, context: Any) -> Any:
        if not 0 <= request.limit <= MAX_LIST:
            raise InvalidInput("limit", f"must be between 0 and {MAX_LIST}")
        runs = await self._runs.list(request.limit or 50, request.strategy or None)
        return pb.ListBacktestsResponse(runs=[run_pb(r, with_result=False) for r in runs])

    async def RunWalkForward(
        self, request: pb.RunWalkForwardRequest, context: Any
    ) -> AsyncIterator[Any]:
        from entrypoints.walkforward import run_walk_forward_stream

        async for message in run_walk_forward_stream(self._runs, request):
            yield message


def spec_from_pb(spec: pb.BacktestSpec) -> BacktestSpec:
    """Validate a proto spec; InvalidInput names the first bad field."""
    values: dict[str, Any] = {
        "strategy": spec.strategy or "trend",
        "symbols": list(spec.symbols) or ["BTCUSDT"],
        "start_ms": spec.start_ms,
        "end_ms": spec.end_ms,
        "data": "db" if spec.data == pb.DATA_SOURCE_DATABASE else "synthetic",
        "params": json_values(spec.params, "params"),
        "risk": dict(spec.risk),
        **json_values(spec.settings, "settings"),
    }
    if spec.seed:
        values["seed"] = spec.seed
    return parse_spec(values)


def json_values(values: Mapping[str, str], field: str) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for key, text in values.items():
        try:
            parsed[key] = json.loads(text)
        except json.JSONDecodeError:
            parsed[key] = text  # a bare word: a string value
    if field == "settings":
        for forbidden in ("strategy", "symbols", "params", "risk", "start_ms", "end_ms", "data"):
            if forbidden in parsed:
                raise InvalidInput(f"settings.{forbidden}", "set it in its own field")
    return parsed


def run_pb(run: StoredBacktest, with_result: bool = True) -> pb.BacktestRun:
    return pb.BacktestRun(
        run_id=run.run_id,
        created_at_ms=run.created_at,
        kind=run.kind,
        strategy=run.strategy,
        symbols=list(run.symbols),
        start_ms=run.start_ms,
        end_ms=run.end_ms,
        metrics=backtests.metrics_text(run),
        final_equity=run.final_equity,
        trades=run.trades,
        result_json=run.result_json if with_result else "",
    )
