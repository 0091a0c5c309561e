"""Agree with empyrical-reloaded, an independent implementation, on random series."""

import numpy as np
import pytest

from domain.performance import (
    annual_volatility,
    cagr,
    calmar_ratio,
    equity_from_returns,
    max_drawdown,
    per_period_rate,
    sharpe_ratio,
    sortino_ratio,
)

ep = pytest.importorskip("empyrical")

PPY = 252


def test_sharpe_matches(returns: np.ndarray) -> None:
    assert sharpe_ratio(returns, PPY) == pytest.approx(
        ep.sharpe_ratio(returns, annualization=PPY), rel=1e-10
    )


def test_sharpe_with_risk_free_matches_de_annualised_rate(returns: np.ndarray) -> None:
    # empyrical takes the risk-free rate per period; we take it annually.
    rf_period = per_period_rate(0.04, PPY)
    assert sharpe_ratio(returns, PPY, risk_free=0.04) == pytest.approx(
        ep.sharpe_ratio(returns, risk_free=rf_period, annualization=PPY), rel=1e-10
    )


def test_sortino_matches(returns: np.ndarray) -> None:
    assert sortino_ratio(returns, PPY) == pytest.approx(
        ep.sortino_ratio(returns, annualization=PPY), rel=1e-10
    )


def test_sortino_with_required_return_matches(returns: np.ndarray) -> None:
    required = per_period_rate(0.1, PPY)
    assert sortino_ratio(returns, PPY, required_return=0.1) == pytest.approx(
        ep.sortino_ratio(returns, required_return=required, annualization=PPY), rel=1e-10
    )


def test_annual_volatility_matches(returns: np.ndarray) -> None:
    assert annual_volatility(returns, PPY) == pytest.approx(
        ep.annual_volatility(returns, annualization=PPY), rel=1e-10
    )


def test_max_drawdown_matches(returns: np.ndarray) -> None:
    spell = max_drawdown(equity_from_returns(returns))
    assert spell is not None
    assert spell.depth == pytest.approx(ep.max_drawdown(returns), rel=1e-10)


def test_cagr_matches_with_periods_over_ppy(returns: np.ndarray) -> None:
    years = returns.size / PPY
    assert cagr(equity_from_returns(returns), years) == pytest.approx(
        ep.cagr(returns, annualization=PPY), rel=1e-9
    )


def test_calmar_matches(returns: np.ndarray) -> None:
    equity = equity_from_returns(returns)
    spell = max_drawdown(equity)
    assert spell is not None
    ours = calmar_ratio(cagr(equity, returns.size / PPY), spell.depth)
    assert ours == pytest.approx(ep.calmar_ratio(returns, annualization=PPY), rel=1e-9)
