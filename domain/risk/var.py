"""Value at risk and expected shortfall of a portfolio, and Kupiec's VaR backtest.

Conventions, shared by every estimator here:

* `returns` is a T x N matrix of simple per-period asset returns (rows are periods);
  `positions` holds the N signed position values in currency, held constant over the
  horizon (rebalanced to constant exposure), so a period's P&L is `returns @ positions`.
* VaR and CVaR are losses reported as positive numbers in currency; a negative VaR
  means that even the tail quantile is a profit.
* `confidence` is the VaR level (0.95, 0.99); the tail has probability 1 - confidence.
* `horizon` is a whole number of periods. Parametric methods scale the mean by h and the
  volatility by sqrt(h) (i.i.d. periods); historical VaR uses overlapping h-period sums
  of the P&L series (see `historical_var`); the simulations draw h periods per path.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike, NDArray

from domain.risk.checks import (
    covariance_matrix,
    finite,
    in_open_unit,
    matrix,
    non_negative,
    positive_int,
    vector,
)
from domain.risk.errors import RiskMeasureError

# The standard normal from the standard library: scipy.stats would add ~60 MB to every
# process that computes a VaR, for three functions.
_NORMAL = NormalDist()


FloatArray = NDArray[np.float64]


class VarMethod(StrEnum):
    """How a VaR figure was estimated."""

    HISTORICAL = "historical"
    PARAMETRIC = "parametric"
    CORNISH_FISHER = "cornish_fisher"
    MONTE_CARLO = "monte_carlo"
    BOOTSTRAP = "bootstrap"


@dataclass(frozen=True, slots=True)
class RiskEstimate:
    """A VaR and its expected shortfall (CVaR), both positive losses in currency."""

    method: VarMethod
    confidence: float
    horizon: int
    var: float
    cvar: float

    def __post_init__(self) -> None:
        in_open_unit(self.confidence, "confidence", RiskMeasureError)
        positive_int(self.horizon, "horizon", RiskMeasureError)
        finite(self.var, "var", RiskMeasureError)
        finite(self.cvar, "cvar", RiskMeasureError)


def portfolio_pnl(returns: ArrayLike, positions: ArrayLike) -> FloatArray:
    """Return the per-period P&L series `returns @ positions` of constant position values."""
    rets = matrix(returns, "returns", RiskMeasureError)
    values = vector(positions, "positions", RiskMeasureError)
    if rets.shape[1] != values.size:
        raise RiskMeasureError(
            "positions", f"has {values.size} entries for {rets.shape[1]} return columns"
        )
    return rets @ values


def historical_var(
    returns: ArrayLike, positions: ArrayLike, confidence: float = 0.95, horizon: int = 1
) -> RiskEstimate:
    """Estimate VaR and CVaR from the empirical distribution of past portfolio P&L.

    For a horizon of h periods the sample is the T - h + 1 overlapping sums of h
    consecutive P&Ls: every start date is used, which keeps the sample large, at the
    cost of neighbouring windows sharing h - 1 periods (the effective sample is nearer
    T / h, so long horizons on short histories are noisy). VaR is minus the
    (1 - confidence) quantile with linear interpolation (numpy's default, as empyrical);
    CVaR is minus the mean of the P&Ls at or below that quantile.
    """
    level, h = _level(confidence), _horizon(horizon)
    pnl = portfolio_pnl(returns, positions)
    if pnl.size < h:
        raise RiskMeasureError("returns", f"has {pnl.size} rows, fewer than the horizon {h}")
    var, cvar = _empirical_tail(_overlapping_sums(pnl, h), level)
    return RiskEstimate(VarMethod.HISTORICAL, level, h, var, cvar)


def normal_var(
    mean_pnl: float, std_pnl: float, confidence: float = 0.95, horizon: int = 1
) -> RiskEstimate:
    """Return the normal VaR and CVaR of a one-period P&L with the given mean and deviation."""
    level, h = _level(confidence), _horizon(horizon)
    mean = finite(mean_pnl, "mean_pnl", RiskMeasureError) * h
    std = non_negative(std_pnl, "std_pnl", RiskMeasureError) * math.sqrt(h)
    z = float(_NORMAL.inv_cdf(1.0 - level))
    var = -(mean + z * std)
    cvar = -mean + std * float(_NORMAL.pdf(z)) / (1.0 - level)
    return RiskEstimate(VarMethod.PARAMETRIC, level, h, var, cvar)


def parametric_var(
    returns: ArrayLike, positions: ArrayLike, confidence: float = 0.95, horizon: int = 1
) -> RiskEstimate:
    """Fit a normal law to the portfolio P&L (sample mean, ddof=1 deviation) and take its VaR."""
    pnl = _enough(portfolio_pnl(returns, positions), 2)
    return normal_var(float(pnl.mean()), float(pnl.std(ddof=1)), confidence, horizon)


def parametric_var_from_moments(
    mean: ArrayLike,
    covariance: ArrayLike,
    positions: ArrayLike,
    confidence: float = 0.95,
    horizon: int = 1,
) -> RiskEstimate:
    """Return the delta-normal VaR of positions given per-period asset mean and covariance."""
    mu, cov, values = _moments(mean, covariance, positions)
    return normal_var(
        float(values @ mu), math.sqrt(max(float(values @ cov @ values), 0.0)), confidence, horizon
    )


def cornish_fisher_quantile(z: float, skew: float, excess_kurtosis: float) -> float:
    """Adjust the standard normal quantile `z` for skewness and excess kurtosis.

    The expansion is reliable only for moderate skew and kurtosis; far outside that
    it stops being monotone in `z`.
    """
    s, k = skew, excess_kurtosis
    return (
        z
        + (z * z - 1.0) * s / 6.0
        + (z**3 - 3.0 * z) * k / 24.0
        - (2.0 * z**3 - 5.0 * z) * s * s / 36.0
    )


def cornish_fisher_var(
    returns: ArrayLike, positions: ArrayLike, confidence: float = 0.95, horizon: int = 1
) -> RiskEstimate:
    """Estimate VaR with the Cornish-Fisher quantile of the portfolio P&L (modified VaR).

    The moments are the sample mean, the ddof=1 deviation and the bias-adjusted skewness
    (G1) and excess kurtosis (G2) of the P&L; see `cornish_fisher_var_from_moments`.
    """
    pnl = _enough(portfolio_pnl(returns, positions), 4)
    skew, kurt = _skew_kurtosis(pnl)
    return cornish_fisher_var_from_moments(
        float(pnl.mean()), float(pnl.std(ddof=1)), skew, kurt, confidence, horizon
    )


def cornish_fisher_var_from_moments(
    mean_pnl: float,
    std_pnl: float,
    skew: float,
    excess_kurtosis: float,
    confidence: float = 0.95,
    horizon: int = 1,
) -> RiskEstimate:
    """Return the Cornish-Fisher VaR and CVaR of a one-period P&L with the given moments.

    Over h periods the moments are aggregated as for i.i.d. sums: mean x h, deviation x
    sqrt(h), skew / sqrt(h), excess kurtosis / h. CVaR is the exact tail mean of the
    Cornish-Fisher quantile function below the VaR level; with zero skew and excess
    kurtosis both reduce to the normal figures.
    """
    level, h = _level(confidence), _horizon(horizon)
    mean = finite(mean_pnl, "mean_pnl", RiskMeasureError) * h
    std = non_negative(std_pnl, "std_pnl", RiskMeasureError) * math.sqrt(h)
    s = finite(skew, "skew", RiskMeasureError) / math.sqrt(h)
    k = finite(excess_kurtosis, "excess_kurtosis", RiskMeasureError) / h
    z = float(_NORMAL.inv_cdf(1.0 - level))
    var = -(mean + std * cornish_fisher_quantile(z, s, k))
    cvar = -(mean + std * _cornish_fisher_tail_mean(z, s, k))
    return RiskEstimate(VarMethod.CORNISH_FISHER, level, h, var, cvar)


def monte_carlo_var(
    mean: ArrayLike,
    covariance: ArrayLike,
    positions: ArrayLike,
    rng: np.random.Generator,
    confidence: float = 0.95,
    horizon: int = 1,
    paths: int = 100_000,
) -> RiskEstimate:
    """Simulate multivariate normal asset returns and read VaR and CVaR off the paths.

    Each path draws the h-period return vector from N(h x mean, h x covariance), the exact
    law of a sum of h i.i.d. normal periods; pass a seeded Generator for repeatable figures.
    """
    level, h, n_paths = _level(confidence), _horizon(horizon), _paths(paths)
    mu, cov, values = _moments(mean, covariance, positions)
    factor = _covariance_factor(cov * h)
    shocks = rng.standard_normal((n_paths, mu.size))
    # (shocks L' + h mu) v == shocks (L' v) + h mu.v: the same P&L of each simulated
    # return vector, without materialising the paths x assets scenario matrix.
    pnl = shocks @ (factor.T @ values) + h * float(mu @ values)
    var, cvar = _empirical_tail(pnl, level)
    return RiskEstimate(VarMethod.MONTE_CARLO, level, h, var, cvar)


def bootstrap_var(
    returns: ArrayLike,
    positions: ArrayLike,
    rng: np.random.Generator,
    confidence: float = 0.95,
    horizon: int = 1,
    paths: int = 100_000,
) -> RiskEstimate:
    """Resample whole historical return vectors (rows) with replacement, h per path.

    Drawing rows keeps the cross-asset dependence of each period; because P&L is linear
    in returns, resampling the rows and pricing them equals resampling the per-period
    portfolio P&Ls, which is what is computed. Serial dependence is not kept.
    """
    level, h, n_paths = _level(confidence), _horizon(horizon), _paths(paths)
    pnl = portfolio_pnl(returns, positions)
    draws = rng.integers(0, pnl.size, size=(n_paths, h))
    var, cvar = _empirical_tail(pnl[draws].sum(axis=1), level)
    return RiskEstimate(VarMethod.BOOTSTRAP, level, h, var, cvar)


@dataclass(frozen=True, slots=True)
class KupiecTest:
    """Kupiec's proportion-of-failures test of a VaR model's exception rate."""

    observations: int
    exceptions: int
    expected_rate: float
    observed_rate: float
    statistic: float
    p_value: float
    reject: bool


def count_exceptions(realised_pnl: ArrayLike, var_forecasts: ArrayLike) -> int:
    """Count the periods whose realised loss exceeded that period's VaR forecast."""
    pnl = vector(realised_pnl, "realised_pnl", RiskMeasureError)
    var = vector(var_forecasts, "var_forecasts", RiskMeasureError)
    if pnl.shape != var.shape:
        raise RiskMeasureError("var_forecasts", f"has {var.size} entries for {pnl.size} P&Ls")
    return int(np.count_nonzero(-pnl > var))


def kupiec_test(
    exceptions: int, observations: int, confidence: float, significance: float = 0.05
) -> KupiecTest:
    """Test whether `exceptions` in `observations` matches the rate 1 - confidence.

    LR = -2 ln[(1-p)^(T-x) p^x] + 2 ln[(1-x/T)^(T-x) (x/T)^x], asymptotically chi-squared
    with one degree of freedom; the model is rejected when the p-value is below
    `significance`.
    """
    level = _level(confidence)
    alpha = in_open_unit(significance, "significance", RiskMeasureError)
    total = positive_int(observations, "observations", RiskMeasureError)
    if isinstance(exceptions, bool) or not isinstance(exceptions, int | np.integer):
        raise RiskMeasureError("exceptions", f"must be an integer, got {exceptions!r}")
    if not 0 <= exceptions <= total:
        raise RiskMeasureError("exceptions", f"must lie in [0, {total}], got {exceptions}")
    p, x = 1.0 - level, int(exceptions)
    rate = x / total
    statistic = max(-2.0 * (_log_likelihood(p, x, total) - _log_likelihood(rate, x, total)), 0.0)
    p_value = math.erfc(math.sqrt(max(statistic, 0.0) / 2.0))  # chi-square(1) survival
    return KupiecTest(total, x, p, rate, statistic, p_value, p_value < alpha)


def backtest_var(
    realised_pnl: ArrayLike,
    var_forecasts: ArrayLike,
    confidence: float,
    significance: float = 0.05,
) -> KupiecTest:
    """Count VaR exceptions over a history and run Kupiec's test on them."""
    exceptions = count_exceptions(realised_pnl, var_forecasts)
    observations = int(np.asarray(realised_pnl).size)
    return kupiec_test(exceptions, observations, confidence, significance)


def _log_likelihood(rate: float, exceptions: int, total: int) -> float:
    return _xlogy(total - exceptions, 1.0 - rate) + _xlogy(exceptions, rate)


def _xlogy(count: int, probability: float) -> float:
    # 0 * log(0) is 0, the right limit when there are no exceptions (or nothing else).
    return 0.0 if count == 0 else count * math.log(probability)


def _empirical_tail(pnl: FloatArray, level: float) -> tuple[float, float]:
    cutoff = float(np.quantile(pnl, 1.0 - level))
    tail = pnl[pnl <= cutoff]
    return -cutoff, -float(tail.mean())


def _overlapping_sums(pnl: FloatArray, horizon: int) -> FloatArray:
    if horizon == 1:
        return pnl
    cumulative = np.concatenate(([0.0], np.cumsum(pnl)))
    return cumulative[horizon:] - cumulative[:-horizon]


def _skew_kurtosis(pnl: FloatArray) -> tuple[float, float]:
    if float(pnl.std()) == 0.0:
        return 0.0, 0.0
    # Sample (bias-corrected) skewness G1 and excess kurtosis G2, as scipy.stats computes
    # them with bias=False.
    n = float(pnl.size)
    deviations = pnl - pnl.mean()
    m2 = float(np.mean(deviations**2))
    g1 = float(np.mean(deviations**3)) / m2**1.5
    g2 = float(np.mean(deviations**4)) / m2**2 - 3.0
    skew = math.sqrt(n * (n - 1.0)) / (n - 2.0) * g1
    kurt = ((n + 1.0) * g2 + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0))
    return skew, kurt


