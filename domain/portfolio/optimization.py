"""Mean-variance optimisation (Markowitz) and risk parity.

Every optimiser takes a `MarketModel` (assets, expected returns, covariance, all in one
period, usually annual) and `WeightConstraints` (per-asset bounds and an optional cap on
gross leverage sum |w|), solves with scipy's SLSQP, then checks the solver's success
flag and every constraint again before returning; what cannot be satisfied raises
`InfeasiblePortfolio`, a solver that gives up raises `SolverFailed`. Weights sum to one.

Long/short with a gross cap is solved on split variables w = u - v with u, v >= 0 and
sum(u + v) <= L, which keeps every constraint smooth.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize

from domain.portfolio.errors import InfeasiblePortfolio, PortfolioInputError, SolverFailed
from domain.risk.checks import covariance_matrix, finite, positive, positive_int, vector

FloatArray = NDArray[np.float64]
Objective = Callable[[FloatArray], tuple[float, FloatArray]]

# Constraints are accepted when violated by less than this (weights are O(1)).
TOLERANCE = 1e-6
_FTOL = 1e-12
_MAX_ITER = 1_000
# With split variables only u - v matters, so u + v is a flat direction that stalls
# SLSQP's line search; a tiny ridge on (u, v) picks u = w+, v = w- and removes it.
_SPLIT_RIDGE = 1e-8


@dataclass(frozen=True, slots=True, eq=False)
class MarketModel:
    """Expected returns and covariance of a set of assets, in one period."""

    assets: tuple[str, ...]
    expected_returns: FloatArray
    covariance: FloatArray

    def __post_init__(self) -> None:
        assets = tuple(self.assets)
        if not assets or len(set(assets)) != len(assets) or not all(assets):
            raise PortfolioInputError("assets", "must be non-empty, unique and named")
        mu = vector(self.expected_returns, "expected_returns", PortfolioInputError)
        cov = covariance_matrix(self.covariance, "covariance", PortfolioInputError)
        if not mu.size == cov.shape[0] == len(assets):
            raise PortfolioInputError(
                "covariance", f"sizes differ: {len(assets)} assets, {mu.size} returns, "
                f"covariance {cov.shape}")
        _require_psd(cov)
        object.__setattr__(self, "assets", assets)
        object.__setattr__(self, "expected_returns", _frozen(mu))
        object.__setattr__(self, "covariance", _frozen(cov))

    @classmethod
    def of(
        cls, assets: Sequence[str], expected_returns: ArrayLike, covariance: ArrayLike
    ) -> MarketModel:
        """Build a model from any array-likes."""
        return cls(tuple(assets), np.asarray(expected_returns, dtype=np.float64),
                   np.asarray(covariance, dtype=np.float64))


@dataclass(frozen=True, slots=True)
class WeightConstraints:
    """Bounds on each weight and an optional cap on gross leverage sum |w|.

    `lower` and `upper` apply to every asset unless `per_asset` gives that asset its own
    (lower, upper); use -inf/inf for no bound. `gross_leverage` of None means no cap.
    """

    lower: float = 0.0
    upper: float = 1.0
    gross_leverage: float | None = None
    per_asset: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _bound_pair(self.lower, self.upper, "lower")
        for asset, (low, high) in self.per_asset.items():
            _bound_pair(low, high, f"per_asset[{asset!r}]")
        if self.gross_leverage is not None:
            positive(self.gross_leverage, "gross_leverage", PortfolioInputError)

    @classmethod
    def long_only(cls, max_weight: float = 1.0) -> WeightConstraints:
        """Return no shorts and at most `max_weight` per asset."""
        return cls(0.0, max_weight)

    @classmethod
    def long_short(
        cls, gross_leverage: float | None = None, max_abs_weight: float = math.inf
    ) -> WeightConstraints:
        """Return shorts allowed, |w_i| <= `max_abs_weight` and sum |w| <= `gross_leverage`."""
        return cls(-max_abs_weight, max_abs_weight, gross_leverage)

    def bounds_for(self, assets: Sequence[str]) -> tuple[FloatArray, FloatArray]:
        """Return the (lower, upper) bound arrays in the order of `assets`."""
        unknown = sorted(set(self.per_asset) - set(assets))
        if unknown:
            raise PortfolioInputError("per_asset", f"names unknown assets {unknown}")
        pairs = [self.per_asset.get(a, (self.lower, self.upper)) for a in assets]
        lower = np.array([p[0] for p in pairs], dtype=np.float64)
        upper = np.array([p[1] for p in pairs], dtype=np.float64)
        return lower, upper


@dataclass(frozen=True, slots=True)
class OptimalPortfolio:
    """Weights of a portfolio and its expected return, volatility and Sharpe ratio."""

    weights: dict[str, float]
    expected_return: float
    volatility: float
    sharpe: float

    def __post_init__(self) -> None:
        finite(self.expected_return, "expected_return", PortfolioInputError)
        if finite(self.volatility, "volatility", PortfolioInputError) < 0.0:
            raise PortfolioInputError("volatility", f"must be >= 0, got {self.volatility}")


def performance(
    model: MarketModel, weights: Mapping[str, float], risk_free_rate: float = 0.0
) -> OptimalPortfolio:
    """Return the expected return, volatility and Sharpe ratio of given weights."""
    missing = sorted(set(model.assets) - set(weights))
    if missing or len(weights) != len(model.assets):
        raise PortfolioInputError("weights", f"must name exactly the model's assets; {missing}")
    w = np.array([weights[a] for a in model.assets], dtype=np.float64)
    return _portfolio(model, w, finite(risk_free_rate, "risk_free_rate", PortfolioInputError))


def risk_contributions(model: MarketModel, weights: Mapping[str, float]) -> dict[str, float]:
    """Return each asset's share w_i (S w)_i / w'S w of the portfolio variance (sums to 1)."""
    w = np.array([weights[a] for a in model.assets], dtype=np.float64)
    variance = float(w @ model.covariance @ w)
    if variance <= 0.0:
        raise PortfolioInputError("weights", "a portfolio without variance has no contributions")
    shares = w * (model.covariance @ w) / variance
    return dict(zip(model.assets, shares.tolist(), strict=True))


def min_variance(
    model: MarketModel,
    constraints: WeightConstraints | None = None,
    risk_free_rate: float = 0.0,
) -> OptimalPortfolio:
    """Return the portfolio of least variance that satisfies the constraints."""
    problem = _Problem.build(model, constraints, risk_free_rate)
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
    problem = _Problem.build(model, constraints, risk_free_rate)
    best = problem.highest_return()
    if best <= problem.risk_free_rate + 1e-12:
        raise InfeasiblePortfolio(
            f"no admissible portfolio returns more than the risk-free rate "
            f"{problem.risk_free_rate:g} (best is {best:g}), so the Sharpe ratio has no maximum")
    return problem.result(problem.tangency_weights())


def efficient_return(
    model: MarketModel,
    target_return: float,
    constraints: WeightConstraints | None = None,
    risk_free_rate: float = 0.0,
) -> OptimalPortfolio:
    """Return the least-variance portfolio whose expected return is at least `target_return`."""
    problem = _Problem.build(model, constraints, risk_free_rate)
    target = finite(target_return, "target_return", PortfolioInputError)
    best = problem.highest_return()
    if target > best + TOLERANCE * max(1.0, abs(best)):
        raise InfeasiblePortfolio(
            f"target return {target:g} is above the highest attainable return {best:g}")
    return problem.result(problem.efficient_return_weights(min(target, best)))


def efficient_risk(
    model: MarketModel,
    target_volatility: float,
    constraints: WeightConstraints | None = None,
    risk_free_rate: float = 0.0,
) -> OptimalPortfolio:
    """Return the highest-return portfolio whose volatility is at most `target_volatility`."""
    problem = _Problem.build(model, constraints, risk_free_rate)
    target = positive(target_volatility, "target_volatility", PortfolioInputError)
    floor = problem.min_variance_weights()
    lowest = problem.volatility(floor)
    if target < lowest * (1.0 - TOLERANCE):
        raise InfeasiblePortfolio(
            f"target volatility {target:g} is below the minimum attainable volatility {lowest:g}")
    return problem.result(problem.efficient_risk_weights(max(target, lowest), floor))


def efficient_frontier(
    model: MarketModel,
    points: int = 20,
    constraints: WeightConstraints | None = None,
    risk_free_rate: float = 0.0,
) -> tuple[OptimalPortfolio, ...]:
    """Return `points` efficient portfolios, evenly spaced in expected return from the
    minimum-variance portfolio's return to the highest attainable return."""
    count = positive_int(points, "points", PortfolioInputError)
    problem = _Problem.build(model, constraints, risk_free_rate)
    highest = problem.highest_return()
    if not math.isfinite(highest):
        raise InfeasiblePortfolio(
            "the attainable return is unbounded (shorts without bounds or a gross-leverage "
            "cap); bound the weights to trace a frontier")
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
    contributions = weights * (model.covariance @ weights) / float(
        weights @ model.covariance @ weights)
    if not np.allclose(contributions, share, rtol=0.0, atol=TOLERANCE):
        raise SolverFailed("risk parity did not converge to the risk budgets")
    return _portfolio(model, weights, rate)


