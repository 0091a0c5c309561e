"""Grid/random search and walk-forward: same answers on every executor."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest
from distributed import Client, LocalCluster

from adapters.backtest.jobs import DaskExecutor, LocalPoolExecutor, SerialExecutor, run_job
from application.backtest.search import (
    DAY_MS,
    grid,
    random_sets,
    search,
    walk_forward,
    windows,
)
from domain.errors import InvalidInput
from tests.unit.application.backtest.conftest import START, small_spec

GRID = grid({"fast": [3, 5], "slow": [8]})


def test_grid_and_random_sets() -> None:
    assert GRID == [{"fast": 3, "slow": 8}, {"fast": 5, "slow": 8}]
    drawn = random_sets("trend", 5, seed=1, fixed={"timeframe": "5m"})
    assert drawn == random_sets("trend", 5, seed=1, fixed={"timeframe": "5m"})
    assert len(drawn) == 5
    assert all(d["slow"] > d["fast"] and d["timeframe"] == "5m" for d in drawn)


def test_windows_roll_or_anchor() -> None:
    rolling = windows(START, START + 5 * DAY_MS, 2, 1, anchored=False)
    assert [(w.train_start - START) // DAY_MS for w in rolling] == [0, 1, 2]
    anchored = windows(START, START + 5 * DAY_MS, 2, 1, anchored=True)
    assert [(w.train_start - START) // DAY_MS for w in anchored] == [0, 0, 0]
    assert [(w.test_end - START) // DAY_MS for w in anchored] == [3, 4, 5]
    with pytest.raises(InvalidInput):
        windows(START, START + DAY_MS, 2, 1, anchored=False)


def _fingerprint(result: object) -> object:
    if hasattr(result, "surface"):
        return [(r.params, r.final_equity, r.metrics.get("sharpe")) for r in result.surface]
    return (
        [(w.best_params, w.in_sample, w.out_of_sample) for w in result.windows],  # type: ignore[attr-defined]
        result.equity.tolist(),  # type: ignore[attr-defined]
    )


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Client]:
    cluster = LocalCluster(n_workers=1, threads_per_worker=2, processes=False)
    with cluster, Client(cluster) as client:
        yield client


def test_search_and_walk_forward_are_identical_on_every_executor(dask_client: Client) -> None:
    spec = small_spec(days=3)
    executors = [SerialExecutor(), LocalPoolExecutor(2), DaskExecutor(dask_client)]
    searched = [search(spec, GRID, run_job, e) for e in executors]
    assert searched[0].surface[0].params == {**spec.params, "fast": 3, "slow": 8}
    assert len({repr(_fingerprint(s)) for s in searched}) == 1
    best = searched[0].best
    assert best.objective("sharpe") == max(r.objective("sharpe") for r in searched[0].surface)

    walked = [walk_forward(spec, GRID, run_job, e, train_days=1, test_days=1) for e in executors]
    assert len({repr(_fingerprint(w)) for w in walked}) == 1
    result = walked[0]
    assert len(result.windows) == 2
    assert result.equity[0] == pytest.approx(float(spec.balance), rel=0.05)
    assert np.all(np.diff(result.timestamps) > 0)
    assert result.timestamps[0] > START + DAY_MS
    assert math.isnan(result.degradation) or math.isfinite(result.degradation)
