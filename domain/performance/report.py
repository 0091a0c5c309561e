"""One summary of a run's performance, from its equity curve and its closed trades."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from domain.errors import InvalidInput
from domain.performance._arrays import FloatArray, IntArray, as_equity, as_timestamps
from domain.performance.drawdown import Drawdown, longest_drawdown, max_drawdown
from domain.performance.metrics import (
    annual_volatility,
    cagr,
    calmar_ratio,
    infer_periods_per_year,
    sharpe_ratio,
    simple_returns,
    sortino_ratio,
    total_return,
    years_between,
)
from domain.performance.trades import (
    ClosedTrade,
    TradeStats,
    exposure,
    exposure_from_trades,
    trade_stats,
    turnover,
)


@dataclass(frozen=True, slots=True)
class PerformanceReport:
    """The headline metrics of one equity curve; see `compute_report` for the definitions.

    Rates and drawdowns are fractions (0.12 is 12%). A metric that cannot be computed
    from what was given is ``nan``; `trade_stats` is ``None`` when no trades were given.
    """

    start_ms: int | None
    end_ms: int | None
    periods: int
    periods_per_year: float
    years: float
    start_equity: float
    end_equity: float
    total_return: float
    cagr: float
    annual_volatility: float
    sharpe: float
    sortino: float
    calmar: float
    max_drawdown: float
    max_drawdown_spell: Drawdown | None
    longest_drawdown_periods: int
    exposure: float
    turnover: float
    risk_free: float
    trade_stats: TradeStats | None


def compute_report(
    equity: npt.ArrayLike,
    timestamps_ms: npt.ArrayLike,
    trades: Sequence[ClosedTrade] | None,
    positions_notional: npt.ArrayLike | None = None,
    periods_per_year: float | None = None,
    risk_free: float = 0.0,
) -> PerformanceReport:
    """Compute the performance report of an equity curve sampled at `timestamps_ms`.

    * `periods_per_year` is inferred from the median timestamp step when not given;
    * CAGR and turnover use the calendar time between the first and last timestamps;
    * Sharpe uses the annual `risk_free` rate, and Sortino uses it as the required return;
    * exposure comes from `positions_notional` (one value per equity point) when given,
      else from the trades' open intervals, else is ``nan``;
    * turnover is ``nan`` when `trades` is ``None``, i.e. unknown rather than none.
    """
    curve = as_equity(equity)
    stamps = as_timestamps(timestamps_ms, curve.size)
    ppy = _periods_per_year(stamps, periods_per_year)
    years = years_between(int(stamps[0]), int(stamps[-1])) if stamps.size else math.nan
    returns = simple_returns(curve) if curve.size else curve
    growth = cagr(curve, years)
    deepest = max_drawdown(curve)
    depth = deepest.depth if deepest is not None else (0.0 if curve.size else math.nan)
    longest = longest_drawdown(curve)
    return PerformanceReport(
        start_ms=int(stamps[0]) if stamps.size else None,
        end_ms=int(stamps[-1]) if stamps.size else None,
        periods=int(returns.size),
        periods_per_year=ppy,
        years=years,
        start_equity=float(curve[0]) if curve.size else math.nan,
        end_equity=float(curve[-1]) if curve.size else math.nan,
        total_return=total_return(curve),
        cagr=growth,
        annual_volatility=annual_volatility(returns, ppy),
        sharpe=sharpe_ratio(returns, ppy, risk_free),
        sortino=sortino_ratio(returns, ppy, risk_free),
        calmar=calmar_ratio(growth, depth),
        max_drawdown=depth,
        max_drawdown_spell=deepest,
        longest_drawdown_periods=longest.periods if longest is not None else 0,
        exposure=_exposure(positions_notional, trades, stamps),
        turnover=_turnover(trades, curve, years),
        risk_free=risk_free,
        trade_stats=trade_stats(trades) if trades is not None else None,
    )


def _periods_per_year(stamps: IntArray, given: float | None) -> float:
    if given is None:
        return infer_periods_per_year(stamps)
    if not given > 0.0:
        raise InvalidInput("periods_per_year", f"must be positive, got {given}")
    return float(given)


def _exposure(
    positions: npt.ArrayLike | None, trades: Sequence[ClosedTrade] | None, stamps: IntArray
) -> float:
    if positions is not None:
        if np.size(positions) != stamps.size:
            raise InvalidInput(
                "positions_notional", f"has {np.size(positions)} values, equity {stamps.size}"
            )
        return exposure(positions)
    if trades is not None:
        return exposure_from_trades(trades, stamps)
    return math.nan


def _turnover(trades: Sequence[ClosedTrade] | None, curve: FloatArray, years: float) -> float:
    if trades is None or curve.size == 0:
        return math.nan
    return turnover(trades, float(curve.mean()), years)
