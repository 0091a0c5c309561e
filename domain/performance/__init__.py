"""Performance metrics of equity curves, return series and closed trades (pure, no I/O)."""

from domain.performance.drawdown import (
    Drawdown,
    drawdown_series,
    drawdowns,
    longest_drawdown,
    max_drawdown,
)
from domain.performance.metrics import (
    MS_PER_YEAR,
    annual_volatility,
    cagr,
    calmar_ratio,
    downside_deviation,
    equity_curve_from_returns,
    equity_from_returns,
    infer_periods_per_year,
    per_period_rate,
    sharpe_ratio,
    simple_returns,
    sortino_ratio,
    total_return,
    years_between,
)
from domain.performance.monthly import monthly_returns
from domain.performance.report import PerformanceReport, compute_report
from domain.performance.trades import (
    ClosedTrade,
    TradeSide,
    TradeStats,
    exposure,
    exposure_from_trades,
    trade_stats,
    turnover,
)

__all__ = [
    "MS_PER_YEAR",
    "ClosedTrade",
    "Drawdown",
    "PerformanceReport",
    "TradeSide",
    "TradeStats",
    "annual_volatility",
    "cagr",
    "calmar_ratio",
    "compute_report",
    "downside_deviation",
    "drawdown_series",
    "drawdowns",
    "equity_curve_from_returns",
    "equity_from_returns",
    "exposure",
    "exposure_from_trades",
    "infer_periods_per_year",
    "longest_drawdown",
    "max_drawdown",
    "monthly_returns",
    "per_period_rate",
    "sharpe_ratio",
    "simple_returns",
    "sortino_ratio",
    "total_return",
    "trade_stats",
    "turnover",
    "years_between",
]
