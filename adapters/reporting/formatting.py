"""Turn a PerformanceReport into labelled, human-readable rows for the report."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from domain.performance import Drawdown, PerformanceReport, TradeStats

Rows = list[tuple[str, str]]
MISSING = "—"


def percent(value: float, digits: int = 2) -> str:
    """Format a fraction as a percentage; nan as a dash, infinity as ∞."""
    if math.isnan(value):
        return MISSING
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    # Adding 0.0 turns a -0.0 left by rounding into 0.0, so "-0.00%" never shows.
    return f"{round(value * 100, digits) + 0.0:,.{digits}f}%"


def number(value: float, digits: int = 2) -> str:
    """Format a plain number with thousands separators; nan as a dash, infinity as ∞."""
    if math.isnan(value):
        return MISSING
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return f"{round(value, digits) + 0.0:,.{digits}f}"


def timestamp(ms: int | None) -> str:
    """Format epoch milliseconds as a UTC date and time."""
    if ms is None:
        return MISSING
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M")


def duration(ms: float) -> str:
    """Format a span of milliseconds as days and hours, or minutes when shorter."""
    minutes = round(ms / 60_000)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {mins}m" if hours else f"{mins}m"


def metric_sections(
    report: PerformanceReport, timestamps_ms: npt.ArrayLike
) -> list[tuple[str, Rows]]:
    """Return the report's metrics grouped under section titles, ready to print."""
    stamps = np.asarray(timestamps_ms, dtype=np.int64)
    sections = [
        ("Returns", _returns(report)),
        ("Risk", _risk(report, stamps)),
        ("Period", _period(report)),
    ]
    if report.trade_stats is not None:
        sections.append(("Trades", _trades(report.trade_stats)))
    return sections


def _returns(report: PerformanceReport) -> Rows:
    return [
        ("Total return", percent(report.total_return)),
        ("CAGR", percent(report.cagr)),
        ("Annual volatility", percent(report.annual_volatility)),
        ("Sharpe ratio", number(report.sharpe)),
        ("Sortino ratio", number(report.sortino)),
        ("Calmar ratio", number(report.calmar)),
    ]


def _risk(report: PerformanceReport, stamps: npt.NDArray[np.int64]) -> Rows:
    spell = report.max_drawdown_spell
    return [
        ("Max drawdown", percent(report.max_drawdown)),
        ("Max drawdown duration", _spell_length(spell, stamps)),
        ("Max drawdown peak → trough", _spell_dates(spell, stamps)),
        ("Recovered", _recovered(spell, stamps)),
        ("Longest drawdown", f"{report.longest_drawdown_periods:,} periods"),
    ]


def _period(report: PerformanceReport) -> Rows:
    return [
        ("Start", timestamp(report.start_ms)),
        ("End", timestamp(report.end_ms)),
        ("Periods", f"{report.periods:,}"),
        ("Periods per year", number(report.periods_per_year, 0)),
        ("Start equity", number(report.start_equity)),
        ("End equity", number(report.end_equity)),
        ("Risk-free rate", percent(report.risk_free)),
        ("Exposure", percent(report.exposure, 1)),
        ("Turnover (per year)", _times(report.turnover)),
    ]


def _trades(stats: TradeStats) -> Rows:
    return [
        ("Closed trades", f"{stats.trades:,}"),
        ("Win rate", percent(stats.win_rate, 1)),
        ("Profit factor", number(stats.profit_factor)),
        ("Expectancy", number(stats.expectancy)),
        ("Average win", number(stats.average_win)),
        ("Average loss", number(stats.average_loss)),
        ("Net profit", number(stats.net_profit)),
        ("Fees", number(stats.fees)),
    ]


def _times(value: float) -> str:
    return MISSING if math.isnan(value) else f"{number(value)}×"


def _spell_length(spell: Drawdown | None, stamps: npt.NDArray[np.int64]) -> str:
    if spell is None:
        return MISSING
    end = spell.recovery if spell.recovery is not None else stamps.size - 1
    return f"{spell.periods:,} periods ({duration(float(stamps[end] - stamps[spell.start]))})"


def _spell_dates(spell: Drawdown | None, stamps: npt.NDArray[np.int64]) -> str:
    if spell is None:
        return MISSING
    return f"{timestamp(int(stamps[spell.start]))} → {timestamp(int(stamps[spell.trough]))}"


def _recovered(spell: Drawdown | None, stamps: npt.NDArray[np.int64]) -> str:
    if spell is None:
        return MISSING
    if spell.recovery is None:
        return "not yet"
    return timestamp(int(stamps[spell.recovery]))
