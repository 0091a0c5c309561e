"""Parameter search and walk-forward validation over the backtest kernel.

The work is a list of independent jobs (one backtest spec each) handed to an `Executor`
(a local process pool, a Dask cluster, or the caller's thread); each job is a pure
function of its spec (seeded data, deterministic kernel), and results come back in job
order, so the outcome is identical whichever executor ran it.

Definitions:
* objective: a metric of the run's report (Sharpe by default); higher is better, and a
  run whose objective is undefined (nan) ranks last.
* walk-forward windows: `train` then `test` days, stepping by `test` days; rolling
  windows keep the train length, anchored ones keep the first start. The best train
  set of each window runs on the test window (after a warm-up of `warmup_days` before
  it, without trading); the test curves are chained by compounding their returns.
* degradation: 1 - mean OOS objective / mean IS objective (0 means no decay; nan when
  the IS mean is not positive).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import numpy as np
import numpy.typing as npt
from annotated_types import Ge, Gt, Le, Lt

from application.backtest.spec import BacktestSpec, parse_spec
from domain.errors import InvalidInput
from domain.strategies import STRATEGIES, StrategyConfigError, build_strategy

T = TypeVar("T")
R = TypeVar("R")
DAY_MS = 86_400_000


class Executor(Protocol):
    """Run `fn` over `items`, returning the results in the items' order."""

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]: ...


@dataclass(frozen=True, slots=True)
class JobResult:
    """What one backtest job sends back: its metrics, and its curve when asked."""

    params: dict[str, Any]
    metrics: dict[str, float]
    final_equity: str
    timestamps: npt.NDArray[np.int64] | None = None
    equity: npt.NDArray[np.float64] | None = None

    def objective(self, name: str) -> float:
        value = self.metrics.get(name, math.nan)
        return value if math.isfinite(value) else -math.inf


Job = Callable[[tuple[dict[str, Any], bool]], JobResult]


@dataclass(slots=True)
class SearchResult:
    """Every evaluated set (the surface) in job order, and the best ones first."""

    objective: str
    surface: list[JobResult]
    top: list[JobResult] = field(default_factory=list)

    @property
    def best(self) -> JobResult:
        return self.top[0]


