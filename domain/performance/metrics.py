"""Return and risk metrics over an equity curve or a periodic return series.

Conventions, shared by every function here:

* An equity curve ``E_0 .. E_n`` has ``n`` periodic simple returns ``r_i = E_i / E_{i-1} - 1``.
* Annual rates (risk-free rate, required return) are compounded down to one period as
  ``(1 + rate) ** (1 / periods_per_year) - 1``.
* A ratio whose denominator is zero, or that needs more data than was given, is ``nan``,
  not an infinity; nothing here raises from inside numpy.
* NaN or infinite input is rejected with ``InvalidInput`` (a ``ValueError``) naming the
  argument.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from domain.errors import InvalidInput
from domain.performance._arrays import FloatArray, IntArray, as_equity, as_floats, as_timestamps

MS_PER_YEAR = 365 * 24 * 60 * 60 * 1000
"""Milliseconds in a 365-day year: crypto perpetuals trade every day of the year."""
_MS_PER_DAY = 24 * 60 * 60 * 1000


def simple_returns(equity: npt.ArrayLike) -> FloatArray:
    """Return the periodic simple returns of an equity curve (one fewer than its points)."""
    curve = as_equity(equity)
    return curve[1:] / curve[:-1] - 1.0


def equity_from_returns(returns: npt.ArrayLike, start: float = 1.0) -> FloatArray:
    """Compound periodic returns into an equity curve that begins at `start`.

    Returns below -100% would make equity negative and are rejected.
    """
    rets = as_floats(returns, "returns")
    if np.any(rets <= -1.0):
        raise InvalidInput("returns", f"must be greater than -1, got {rets.min()}")
    return np.concatenate(([start], start * np.cumprod(1.0 + rets)))


def equity_curve_from_returns(
    timestamps_ms: npt.ArrayLike, returns: npt.ArrayLike, start: float = 1.0
) -> tuple[IntArray, FloatArray]:
    """Turn returns stamped at the end of their periods into a stamped equity curve.

    The curve gains a first point, worth `start`, one median step before the first
    return's stamp, so that every return has the point it grew from. Needs two returns.
    """
    rets = as_floats(returns, "returns")
    stamps = as_timestamps(timestamps_ms, rets.size)
    if stamps.size < 2:
        raise InvalidInput("returns", "needs at least two rows to infer the period length")
    first = stamps[0] - int(np.median(np.diff(stamps)))
    return np.concatenate(([first], stamps)), equity_from_returns(rets, start)


def infer_periods_per_year(timestamps_ms: npt.ArrayLike) -> float:
    """Infer the sampling rate as a year over the median step (1m bars give 525600).

    The median ignores the odd gap in the data. A median step of 28 to 31 days counts as
    monthly data, 12 a year, because calendar months differ in length. Fewer than two
    timestamps give ``nan``.
    """
    stamps = as_timestamps(timestamps_ms, np.size(timestamps_ms))
    if stamps.size < 2:
        return math.nan
    step = float(np.median(np.diff(stamps)))
    if 28 * _MS_PER_DAY <= step <= 31 * _MS_PER_DAY:
        return 12.0
    return MS_PER_YEAR / step


def years_between(start_ms: int, end_ms: int) -> float:
    """Return the elapsed time between two epoch-millisecond stamps in 365-day years."""
    return (end_ms - start_ms) / MS_PER_YEAR


def per_period_rate(annual_rate: float, periods_per_year: float) -> float:
    """De-annualise a rate by compounding: ``(1 + annual_rate) ** (1 / ppy) - 1``."""
    if annual_rate == 0.0:
        return 0.0
    if not annual_rate > -1.0:
        raise InvalidInput("annual_rate", f"must be above -100%, got {annual_rate}")
    return float((1.0 + annual_rate) ** (1.0 / periods_per_year) - 1.0)


def total_return(equity: npt.ArrayLike) -> float:
    """Return ``E_n / E_0 - 1``; ``nan`` for an empty curve, 0 for a single point."""
    curve = as_equity(equity)
    if curve.size == 0:
        return math.nan
    return float(curve[-1] / curve[0] - 1.0)


def cagr(equity: npt.ArrayLike, years: float) -> float:
    """Return the compound annual growth rate ``(E_n / E_0) ** (1 / years) - 1``.

    `years` is the elapsed time: calendar time, or ``periods / periods_per_year`` as
    empyrical counts it. ``nan`` when the curve is empty or `years` is not positive, and
    ``inf`` when a short, steep rise compounds beyond a float.
    """
    growth = total_return(equity)
    if math.isnan(growth) or not years > 0.0:
        return math.nan
    try:
        return math.expm1(math.log1p(growth) / years)
    except OverflowError:
        return math.inf


def annual_volatility(returns: npt.ArrayLike, periods_per_year: float) -> float:
    """Return the sample standard deviation (ddof=1) of returns times ``sqrt(ppy)``.

    ``nan`` for fewer than two returns; exactly 0 for a constant series.
    """
    rets = as_floats(returns, "returns")
    return _std(rets) * math.sqrt(periods_per_year)


def sharpe_ratio(returns: npt.ArrayLike, periods_per_year: float, risk_free: float = 0.0) -> float:
    """Return the annualised Sharpe ratio ``mean(r - rf) / std(r - rf) * sqrt(ppy)``.

    `risk_free` is an annual rate, de-annualised per period by compounding; the standard
    deviation is the sample one (ddof=1). ``nan`` for fewer than two returns or zero
    dispersion.
    """
    rets = as_floats(returns, "returns")
    excess = rets - per_period_rate(risk_free, periods_per_year)
    std = _std(excess)
    if not std > 0.0:
        return math.nan
    return float(np.mean(excess)) / std * math.sqrt(periods_per_year)


def downside_deviation(
    returns: npt.ArrayLike, periods_per_year: float, required_return: float = 0.0
) -> float:
    """Return the annualised downside deviation ``sqrt(mean(min(r - req, 0) ** 2) * ppy)``.

    This is empyrical's definition: every period counts in the mean, not only the losing
    ones. `required_return` is annual, de-annualised by compounding; ``nan`` when empty.
    """
    rets = as_floats(returns, "returns")
    if rets.size == 0:
        return math.nan
    shortfall = np.minimum(rets - per_period_rate(required_return, periods_per_year), 0.0)
    return math.sqrt(float(np.mean(shortfall**2)) * periods_per_year)


def sortino_ratio(
    returns: npt.ArrayLike, periods_per_year: float, required_return: float = 0.0
) -> float:
    """Return the Sortino ratio: annualised mean excess return over the downside deviation.

    ``mean(r - req) * ppy / downside_deviation``, as empyrical computes it. ``nan`` for
    fewer than two returns or no return below the requirement.
    """
    rets = as_floats(returns, "returns")
    if rets.size < 2:
        return math.nan
    required = per_period_rate(required_return, periods_per_year)
    downside = downside_deviation(rets, periods_per_year, required_return)
    if not downside > 0.0:
        return math.nan
    return float(np.mean(rets - required)) * periods_per_year / downside


def calmar_ratio(cagr_value: float, max_drawdown: float) -> float:
    """Return ``CAGR / |max drawdown|``; ``nan`` when there was no drawdown."""
    if math.isnan(cagr_value) or not max_drawdown < 0.0:
        return math.nan
    return cagr_value / abs(max_drawdown)


def _std(values: FloatArray) -> float:
    if values.size < 2:
        return math.nan
    # A constant series must give exactly 0, not the rounding noise of its mean.
    if values.max() == values.min():
        return 0.0
    return float(np.std(values, ddof=1))
