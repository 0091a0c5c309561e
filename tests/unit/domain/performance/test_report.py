import math

import numpy as np
import pytest

from domain.performance import (
    ClosedTrade,
    annual_volatility,
    compute_report,
    equity_curve_from_returns,
    equity_from_returns,
    sharpe_ratio,
    sortino_ratio,
)

MINUTE = 60_000
START = 1_704_067_200_000  # 2024-01-01T00:00:00Z


def _minute_curve(size: int = 2_000) -> tuple[np.ndarray, np.ndarray]:
    rets = np.random.default_rng(7).normal(0.00002, 0.001, size - 1)
    return equity_from_returns(rets, start=10_000.0), START + np.arange(size) * MINUTE


def test_report_infers_minute_bars_and_agrees_with_the_functions() -> None:
    equity, stamps = _minute_curve()
    report = compute_report(equity, stamps, None, risk_free=0.03)
    rets = equity[1:] / equity[:-1] - 1
    assert report.periods_per_year == pytest.approx(525_600)
    assert report.periods == 1_999
    assert report.years == pytest.approx(1_999 / 525_600)
    assert report.annual_volatility == pytest.approx(annual_volatility(rets, 525_600))
    assert report.sharpe == pytest.approx(sharpe_ratio(rets, 525_600, 0.03))
    assert report.sortino == pytest.approx(sortino_ratio(rets, 525_600, 0.03))
    assert report.calmar == pytest.approx(report.cagr / abs(report.max_drawdown))
    assert report.trade_stats is None
    assert math.isnan(report.exposure)
    assert math.isnan(report.turnover)


def test_given_periods_per_year_wins_over_inference() -> None:
    equity, stamps = _minute_curve()
    assert compute_report(equity, stamps, [], periods_per_year=1_000).periods_per_year == 1_000
    with pytest.raises(ValueError, match="periods_per_year"):
        compute_report(equity, stamps, [], periods_per_year=0)


def test_report_uses_trades_for_exposure_turnover_and_stats() -> None:
    stamps = START + np.arange(5) * 86_400_000
    equity = np.array([1_000.0, 1_010.0, 1_005.0, 1_020.0, 1_020.0])
    trade = ClosedTrade(
        "BTCUSDT", "long", int(stamps[1]), int(stamps[3]), 0.01, 50_000, 52_000, 20, 1
    )
    report = compute_report(equity, stamps, [trade])
    assert report.exposure == pytest.approx(2 / 5)
    years = 4 / 365
    assert report.turnover == pytest.approx(0.01 * 102_000 / equity.mean() / years)
    assert report.trade_stats is not None
    assert report.trade_stats.win_rate == 1.0
    spell = report.max_drawdown_spell
    assert spell is not None
    assert (spell.start, spell.trough, spell.recovery, spell.periods) == (1, 2, 3, 2)


def test_positions_take_precedence_for_exposure() -> None:
    equity, stamps = _minute_curve(4)
    report = compute_report(equity, stamps, [], positions_notional=[0, 5, 5, 5])
    assert report.exposure == 0.75
    with pytest.raises(ValueError, match="positions_notional"):
        compute_report(equity, stamps, [], positions_notional=[0, 5])


def test_constant_curve_report_is_defined() -> None:
    report = compute_report([100.0] * 5, START + np.arange(5) * MINUTE, [])
    assert (report.total_return, report.cagr, report.max_drawdown) == (0.0, 0.0, 0.0)
    assert report.annual_volatility == 0.0
    assert math.isnan(report.sharpe)
    assert math.isnan(report.calmar)
    assert report.max_drawdown_spell is None
    assert report.longest_drawdown_periods == 0
    assert (report.exposure, report.turnover) == (0.0, 0.0)


def test_empty_curve_report_is_all_nan() -> None:
    report = compute_report([], [], None)
    assert report.periods == 0
    assert report.start_ms is None
    assert math.isnan(report.total_return)
    assert math.isnan(report.max_drawdown)


def test_returns_become_a_curve_with_a_starting_point_one_step_earlier() -> None:
    stamps, equity = equity_curve_from_returns([START + MINUTE, START + 2 * MINUTE], [0.1, -0.5])
    assert stamps.tolist() == [START, START + MINUTE, START + 2 * MINUTE]
    assert equity == pytest.approx([1.0, 1.1, 0.55])
    with pytest.raises(ValueError, match="at least two rows"):
        equity_curve_from_returns([START], [0.1])
