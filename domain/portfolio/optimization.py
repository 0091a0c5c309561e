"""Mean-variance optimisation (Markowitz) and risk parity.

Every optimiser takes a `MarketModel` (assets, expected returns, covariance, all in one
period, usually annual) and `WeightConstraints` (per-asset bounds and an optional cap on
gross leverage sum |w|), solves with scipy's SLSQP, then checks the solver's success
flag and every constraint again before returning; what cannot be satisfied raises
`InfeasiblePortfolio`, a solver that gives up raises `SolverFailed`. Weights sum to one.
The solver machinery lives in `domain.portfolio._solver`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from domain.portfolio._solver import TOLERANCE, MeanVarianceProblem
from domain.portfolio.errors import InfeasiblePortfolio, PortfolioInputError, SolverFailed
from domain.portfolio.model import (
    MarketModel,
    OptimalPortfolio,
    WeightConstraints,
    performance,
    portfolio_of,
    risk_contributions,
)
from domain.risk.checks import finite, positive, positive_int

__all__ = [
    "MarketModel",
    "OptimalPortfolio",
    "WeightConstraints",
    "efficient_frontier",
    "efficient_return",
    "efficient_risk",
    "max_sharpe",
    "min_variance",
    "performance",
    "risk_contributions",
    "risk_parity",
]

FloatArray = NDArray[np.float64]


def min_variance(
    model: MarketModel,
    constraints: WeightConstraints | None = None,
    risk_free_rate: float = 0.0,
) -> OptimalPortfolio:
    """Return the portfolio of least variance that satisfies the constraints."""
    problem = MeanVarianceProblem.build(model, constraints, risk_free_rate)
    return problem.result(problem.min_variance_weights())


def max_sharpe(
    model: MarketModel,
    constraints: WeightConstraints | None = None,
    risk_free_rate: float = 0.0,
) -> OptimalPortfolio:
    """Return the tangency portfolio, the one of highest (mu - rf) / sigma.

    Solved as the convex problem of Cornuejols and Tutuncu: minimise y'S y subject to
    (mu - rf)'y = 1 with the constraints scaled by k = sum(y), then w = y / k, so the
    optimum found is global. Infeasible when no portfolio beats the risk-free rate.
    """
    problem = MeanVarianceProblem.build(model, constraints, risk_free_rate)
    best = problem.highest_return()
    if best <= problem.risk_free_rate + 1e-12:
        raise InfeasiblePortfolio(
            f"no admissible portfolio returns more than the risk-free rate "
            f"{problem.risk_free_rate:g} (best is {best:g}), so the Sharpe ratio has no maximum"
        )
    return problem.result(problem.tangency_weights())


def efficient_return(
    model: MarketModel,
    target_return: float,
    constraints: WeightConstraints | None = None,
    risk_free_rate: float = 0.0,
) -> OptimalPortfolio:
    """Return the least-variance portfolio whose expected return is at least `target_return`."""
    problem = MeanVarianceProblem.build(model, constraints, risk_free_rate)
    target = finite(target_return, "target_return", PortfolioInputError)
    best = problem.highest_return()
    if target > best + TOLERANCE * max(1.0, abs(best)):
        raise InfeasiblePortfolio(
            f"target return {target:g} is above the highest attainable return {best:g}"
        )
    return problem.result(problem.efficient_return_weights(min(target, best)))


def efficient_risk(
    model: MarketModel,
    target_volatility: float,
    constraints: WeightConstraints | None = None,
    risk_free_rate: float = 0.0,
) -> OptimalPortfolio:
    """Return the highest-return portfolio whose volatility is at most `target_volatility`."""
    problem = MeanVarianceProblem.build(model, constraints, risk_free_rate)
    target = positive(target_volatility, "target_volatility", PortfolioInputError)
    floor = problem.min_variance_weights()
    lowest = problem.volatility(floor)
    if target < lowest * (1.0 - TOLERANCE):
        raise InfeasiblePortfolio(
            f"target volatility {target:g} is below the minimum attainable volatility {lowest:g}"
        )
    return problem.result(problem.efficient_risk_weights(max(target, lowest), floor))


def efficient_frontier(
    model: MarketModel,
    points: int = 20,
    constraints: WeightConstraints | None = None,
    risk_free_rate: float = 0.0,
) -> tuple[OptimalPortfolio, ...]:
    """Trace the efficient frontier with `points` portfolios.

    They are evenly spaced in expected return, from the minimum-variance portfolio's
    return to the highest attainable one; unbounded returns raise `InfeasiblePortfolio`.
    """
    count = positive_int(points, "points", PortfolioInputError)
    problem = MeanVarianceProblem.build(model, constraints, risk_free_rate)
    highest = problem.highest_return()
    if not math.isfinite(highest):
        raise InfeasiblePortfolio(
            "the attainable return is unbounded (shorts without bounds or a gross-leverage "
            "cap); bound the weights to trace a frontier"
        )
    weights = problem.min_variance_weights()
    lowest = problem.expected_return(weights)
    frontier = [problem.result(weights)]
    # The top target is eased off the maximum by a hair: there the feasible set shrinks
    # to a face of the polytope and SLSQP's line search may stall.
    top = highest - 1e-7 * max(highest - lowest, 1e-12)
    for target in np.linspace(lowest, max(top, lowest), count)[1:]:
        weights = problem.efficient_return_weights(float(target), start=weights)
        frontier.append(problem.result(weights))
    return tuple(frontier[:count])


def risk_parity(
    model: MarketModel,
    budgets: Mapping[str, float] | None = None,
    risk_free_rate: float = 0.0,
) -> OptimalPortfolio:
    """Return the long-only portfolio whose assets' risk contributions match `budgets`.

    Equal risk contribution by default. Uses Spinu's convex formulation: minimise
    y'S y / 2 - sum b_i ln y_i over y > 0 by damped Newton steps, then w = y / sum(y);
    at the optimum y_i (S y)_i = b_i, so the contributions are the budgets exactly.
    """
    share = _budgets(model, budgets)
    rate = finite(risk_free_rate, "risk_free_rate", PortfolioInputError)
    variances = np.diag(model.covariance)
    if np.any(variances <= 0.0):
        raise PortfolioInputError("covariance", "risk parity needs every variance > 0")
    scale = float(variances.mean())
    y = _spinu_newton(model.covariance / scale, share, 1.0 / np.sqrt(variances / scale))
    weights = y / y.sum()
    contributions = (
        weights * (model.covariance @ weights) / float(weights @ model.covariance @ weights)
    )
    if not np.allclose(contributions, share, rtol=0.0, atol=TOLERANCE):
        raise SolverFailed("risk parity did not converge to the risk budgets")
    return portfolio_of(model, weights, rate)


def _spinu_newton(cov: FloatArray, budgets: FloatArray, start: FloatArray) -> FloatArray:
    y = start.copy()
    for _ in range(200):
        gradient = cov @ y - budgets / y
        hessian = cov + np.diag(budgets / (y * y))
        step = np.linalg.solve(hessian, gradient)
        decrement = math.sqrt(max(float(gradient @ step), 0.0))
        if decrement < 1e-12:
            return y
        # Damping by 1 / (1 + decrement) keeps y > 0 and converges from any start
        # (Nesterov's self-concordant analysis, as in Spinu 2013).
        y = y - step / (1.0 + decrement) if decrement > 0.25 else y - step
        if np.any(y <= 0.0):
            raise SolverFailed("risk parity Newton step left the positive orthant")
    raise SolverFailed("risk parity did not converge in 200 Newton steps")


def _budgets(model: MarketModel, budgets: Mapping[str, float] | None) -> FloatArray:
    if budgets is None:
        return np.full(len(model.assets), 1.0 / len(model.assets))
    if set(budgets) != set(model.assets):
        raise PortfolioInputError("budgets", "must name exactly the model's assets")
    share = np.array(
        [positive(budgets[a], f"budgets[{a!r}]", PortfolioInputError) for a in model.assets]
    )
    return np.asarray(share / share.sum(), dtype=np.float64)