def _cornish_fisher_tail_mean(z: float, skew: float, kurt: float) -> float:
    # The CF quantile is a cubic in Z, so its mean over {Z <= z} follows from the
    # truncated standard normal moments m_k = E[Z^k; Z <= z].
    density, mass = float(_NORMAL.pdf(z)), float(_NORMAL.cdf(z))
    m1 = -density
    m2 = mass - z * density
    m3 = -(z * z + 2.0) * density
    total = (
        m1
        + (m2 - mass) * skew / 6.0
        + (m3 - 3.0 * m1) * kurt / 24.0
        - (2.0 * m3 - 5.0 * m1) * skew * skew / 36.0
    )
    return total / mass


def _moments(
    mean: ArrayLike, covariance: ArrayLike, positions: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    mu = vector(mean, "mean", RiskMeasureError)
    cov = covariance_matrix(covariance, "covariance", RiskMeasureError)
    values = vector(positions, "positions", RiskMeasureError)
    if not mu.size == cov.shape[0] == values.size:
        raise RiskMeasureError(
            "positions",
            f"sizes differ: mean {mu.size}, covariance {cov.shape}, positions {values.size}",
        )
    return mu, cov, values


def _covariance_factor(cov: FloatArray) -> FloatArray:
    try:
        return np.asarray(np.linalg.cholesky(cov), dtype=np.float64)
    except np.linalg.LinAlgError:
        # Singular but valid covariances (a duplicated asset) have no Cholesky factor;
        # the symmetric square root serves as well once rounding negatives are cleared.
        eigenvalues, vectors = np.linalg.eigh(cov)
        if eigenvalues.min() < -1e-10 * max(eigenvalues.max(), 1e-300):
            raise RiskMeasureError("covariance", "is not positive semi-definite") from None
        return np.asarray(vectors * np.sqrt(np.clip(eigenvalues, 0.0, None)), dtype=np.float64)


def _enough(pnl: FloatArray, rows: int) -> FloatArray:
    if pnl.size < rows:
        raise RiskMeasureError("returns", f"needs at least {rows} rows, got {pnl.size}")
    return pnl


def _level(confidence: float) -> float:
    return in_open_unit(confidence, "confidence", RiskMeasureError)


def _horizon(horizon: int) -> int:
    return positive_int(horizon, "horizon", RiskMeasureError)


def _paths(paths: int) -> int:
    return positive_int(paths, "paths", RiskMeasureError)
