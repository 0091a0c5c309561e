"""Portfolio and risk analytics benchmark on 50 assets x 2 years of daily returns.

Generates seeded synthetic returns from a three-factor model (so the covariance has
realistic structure), then times the covariance estimators, the mean-variance
optimisers, risk parity and every VaR method, and prints the best of three runs.

    .venv/bin/python bench/portfolio_risk.py [--assets 50] [--days 504] [--paths 100000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

# Run as a script from anywhere: the repository root holds the `domain` package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.portfolio.covariance import (
    cagr,
    ewma_covariance,
    ledoit_wolf,
    sample_covariance,
)
from domain.portfolio.optimization import (
    MarketModel,
    WeightConstraints,
    efficient_frontier,
    max_sharpe,
    min_variance,
    risk_parity,
)
from domain.risk.var import (
    bootstrap_var,
    cornish_fisher_var,
    historical_var,
    monte_carlo_var,
    parametric_var,
)

REPEATS = 3
DAYS_PER_YEAR = 252


def synthetic_returns(assets: int, days: int, seed: int = 20240601) -> np.ndarray:
    """Return fat-tailed daily returns driven by three factors plus idiosyncratic noise."""
    rng = np.random.default_rng(seed)
    loadings = rng.normal(0.0, 1.0, size=(assets, 3)) * [0.010, 0.006, 0.004]
    factors = rng.standard_t(5, size=(days, 3)) * np.sqrt(3 / 5)
    noise = rng.normal(0.0, 1.0, size=(days, assets)) * rng.uniform(0.008, 0.02, assets)
    drift = rng.normal(0.0004, 0.0004, assets)
    return np.asarray(drift + factors @ loadings.T + noise, dtype=np.float64)


def best_of(task: Callable[[], object]) -> float:
    """Return the fastest of `REPEATS` wall-clock timings of `task`, in milliseconds."""
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        task()
        timings.append(time.perf_counter() - start)
    return min(timings) * 1_000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=50)
    parser.add_argument("--days", type=int, default=2 * DAYS_PER_YEAR)
    parser.add_argument("--paths", type=int, default=100_000)
    args = parser.parse_args()

    returns = synthetic_returns(args.assets, args.days)
    names = tuple(f"A{i:02d}" for i in range(args.assets))
    covariance = ledoit_wolf(returns, DAYS_PER_YEAR).covariance
    model = MarketModel.of(names, cagr(returns, DAYS_PER_YEAR), covariance)
    long_short = WeightConstraints.long_short(gross_leverage=2.0, max_abs_weight=0.3)
    positions = np.full(args.assets, 1_000_000.0 / args.assets)
    daily_mean, daily_cov = returns.mean(axis=0), sample_covariance(returns)

    tasks: list[tuple[str, Callable[[], object]]] = [
        ("sample covariance", lambda: sample_covariance(returns, DAYS_PER_YEAR)),
        ("EWMA covariance (lambda 0.94)", lambda: ewma_covariance(returns, 0.94, DAYS_PER_YEAR)),
        ("Ledoit-Wolf shrinkage", lambda: ledoit_wolf(returns, DAYS_PER_YEAR)),
        ("min variance, long-only", lambda: min_variance(model)),
        ("min variance, long/short gross<=2", lambda: min_variance(model, long_short)),
        ("max Sharpe, long-only", lambda: max_sharpe(model, None, 0.02)),
        ("max Sharpe, long/short gross<=2", lambda: max_sharpe(model, long_short, 0.02)),
        ("efficient frontier, 20 points", lambda: efficient_frontier(model, 20)),
        ("risk parity (Spinu Newton)", lambda: risk_parity(model)),
        ("historical VaR/CVaR 99% 1d", lambda: historical_var(returns, positions, 0.99)),
        ("historical VaR/CVaR 99% 10d", lambda: historical_var(returns, positions, 0.99, 10)),
        ("parametric VaR/CVaR 99%", lambda: parametric_var(returns, positions, 0.99)),
        ("Cornish-Fisher VaR/CVaR 99%", lambda: cornish_fisher_var(returns, positions, 0.99)),
        (
            f"Monte Carlo MVN VaR, {args.paths:,} paths",
            lambda: monte_carlo_var(
                daily_mean, daily_cov, positions, np.random.default_rng(1), 0.99, 1, args.paths
            ),
        ),
        (
            f"bootstrap VaR 1d, {args.paths:,} paths",
            lambda: bootstrap_var(
                returns, positions, np.random.default_rng(1), 0.99, 1, args.paths
            ),
        ),
        (
            f"bootstrap VaR 10d, {args.paths:,} paths",
            lambda: bootstrap_var(
                returns, positions, np.random.default_rng(1), 0.99, 10, args.paths
            ),
        ),
    ]
    print(f"{args.assets} assets x {args.days} days, best of {REPEATS} (time.perf_counter)")
    print(f"{'task':<40} {'ms':>10}")
    print("-" * 51)
    for label, task in tasks:
        print(f"{label:<40} {best_of(task):>10.2f}")


if __name__ == "__main__":
    main()
