"""The SLSQP machinery behind the mean-variance optimisers.

Long/short with a gross cap is solved on split variables w = u - v with u, v >= 0 and
sum(u + v) <= L, which keeps every constraint smooth. Every solution is checked again
against the bounds, the budget and the cap before it is returned.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from domain.portfolio.errors import InfeasiblePortfolio, PortfolioInputError, SolverFailed
from domain.portfolio.model import MarketModel, OptimalPortfolio, WeightConstraints, portfolio_of
from domain.risk.checks import finite


def _optimize() -> types.ModuleType:
    # scipy.optimize is heavy at import; a service that never optimises never pays for it.
    import scipy.optimize

    module: types.ModuleType = scipy.optimize
    return module


FloatArray = NDArray[np.float64]
Objective = Callable[[FloatArray], tuple[float, FloatArray]]

# Constraints are accepted when violated by less than this (weights are O(1)).
TOLERANCE = 1e-6
# SLSQP is asked for 1e-12 first; near that precision its line search can stall
# ("positive directional derivative") on a solved problem, so it gets one more try
# at 1e-10, still far below TOLERANCE, before giving up.
_FTOLS = (1e-12, 1e-10)
_MAX_ITER = 1_000
# With split variables only u - v matters, so u + v is a flat direction that stalls
# SLSQP's line search; a tiny ridge on (u, v) picks u = w+, v = w- and removes it.
_SPLIT_RIDGE = 1e-8


@dataclass(frozen=True, slots=True, eq=False)
class MeanVarianceProblem:
    """A model with its bounds resolved, scaled for the solver, and the solvers on it."""

    model: MarketModel
    lower: FloatArray
    upper: FloatArray
    gross: float | None
    split: bool
    risk_free_rate: float
    # The solver works on S / scale so that its absolute tolerances fit any units.
    scaled_cov: FloatArray
    scale: float

    @classmethod
    def build(
        cls, model: MarketModel, constraints: WeightConstraints | None, risk_free_rate: float
    ) -> MeanVarianceProblem:
        limits = constraints or WeightConstraints.long_only()
        lower, upper = limits.bounds_for(model.assets)
        _check_budget(lower, upper, limits.gross_leverage)
        gross = limits.gross_leverage
        split = gross is not None and bool(np.any(lower < 0.0))
        scale = max(float(np.mean(np.diag(model.covariance))), 1e-300)
        rate = finite(risk_free_rate, "risk_free_rate", PortfolioInputError)
        return cls(model, lower, upper, gross, split, rate, model.covariance / scale, scale)

    # --- variables: z = w, or z = (u, v) with w = u - v when split -------------------

    @property
    def size(self) -> int:
        return len(self.model.assets)

    @property
    def to_weights(self) -> FloatArray:
        eye = np.eye(self.size)
        return np.hstack([eye, -eye]) if self.split else eye

    def variable_bounds(self) -> tuple[FloatArray, FloatArray]:
        if not self.split:
            return self.lower, self.upper
        zero = np.zeros(self.size)
        low = np.concatenate([np.maximum(self.lower, zero), np.maximum(-self.upper, zero)])
        high = np.concatenate([np.maximum(self.upper, zero), np.maximum(-self.lower, zero)])
        return low, high

    def start(self) -> FloatArray:
        weights = np.clip(np.full(self.size, 1.0 / self.size), self.lower, self.upper)
        return self.variables_from(np.asarray(weights, dtype=np.float64))

    def variables_from(self, weights: FloatArray) -> FloatArray:
        if not self.split:
            return weights
        return np.concatenate([np.maximum(weights, 0.0), np.maximum(-weights, 0.0)])

    def weight_constraints(self) -> list[dict[str, Any]]:
        transform = self.to_weights
        budget = transform.sum(axis=0)
        rows: list[dict[str, Any]] = [_linear("eq", budget, 1.0)]
        if self.split and self.gross is not None:
            rows.append(_linear("ineq", -np.ones(transform.shape[1]), -self.gross))
        return rows

    # --- figures ---------------------------------------------------------------------

    def expected_return(self, weights: FloatArray) -> float:
        return float(self.model.expected_returns @ weights)

    def volatility(self, weights: FloatArray) -> float:
        return math.sqrt(max(float(weights @ self.model.covariance @ weights), 0.0))

    def result(self, weights: FloatArray) -> OptimalPortfolio:
        self.verify(weights)
        return portfolio_of(self.model, weights, self.risk_free_rate)

    def verify(self, weights: FloatArray) -> None:
        if abs(weights.sum() - 1.0) > TOLERANCE:
            raise SolverFailed(f"weights sum to {weights.sum():.9f}, not 1")
        if np.any(weights < self.lower - TOLERANCE) or np.any(weights > self.upper + TOLERANCE):
            raise SolverFailed("the solver returned weights outside their bounds")
        gross = float(np.abs(weights).sum())
        if self.gross is not None and gross > self.gross + TOLERANCE:
            raise SolverFailed(f"gross leverage {gross:.6f} exceeds the cap {self.gross}")

    # --- solvers ---------------------------------------------------------------------

    def highest_return(self) -> float:
        """Return the highest attainable expected return (a linear programme), maybe inf."""
        return self._linear_max(self.to_weights.T @ self.model.expected_returns)

    def _linear_max(self, gains: FloatArray) -> float:
        transform = self.to_weights
        low, high = self.variable_bounds()
        gross_row = None
        if self.split and self.gross is not None:
            gross_row = (np.ones((1, transform.shape[1])), np.array([self.gross]))
        outcome = _optimize().linprog(
            -gains,
            A_eq=transform.sum(axis=0)[None, :],
            b_eq=[1.0],
            A_ub=None if gross_row is None else gross_row[0],
            b_ub=None if gross_row is None else gross_row[1],
            bounds=_scipy_bounds(low, high),
            method="highs",
        )
        if outcome.status == 2:
            raise InfeasiblePortfolio(
                "no weights within the bounds and the gross-leverage cap sum to 1"
            )
        if outcome.status == 3:
            return math.inf
        if not outcome.success:
            raise SolverFailed(f"linear programme failed: {outcome.message}")
        return float(-outcome.fun)

    def min_variance_weights(self, start: FloatArray | None = None) -> FloatArray:
        return self._solve(self._variance, self.weight_constraints(), start)

    def efficient_return_weights(
        self, target: float, start: FloatArray | None = None
    ) -> FloatArray:
        mu = self.to_weights.T @ self.model.expected_returns
        rows = [*self.weight_constraints(), _linear("ineq", mu, target)]
        weights = self._solve(self._variance, rows, start)
        if self.expected_return(weights) < target - TOLERANCE * max(1.0, abs(target)):
            raise SolverFailed(f"the solver missed the target return {target:g}")
        return weights

    def efficient_risk_weights(self, target: float, start: FloatArray) -> FloatArray:
        transform = self.to_weights
        limit = target * target / self.scale

        def risk_room(z: FloatArray) -> float:
            w = transform @ z
            return float(limit - w @ self.scaled_cov @ w)

        def risk_room_gradient(z: FloatArray) -> FloatArray:
            return np.asarray(-2.0 * transform.T @ (self.scaled_cov @ (transform @ z)))

        rows = [
            *self.weight_constraints(),
            {"type": "ineq", "fun": risk_room, "jac": risk_room_gradient},
        ]
        weights = self._solve(self._negative_return, rows, start)
        if self.volatility(weights) > target * (1.0 + TOLERANCE):
            raise SolverFailed(f"the solver exceeded the target volatility {target:g}")
        return weights

    def tangency_weights(self) -> FloatArray:
        transform = self.to_weights
        excess = self.model.expected_returns - self.risk_free_rate
        excess = excess / float(np.max(np.abs(excess)))
        count = transform.shape[1]
        low, high = self.variable_bounds()
        rows = [
            _linear("eq", np.append(transform.T @ excess, 0.0), 1.0),
            _linear("eq", np.append(transform.sum(axis=0), -1.0), 0.0),
            *_scaled_box(low, high),
        ]
        if self.split and self.gross is not None:
            rows.append(_linear("ineq", np.append(-np.ones(count), self.gross), 0.0))
        sign_low = np.where(low >= 0.0, 0.0, -np.inf)
        sign_high = np.where(high <= 0.0, 0.0, np.inf)
        bounds = _scipy_bounds(np.append(sign_low, 0.0), np.append(sign_high, np.inf))

        def objective(x: FloatArray) -> tuple[float, FloatArray]:
            y = transform @ x[:-1]
            grad = 2.0 * transform.T @ (self.scaled_cov @ y)
            return float(y @ self.scaled_cov @ y), np.append(grad, 0.0)

        start = np.append(self.start(), 1.0)
        solution = _minimise(self._ridged(objective), start, bounds, rows)
        kappa = solution[-1]
        if kappa <= 1e-9 * max(1.0, float(np.abs(solution[:-1]).sum())):
            # sum(y) -> 0 means the Sharpe ratio only approaches its supremum as the
            # leverage grows without bound: a zero-cost long/short portfolio beats it.
            raise InfeasiblePortfolio(
                "the maximum Sharpe ratio is reached only with unbounded leverage; "
                "bound the weights or cap gross leverage"
            )
        return np.asarray(transform @ solution[:-1] / kappa, dtype=np.float64)

    def _variance(self, z: FloatArray) -> tuple[float, FloatArray]:
        transform = self.to_weights
        w = transform @ z
        gradient = self.scaled_cov @ w
        return float(w @ gradient), np.asarray(2.0 * transform.T @ gradient)

    def _negative_return(self, z: FloatArray) -> tuple[float, FloatArray]:
        gains = self.to_weights.T @ self.model.expected_returns
        return -float(gains @ z), -gains

    def _ridged(self, objective: Objective) -> Objective:
        if not self.split:
            return objective

        def ridged(z: FloatArray) -> tuple[float, FloatArray]:
            value, gradient = objective(z)
            return value + _SPLIT_RIDGE * float(z @ z), gradient + 2.0 * _SPLIT_RIDGE * z

        return ridged

    def _solve(
        self, objective: Objective, rows: list[dict[str, Any]], start: FloatArray | None
    ) -> FloatArray:
        low, high = self.variable_bounds()
        x0 = self.start() if start is None else self.variables_from(start)
        solution = _minimise(self._ridged(objective), x0, _scipy_bounds(low, high), rows)
        return np.asarray(self.to_weights @ solution, dtype=np.float64)


def _minimise(
    objective: Objective,
    start: FloatArray,
    bounds: list[tuple[float | None, float | None]],
    rows: list[dict[str, Any]],
) -> FloatArray:
    for tolerance in _FTOLS:
        outcome = _optimize().minimize(
            objective,
            start,
            jac=True,
            method="SLSQP",
            bounds=bounds,
            constraints=rows,
            options={"ftol": tolerance, "maxiter": _MAX_ITER},
        )
        if outcome.success:
            return np.asarray(outcome.x, dtype=np.float64)
    raise SolverFailed(f"SLSQP failed: {outcome.message}")


def _check_budget(lower: FloatArray, upper: FloatArray, gross: float | None) -> None:
    if lower.sum() > 1.0 + TOLERANCE or upper.sum() < 1.0 - TOLERANCE:
        raise InfeasiblePortfolio(
            f"weight bounds cannot sum to 1: lower bounds sum to {lower.sum():g}, "
            f"upper bounds to {upper.sum():g}"
        )
    if gross is not None and gross < 1.0 - TOLERANCE:
        raise InfeasiblePortfolio(
            f"a gross-leverage cap of {gross:g} is below 1, the least any fully invested "
            "portfolio needs"
        )
    floor = np.where(lower > 0.0, lower, np.where(upper < 0.0, -upper, 0.0)).sum()
    if gross is not None and floor > gross + TOLERANCE:
        raise InfeasiblePortfolio(
            f"the weight bounds force a gross leverage of at least {floor:g}, above the "
            f"cap {gross:g}"
        )


def _linear(kind: str, coefficients: FloatArray, bound: float | FloatArray) -> dict[str, Any]:
    """Return the SLSQP constraint A @ x == b ("eq") or A @ x >= b ("ineq")."""
    rows = np.atleast_2d(np.asarray(coefficients, dtype=np.float64))
    rhs = np.broadcast_to(np.asarray(bound, dtype=np.float64), (rows.shape[0],))
    return {"type": kind, "fun": lambda x: rows @ x - rhs, "jac": lambda _x: rows}


def _scaled_box(low: FloatArray, high: FloatArray) -> list[dict[str, Any]]:
    # In the tangency problem y = k w, so the box low <= w <= high becomes
    # y - low k >= 0 and high k - y >= 0: linear rows in (y, k). Zero and infinite
    # bounds need no row (zero ones are sign bounds on y).
    eye = np.eye(low.size)
    lows = np.flatnonzero(np.isfinite(low) & (low != 0.0))
    highs = np.flatnonzero(np.isfinite(high) & (high != 0.0))
    rows = [np.hstack([eye[lows], -low[lows, None]]), np.hstack([-eye[highs], high[highs, None]])]
    matrix = np.vstack(rows)
    return [_linear("ineq", matrix, 0.0)] if matrix.shape[0] else []


def _scipy_bounds(low: FloatArray, high: FloatArray) -> list[tuple[float | None, float | None]]:
    return [
        (None if math.isinf(a) else float(a), None if math.isinf(b) else float(b))
        for a, b in zip(low, high, strict=True)
    ]