def grid(space: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Return every combination of the given values, in a fixed order."""
    names = sorted(space)
    return [
        dict(zip(names, combo, strict=True))
        for combo in itertools.product(*(space[n] for n in names))
    ]


def random_sets(
    strategy: str, count: int, seed: int, fixed: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Draw `count` valid parameter sets from the strategy's typed bounds (seeded).

    Integers and floats are drawn uniformly between their Field bounds, booleans by a
    coin; sets the strategy rejects (e.g. slow <= fast) are redrawn.
    """
    cls = STRATEGIES.get(strategy)
    if cls is None:
        raise InvalidInput("strategy", f"unknown strategy {strategy!r}")
    bounds = _bounds(cls.Params.model_fields)
    rng = random.Random(seed)
    drawn: list[dict[str, Any]] = []
    attempts = 0
    while len(drawn) < count and attempts < count * 100:
        attempts += 1
        params = {
            **(fixed or {}),
            **{n: draw(rng) for n, draw in bounds.items() if n not in (fixed or {})},
        }
        try:
            build_strategy(strategy, ["X"], params)
        except StrategyConfigError:
            continue
        drawn.append(params)
    return drawn


def _bounds(fields: Mapping[str, Any]) -> dict[str, Callable[[random.Random], Any]]:
    draws: dict[str, Callable[[random.Random], Any]] = {}
    for name, info in fields.items():
        low: Any = None
        high: Any = None
        for rule in info.metadata:
            if isinstance(rule, Ge | Gt):
                low = rule.ge if isinstance(rule, Ge) else rule.gt
            elif isinstance(rule, Le | Lt):
                high = rule.le if isinstance(rule, Le) else rule.lt
        if info.annotation is bool:
            draws[name] = _coin
        elif info.annotation is int and low is not None and high is not None:
            draws[name] = _integers(int(low), int(min(high, low + 200)))
        elif info.annotation is float and low is not None and high is not None:
            draws[name] = _floats(float(low), float(high))
    return draws


def _coin(rng: random.Random) -> bool:
    return rng.random() < 0.5


def _integers(low: int, high: int) -> Callable[[random.Random], int]:
    return lambda rng: rng.randint(low, high)


def _floats(low: float, high: float) -> Callable[[random.Random], float]:
    return lambda rng: round(rng.uniform(low, high), 6)


def search(
    spec: BacktestSpec,
    sets: Sequence[Mapping[str, Any]],
    job: Job,
    executor: Executor,
    objective: str = "sharpe",
    top: int = 5,
) -> SearchResult:
    """Backtest `spec` with each parameter set; rank by `objective`."""
    if not sets:
        raise InvalidInput("grid", "no parameter sets to evaluate")
    jobs = [(_spec_values(spec, params), False) for params in sets]
    surface = executor.map(job, jobs)
    ranked = sorted(range(len(surface)), key=lambda i: (-surface[i].objective(objective), i))
    return SearchResult(objective, surface, [surface[i] for i in ranked[:top]])


def _spec_values(spec: BacktestSpec, params: Mapping[str, Any], **changes: Any) -> dict[str, Any]:
    values = spec.model_dump(mode="json")
    values["params"] = {**spec.params, **params}
    values.update(changes)
    parse_spec(values)  # fail here, naming the field, rather than in a worker
    return values


@dataclass(frozen=True, slots=True)
class Window:
    train_start: int
    train_end: int
    test_start: int
    test_end: int


def windows(
    start_ms: int, end_ms: int, train_days: int, test_days: int, anchored: bool
) -> list[Window]:
    """Cut [start, end) into train/test windows stepping by the test length."""
    if train_days < 1 or test_days < 1:
        raise InvalidInput("train_days/test_days", "must be >= 1")
    cuts: list[Window] = []
    train_start, train_end = start_ms, start_ms + train_days * DAY_MS
    while train_end + test_days * DAY_MS <= end_ms:
        test_end = train_end + test_days * DAY_MS
        cuts.append(Window(train_start, train_end, train_end, test_end))
        train_end = test_end
        if not anchored:
            train_start += test_days * DAY_MS
    if not cuts:
        raise InvalidInput("end", "the period is shorter than one train + test window")
    return cuts


@dataclass(slots=True)
class WindowResult:
    window: Window
    best_params: dict[str, Any]
    in_sample: float
    out_of_sample: float
    oos_metrics: dict[str, float]


@dataclass(slots=True)
class WalkForwardResult:
    objective: str
    windows: list[WindowResult]
    timestamps: npt.NDArray[np.int64]
    equity: npt.NDArray[np.float64]

    @property
    def in_sample(self) -> float:
        return _mean([w.in_sample for w in self.windows])

    @property
    def out_of_sample(self) -> float:
        return _mean([w.out_of_sample for w in self.windows])

    @property
    def degradation(self) -> float:
        is_mean = self.in_sample
        if not (math.isfinite(is_mean) and is_mean > 0):
            return math.nan
        return 1.0 - self.out_of_sample / is_mean


def _mean(values: Sequence[float]) -> float:
    finite = [v for v in values if math.isfinite(v)]
    return sum(finite) / len(finite) if finite else math.nan


def walk_forward(
    spec: BacktestSpec,
    sets: Sequence[Mapping[str, Any]],
    job: Job,
    executor: Executor,
    train_days: int,
    test_days: int,
    anchored: bool = False,
    objective: str = "sharpe",
    warmup_days: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> WalkForwardResult:
    """Optimise on each train window, run the best set on its test window, stitch."""
    cuts = windows(spec.start_ms, spec.end_ms, train_days, test_days, anchored)
    # Every in-sample job of every window at once: the executor sees all the work.
    train_jobs = [
        (_spec_values(spec, params, start_ms=w.train_start, end_ms=w.train_end), False)
        for w in cuts
        for params in sets
    ]
    trained = executor.map(job, train_jobs)
    if progress is not None:
        progress(len(cuts), 2 * len(cuts))
    best: list[JobResult] = []
    for n in range(len(cuts)):
        chunk = trained[n * len(sets) : (n + 1) * len(sets)]
        best.append(max(chunk, key=lambda r: (r.objective(objective), -chunk.index(r))))
    warmup = warmup_days * DAY_MS
    test_jobs = [
        (
            _spec_values(
                spec,
                b.params,
                start_ms=w.test_start - warmup,
                end_ms=w.test_end,
                warmup_minutes=warmup // 60_000,
            ),
            True,
        )
        for w, b in zip(cuts, best, strict=True)
    ]
    tested = executor.map(job, test_jobs)
    if progress is not None:
        progress(2 * len(cuts), 2 * len(cuts))
    results = [
        WindowResult(
            w,
            b.params,
            b.metrics.get(objective, math.nan),
            t.metrics.get(objective, math.nan),
            t.metrics,
        )
        for w, b, t in zip(cuts, best, tested, strict=True)
    ]
    stamps, equity = _stitch(cuts, tested, float(spec.balance))
    return WalkForwardResult(objective, results, stamps, equity)


def _stitch(
    cuts: Sequence[Window], tested: Sequence[JobResult], start: float
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    stamps: list[npt.NDArray[np.int64]] = []
    curves: list[npt.NDArray[np.float64]] = []
    level = start
    for window, result in zip(cuts, tested, strict=True):
        if result.timestamps is None or result.equity is None:
            raise ValueError("a test job must return its equity curve")
        keep = result.timestamps > window.test_start
        ts, eq = result.timestamps[keep], result.equity[keep]
        if eq.size == 0:
            continue
        base = result.equity[~keep][-1] if (~keep).any() else eq[0]
        curves.append(level * eq / base)
        stamps.append(ts)
        level = float(curves[-1][-1])
    if not curves:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(stamps), np.concatenate(curves)
