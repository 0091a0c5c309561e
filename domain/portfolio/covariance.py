"""Covariance and expected-return estimators from a T x N matrix of simple returns.

Rows are periods, columns assets. Every estimator returns per-period figures scaled by
`periods_per_year` (252 for daily equities, 365 for crypto, 1 to keep them per period).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from domain.portfolio.errors import EstimationError
from domain.risk.checks import in_open_unit, matrix, positive

FloatArray = NDArray[np.float64]

RISKMETRICS_DAILY_DECAY = 0.94


@dataclass(frozen=True, slots=True, eq=False)
class ShrunkCovariance:
    """A shrunk covariance and the weight `shrinkage` in [0, 1] put on its target."""

    covariance: FloatArray
    shrinkage: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.shrinkage <= 1.0:
            raise EstimationError("shrinkage", f"must lie in [0, 1], got {self.shrinkage}")


def returns_from_prices(prices: ArrayLike) -> FloatArray:
    """Return the simple returns p[t] / p[t-1] - 1 of a T x N matrix of positive prices."""
    levels = matrix(prices, "prices", EstimationError, min_rows=2)
    if np.any(levels <= 0.0):
        raise EstimationError("prices", "must all be > 0")
    return np.asarray(levels[1:] / levels[:-1] - 1.0, dtype=np.float64)


def sample_covariance(returns: ArrayLike, periods_per_year: float = 1.0) -> FloatArray:
    """Return the unbiased (ddof=1) sample covariance, annualised."""
    rets = _returns(returns, min_rows=2)
    return np.atleast_2d(np.cov(rets, rowvar=False, ddof=1)) * _periods(periods_per_year)


def ewma_covariance(
    returns: ArrayLike, decay: float = RISKMETRICS_DAILY_DECAY, periods_per_year: float = 1.0
) -> FloatArray:
    """Return the RiskMetrics exponentially weighted covariance, annualised.

    As RiskMetrics, returns are not demeaned (daily means are noise next to daily moves)
    and the weight of the return k periods ago is proportional to decay^k; the weights are
    normalised to sum to one, which removes the start-up bias of a short history.
    """
    rets = _returns(returns, min_rows=1)
    weights = _exponential_weights(rets.shape[0], decay)
    covariance = (rets * weights[:, None]).T @ rets
    return np.asarray(covariance, dtype=np.float64) * _periods(periods_per_year)


def ledoit_wolf(returns: ArrayLike, periods_per_year: float = 1.0) -> ShrunkCovariance:
    """Shrink the sample covariance towards a scaled identity (Ledoit and Wolf, 2004).

    This is the "well-conditioned estimator for large-dimensional covariance matrices":
    with S the maximum-likelihood (1/T, demeaned) covariance and m = tr(S)/N, the result is
    s m I + (1 - s) S with s = min(b2, d2) / d2, d2 = ||S - m I||^2 and
    b2 = sum_t ||x_t x_t' - S||^2 / T^2 (Frobenius norms). It matches scikit-learn's
    `ledoit_wolf`. The identity target is right when assets have similar variances;
    the returned matrix is annualised, the intensity is not affected by scaling.
    """
    rets = _returns(returns, min_rows=2)
    centred = rets - rets.mean(axis=0)
    count, size = centred.shape
    sample = centred.T @ centred / count
    scale = float(np.trace(sample)) / size
    target = scale * np.eye(size)
    dispersion = float(np.sum((sample - target) ** 2))
    if dispersion == 0.0:
        return ShrunkCovariance(sample * _periods(periods_per_year), 0.0)
    # sum_t ||x_t x_t'||^2 = sum_t (x_t'x_t)^2, so the T outer products are never built.
    squared_norms = np.sum(centred**2, axis=1)
    noise = (float(np.sum(squared_norms**2)) / count - float(np.sum(sample**2))) / count
    shrinkage = min(max(noise, 0.0), dispersion) / dispersion
    shrunk = shrinkage * target + (1.0 - shrinkage) * sample
    return ShrunkCovariance(shrunk * _periods(periods_per_year), shrinkage)


def mean_return(returns: ArrayLike, periods_per_year: float = 1.0) -> FloatArray:
    """Return the arithmetic mean return of each asset, annualised by simple scaling."""
    return np.asarray(_returns(returns).mean(axis=0), dtype=np.float64) * _periods(periods_per_year)


def cagr(returns: ArrayLike, periods_per_year: float = 1.0) -> FloatArray:
    """Return each asset's compound annual growth rate, prod(1 + r)^(ppy / T) - 1."""
    rets = _returns(returns)
    if np.any(rets <= -1.0):
        raise EstimationError("returns", "a return of -100 % or worse leaves no growth rate")
    growth = np.sum(np.log1p(rets), axis=0) * (_periods(periods_per_year) / rets.shape[0])
    return np.asarray(np.expm1(growth), dtype=np.float64)


def ewma_mean_return(
    returns: ArrayLike, decay: float = RISKMETRICS_DAILY_DECAY, periods_per_year: float = 1.0
) -> FloatArray:
    """Return the exponentially weighted mean return, weights proportional to decay^age."""
    rets = _returns(returns)
    weights = _exponential_weights(rets.shape[0], decay)
    return np.asarray(weights @ rets, dtype=np.float64) * _periods(periods_per_year)


def _exponential_weights(count: int, decay: float) -> FloatArray:
    lam = in_open_unit(decay, "decay", EstimationError)
    ages = np.arange(count - 1, -1, -1, dtype=np.float64)
    weights = lam**ages
    return np.asarray(weights / weights.sum(), dtype=np.float64)


def _returns(returns: ArrayLike, min_rows: int = 1) -> FloatArray:
    return matrix(returns, "returns", EstimationError, min_rows=min_rows)


def _periods(periods_per_year: float) -> float:
    return positive(periods_per_year, "periods_per_year", EstimationError)
