"""Agree with textbook definitions written as plain loops, so no reference package is needed."""

import math

import numpy as np
import pytest

from domain.performance import (
    annual_volatility,
    cagr,
    calmar_ratio,
    drawdown_series,
    equity_from_returns,
    max_drawdown,
    sharpe_ratio,
    simple_returns,
    sortino_ratio,
    total_return,
)

PPY = 365


def _mean(xs: list[float]) -> float:
    total = 0.0
    for x in xs:
        total += x
    return total / len(xs)


def _sample_std(xs: list[float]) -> float:
    mu = _mean(xs)
    squares = 0.0
    for x in xs:
        squares += (x - mu) ** 2
    return math.sqrt(squares / (len(xs) - 1))


def _loop_equity(rets: list[float]) -> list[float]:
    equity = [1.0]
    for r in rets:
        equity.append(equity[-1] * (1.0 + r))
    return equity


def _loop_max_drawdown(equity: list[float]) -> float:
    peak, worst = equity[0], 0.0
    for value in equity:
        peak = max(peak, value)
        worst = min(worst, value / peak - 1.0)
    return worst


def _loop_sharpe(rets: list[float], annual_rf: float) -> float:
    rf = (1.0 + annual_rf) ** (1.0 / PPY) - 1.0
    excess = [r - rf for r in rets]
    return _mean(excess) / _sample_std(excess) * math.sqrt(PPY)


def _loop_sortino(rets: list[float]) -> float:
    squares = 0.0
    for r in rets:
        squares += min(r, 0.0) ** 2
    downside = math.sqrt(squares / len(rets)) * math.sqrt(PPY)
    return _mean(rets) * PPY / downside


def _loop_cagr(equity: list[float], periods: int) -> float:
    return (equity[-1] / equity[0]) ** (PPY / periods) - 1.0


def test_equity_round_trips_through_returns(returns: np.ndarray) -> None:
    equity = equity_from_returns(returns)
    assert list(equity) == pytest.approx(_loop_equity(list(returns)), rel=1e-12)
    assert simple_returns(equity) == pytest.approx(returns, abs=1e-12)


def test_total_return(returns: np.ndarray) -> None:
    equity = _loop_equity(list(returns))
    assert total_return(equity) == pytest.approx(equity[-1] - 1.0, rel=1e-12)


def test_annual_volatility(returns: np.ndarray) -> None:
    expected = _sample_std(list(returns)) * math.sqrt(PPY)
    assert annual_volatility(returns, PPY) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("annual_rf", [0.0, 0.05])
def test_sharpe(returns: np.ndarray, annual_rf: float) -> None:
    expected = _loop_sharpe(list(returns), annual_rf)
    assert sharpe_ratio(returns, PPY, annual_rf) == pytest.approx(expected, rel=1e-10)


def test_sortino(returns: np.ndarray) -> None:
    assert sortino_ratio(returns, PPY) == pytest.approx(_loop_sortino(list(returns)), rel=1e-10)


def test_max_drawdown(returns: np.ndarray) -> None:
    equity = _loop_equity(list(returns))
    spell = max_drawdown(equity)
    assert spell is not None
    assert spell.depth == pytest.approx(_loop_max_drawdown(equity), rel=1e-12)
    assert drawdown_series(equity).min() == pytest.approx(spell.depth, rel=1e-12)


def test_cagr_and_calmar(returns: np.ndarray) -> None:
    equity = _loop_equity(list(returns))
    expected_cagr = _loop_cagr(equity, len(returns))
    ours = cagr(equity, len(returns) / PPY)
    assert ours == pytest.approx(expected_cagr, rel=1e-10)
    expected_calmar = expected_cagr / abs(_loop_max_drawdown(equity))
    assert calmar_ratio(ours, _loop_max_drawdown(equity)) == pytest.approx(
        expected_calmar, rel=1e-10
    )


def test_hand_computed_series() -> None:
    rets = np.array([0.1, -0.05, 0.02, -0.01])
    mu = 0.015
    std = math.sqrt(((0.085**2) + (0.065**2) + (0.005**2) + (0.025**2)) / 3)
    assert sharpe_ratio(rets, 4) == pytest.approx(mu / std * 2.0)
    downside = math.sqrt((0.05**2 + 0.01**2) / 4) * 2.0
    assert sortino_ratio(rets, 4) == pytest.approx(mu * 4 / downside)
