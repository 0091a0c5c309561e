"""From a price table to optimal weights: estimate, constrain, solve.

One pipeline serves the offline CLI (a user's CSV) and the PortfolioService (user
prices or stored candles), so both give the same answer on the same prices.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike

from domain.errors import InvalidInput
from domain.portfolio import covariance as est
from domain.portfolio.model import MarketModel, OptimalPortfolio, WeightConstraints
from domain.portfolio.optimization import (
    efficient_frontier,
    efficient_return,
    efficient_risk,
    max_sharpe,
    min_variance,
    risk_parity,
)


class Objective(StrEnum):
    MAX_SHARPE = "max-sharpe"
    MIN_VOLATILITY = "min-volatility"
    TARGET_RETURN = "target-return"
    TARGET_VOLATILITY = "target-volatility"
    RISK_PARITY = "risk-parity"


class ReturnEstimator(StrEnum):
    MEAN = "mean"
    CAGR = "cagr"
    EWMA = "ewma"


class CovarianceEstimator(StrEnum):
    SAMPLE = "sample"
    EWMA = "ewma"
    LEDOIT_WOLF = "ledoit-wolf"


@dataclass(frozen=True, slots=True)
class OptimizationSpec:
    """How to estimate and what to ask for; figures are annualised by `periods_per_year`."""

    objective: Objective = Objective.MAX_SHARPE
    expected_returns: ReturnEstimator = ReturnEstimator.MEAN
    covariance: CovarianceEstimator = CovarianceEstimator.SAMPLE
    risk_free_rate: float = 0.0
    periods_per_year: float = 252.0
    long_short: bool = False
    target_return: float | None = None
    target_volatility: float | None = None
    max_weight: float | None = None
    gross_leverage: float | None = None
    frontier_points: int = 20
    assets: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not math.isfinite(self.risk_free_rate):
            raise InvalidInput("risk_free_rate", f"must be finite, got {self.risk_free_rate}")
        if not math.isfinite(self.periods_per_year) or self.periods_per_year <= 0:
            raise InvalidInput("periods_per_year", f"must be > 0, got {self.periods_per_year}")
        if self.objective is Objective.TARGET_RETURN and self.target_return is None:
            raise InvalidInput("target_return", "the target-return objective needs one")
        if self.objective is Objective.TARGET_VOLATILITY and self.target_volatility is None:
            raise InvalidInput("target_volatility", "the target-volatility objective needs one")
        if self.max_weight is not None and not self.max_weight > 0:
            raise InvalidInput("max_weight", f"must be > 0, got {self.max_weight}")
        if self.gross_leverage is not None and not self.gross_leverage > 0:
            raise InvalidInput("gross_leverage", f"must be > 0, got {self.gross_leverage}")

    def constraints(self) -> WeightConstraints:
        if self.long_short:
            cap = self.max_weight if self.max_weight is not None else math.inf
            return WeightConstraints.long_short(self.gross_leverage, cap)
        cap = self.max_weight if self.max_weight is not None else 1.0
        return WeightConstraints(0.0, cap, self.gross_leverage)


@dataclass(frozen=True, slots=True)
class Estimated:
    model: MarketModel
    observations: int
    shrinkage: float | None


def estimate(assets: Sequence[str], prices: ArrayLike, spec: OptimizationSpec) -> Estimated:
    """Turn a T x N price table into annualised expected returns and covariance."""
    names = tuple(assets)
    if len(names) < 2:
        raise InvalidInput("assets", f"need at least two assets, got {len(names)}")
    table = np.asarray(prices, dtype=np.float64)
    if table.ndim != 2 or table.shape[1] != len(names):
        raise InvalidInput("prices", f"need one column per asset ({len(names)})")
    if table.shape[0] < 3:
        raise InvalidInput("prices", f"need at least 3 rows of prices, got {table.shape[0]}")
    returns = est.returns_from_prices(table)
    ppy = spec.periods_per_year
    if spec.expected_returns is ReturnEstimator.CAGR:
        mu = est.cagr(returns, ppy)
    elif spec.expected_returns is ReturnEstimator.EWMA:
        mu = est.ewma_mean_return(returns, periods_per_year=ppy)
    else:
        mu = est.mean_return(returns, ppy)
    shrinkage = None
    if spec.covariance is CovarianceEstimator.SAMPLE:
        cov = est.sample_covariance(returns, ppy)
    elif spec.covariance is CovarianceEstimator.EWMA:
        cov = est.ewma_covariance(returns, periods_per_year=ppy)
    else:
        shrunk = est.ledoit_wolf(returns, ppy)
        cov, shrinkage = shrunk.covariance, shrunk.shrinkage
    return Estimated(MarketModel.of(names, mu, cov), int(returns.shape[0]), shrinkage)


def solve(model: MarketModel, spec: OptimizationSpec) -> OptimalPortfolio:
    """Return the portfolio the spec's objective asks for."""
    rate, bounds = spec.risk_free_rate, spec.constraints()
    if spec.objective is Objective.MAX_SHARPE:
        return max_sharpe(model, bounds, rate)
    if spec.objective is Objective.MIN_VOLATILITY:
        return min_variance(model, bounds, rate)
    if spec.objective is Objective.TARGET_RETURN:
        assert spec.target_return is not None
        return efficient_return(model, spec.target_return, bounds, rate)
    if spec.objective is Objective.TARGET_VOLATILITY:
        assert spec.target_volatility is not None
        return efficient_risk(model, spec.target_volatility, bounds, rate)
    if spec.long_short:
        raise InvalidInput("long_short", "risk parity is long-only")
    return risk_parity(model, None, rate)


def frontier(model: MarketModel, spec: OptimizationSpec) -> tuple[OptimalPortfolio, ...]:
    """Return `spec.frontier_points` portfolios along the efficient frontier."""
    return efficient_frontier(model, spec.frontier_points, spec.constraints(), spec.risk_free_rate)