@dataclass(frozen=True, slots=True, eq=False)
class _Problem:
    """A model with resolved bounds, normalised for the solver."""

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
    ) -> _Problem:
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
        return _portfolio(self.model, weights, self.risk_free_rate)

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
        outcome = optimize.linprog(
            -gains, A_eq=transform.sum(axis=0)[None, :], b_eq=[1.0],
            A_ub=None if gross_row is None else gross_row[0],
            b_ub=None if gross_row is None else gross_row[1],
            bounds=_scipy_bounds(low, high), method="highs")
        if outcome.status == 2:
            raise InfeasiblePortfolio("no weights within the bounds and the gross-leverage cap "
                                      "sum to 1")
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

        rows = [*self.weight_constraints(),
                {"type": "ineq", "fun": risk_room, "jac": risk_room_gradient}]
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
        rows = [_linear("eq", np.append(transform.T @ excess, 0.0), 1.0),
                _linear("eq", np.append(transform.sum(axis=0), -1.0), 0.0),
                *_scaled_box(low, high)]
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
                "bound the weights or cap gross leverage")
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
    outcome = optimize.minimize(
        objective, start, jac=True, method="SLSQP", bounds=bounds, constraints=rows,
        options={"ftol": _FTOL, "maxiter": _MAX_ITER})
    if not outcome.success:
        raise SolverFailed(f"SLSQP failed: {outcome.message}")
    return np.asarray(outcome.x, dtype=np.float64)


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
    share = np.array([positive(budgets[a], f"budgets[{a!r}]", PortfolioInputError)
                      for a in model.assets])
    return np.asarray(share / share.sum(), dtype=np.float64)


def _portfolio(model: MarketModel, weights: FloatArray, rate: float) -> OptimalPortfolio:
    expected = float(model.expected_returns @ weights)
    vol = math.sqrt(max(float(weights @ model.covariance @ weights), 0.0))
    sharpe = (expected - rate) / vol if vol > 0.0 else math.nan
    return OptimalPortfolio(dict(zip(model.assets, weights.tolist(), strict=True)),
                            expected, vol, sharpe)


def _check_budget(lower: FloatArray, upper: FloatArray, gross: float | None) -> None:
    if lower.sum() > 1.0 + TOLERANCE or upper.sum() < 1.0 - TOLERANCE:
        raise InfeasiblePortfolio(
            f"weight bounds cannot sum to 1: lower bounds sum to {lower.sum():g}, "
            f"upper bounds to {upper.sum():g}")
    if gross is not None and gross < 1.0 - TOLERANCE:
        raise InfeasiblePortfolio(
            f"a gross-leverage cap of {gross:g} is below 1, the least any fully invested "
            "portfolio needs")
    floor = np.where(lower > 0.0, lower, np.where(upper < 0.0, -upper, 0.0)).sum()
    if gross is not None and floor > gross + TOLERANCE:
        raise InfeasiblePortfolio(
            f"the weight bounds force a gross leverage of at least {floor:g}, above the "
            f"cap {gross:g}")


def _bound_pair(low: float, high: float, name: str) -> None:
    if math.isnan(low) or math.isnan(high) or low > high:
        raise PortfolioInputError(name, f"needs lower <= upper, got ({low}, {high})")


def _require_psd(cov: FloatArray) -> None:
    smallest = float(np.linalg.eigvalsh(cov)[0])
    if smallest < -1e-10 * max(float(np.max(np.abs(cov))), 1e-300):
        raise PortfolioInputError("covariance", f"is not positive semi-definite ({smallest:g})")


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
    return [(None if math.isinf(a) else float(a), None if math.isinf(b) else float(b))
            for a, b in zip(low, high, strict=True)]


def _frozen(array: FloatArray) -> FloatArray:
    copy = np.array(array, dtype=np.float64)
    copy.setflags(write=False)
    return copy
