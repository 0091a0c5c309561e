"""Covariance and expected-return estimators against hand sums, loops and scikit-learn."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from domain.portfolio.covariance import (
    cagr,
    ewma_covariance,
    ewma_mean_return,
    ledoit_wolf,
    mean_return,
    returns_from_prices,
    sample_covariance,
)
from domain.portfolio.errors import EstimationError

SHARED = Path(__file__).resolve().parents[4] / ".." / "shared"
REFERENCE = SHARED / "eval" / "portfolio_risk" / "reference_values" / "expected_values.json"


@pytest.fixture
def returns() -> np.ndarray:
    rng = np.random.default_rng(11)
    mixing = np.array(
        [[1.0, 0.0, 0.0, 0.0], [0.6, 0.8, 0.0, 0.0], [0.2, 0.1, 1.5, 0.0], [0.0, -0.3, 0.2, 0.5]]
    )
    return rng.normal(0.0005, 0.01, size=(120, 4)) @ mixing.T


def test_returns_from_prices() -> None:
    prices = [[100.0, 10.0], [110.0, 9.0], [99.0, 9.9]]
    assert returns_from_prices(prices) == pytest.approx(np.array([[0.1, -0.1], [-0.1, 0.1]]))


def test_sample_covariance_is_the_unbiased_estimate_annualised(returns: np.ndarray) -> None:
    centred = returns - returns.mean(axis=0)
    by_hand = centred.T @ centred / (len(returns) - 1)
    assert sample_covariance(returns, 252) == pytest.approx(by_hand * 252, rel=1e-12)


def test_ewma_covariance_equals_the_riskmetrics_recursion(returns: np.ndarray) -> None:
    decay = 0.94
    state, mass = np.zeros((4, 4)), 0.0
    for row in returns:  # S_t = decay S_t-1 + r r', normalised by the weights' sum
        state = decay * state + np.outer(row, row)
        mass = decay * mass + 1.0
    assert ewma_covariance(returns, decay) == pytest.approx(state / mass, rel=1e-12)
    assert ewma_covariance(returns, decay, 365) == pytest.approx(state / mass * 365, rel=1e-12)


def _ledoit_wolf_by_loop(returns: np.ndarray) -> tuple[np.ndarray, float]:
    # Ledoit & Wolf (2004), lemmas 3.2-3.4, written out term by term.
    x = returns - returns.mean(axis=0)
    t, n = x.shape
    s = x.T @ x / t
    m = np.trace(s) / n
    d2 = np.linalg.norm(s - m * np.eye(n), "fro") ** 2 / n
    b2_bar = sum(np.linalg.norm(np.outer(row, row) - s, "fro") ** 2 / n for row in x) / t**2
    b2 = min(b2_bar, d2)
    return (b2 / d2) * m * np.eye(n) + (1 - b2 / d2) * s, b2 / d2


def test_ledoit_wolf_matches_the_paper_formula(returns: np.ndarray) -> None:
    expected, intensity = _ledoit_wolf_by_loop(returns)
    result = ledoit_wolf(returns)
    assert result.shrinkage == pytest.approx(intensity, rel=1e-12)
    assert 0.0 < result.shrinkage < 1.0
    assert result.covariance == pytest.approx(expected, rel=1e-12)
    assert ledoit_wolf(returns, 252).covariance == pytest.approx(expected * 252, rel=1e-12)


def test_ledoit_wolf_matches_scikit_learn(returns: np.ndarray) -> None:
    covariance = pytest.importorskip("sklearn.covariance", reason="scikit-learn not installed")
    expected, intensity = covariance.ledoit_wolf(returns)
    result = ledoit_wolf(returns)
    assert result.shrinkage == pytest.approx(intensity, rel=1e-10)
    assert result.covariance == pytest.approx(expected, rel=1e-10)


def test_ledoit_wolf_shrinks_less_as_the_history_grows() -> None:
    # Volatilities from 1 to 3: the identity target is wrong, so the intensity should
    # fall towards zero as the sample covariance becomes reliable.
    rng = np.random.default_rng(0)
    vols = np.linspace(1.0, 3.0, 20)
    intensities = [ledoit_wolf(rng.normal(size=(t, 20)) * vols).shrinkage for t in (10, 100, 3_000)]
    assert intensities == sorted(intensities, reverse=True)
    assert intensities[-1] < 0.05


def test_ledoit_wolf_leaves_an_identity_sample_alone() -> None:
    # Rows +-e_i give S = I / 2 exactly: nothing to shrink.
    rows = np.vstack([np.eye(3), -np.eye(3)])
    result = ledoit_wolf(rows)
    assert result.shrinkage == 0.0
    assert result.covariance == pytest.approx(np.eye(3) / 3)


def test_expected_return_estimators_by_hand() -> None:
    rets = np.array([[0.1, 0.02], [-0.1, 0.04]])
    assert mean_return(rets, 12) == pytest.approx([0.0, 0.36])
    assert cagr(rets, 1)[0] == pytest.approx(math.sqrt(1.1 * 0.9) - 1)
    assert cagr(rets, 2)[1] == pytest.approx(1.02 * 1.04 - 1)
    # EWMA mean with decay 0.5: weights 1/3 (older) and 2/3 (latest).
    assert ewma_mean_return(rets, 0.5) == pytest.approx([-0.1 / 3, 0.1 / 3])


def test_bad_inputs_raise() -> None:
    with pytest.raises(EstimationError, match="returns"):
        sample_covariance([[0.1, math.nan], [0.2, 0.1]])
    with pytest.raises(EstimationError, match="returns"):
        sample_covariance([[0.1, 0.2]])
    with pytest.raises(EstimationError, match="decay"):
        ewma_covariance([[0.1], [0.2]], decay=1.0)
    with pytest.raises(EstimationError, match="periods_per_year"):
        mean_return([[0.1]], periods_per_year=0)
    with pytest.raises(EstimationError, match="returns"):
        cagr([[-1.0]])
    with pytest.raises(EstimationError, match="prices"):
        returns_from_prices([[1.0], [0.0]])


def _pypfopt() -> dict:
    if not REFERENCE.is_file():
        pytest.skip(f"shared reference values not found at {REFERENCE}")
    return json.loads(REFERENCE.read_text())["pypfopt"]["expected"]


@pytest.mark.shared_data
def test_return_estimators_match_pypfopt_dummy_prices() -> None:
    dummy = _pypfopt()["dummy_mean_historical_return"]
    rets = returns_from_prices(np.abs(dummy["prices"]))
    signs = np.sign(np.array(dummy["prices"])[0])
    # The dummy's last column is a negative "price"; p1/p0 - 1 is the same either way.
    assert np.all(signs[:3] > 0)
    assert cagr(rets, dummy["frequency"]) == pytest.approx(dummy["compounding"], rel=1e-3)
    assert mean_return(rets, dummy["frequency"]) == pytest.approx(dummy["arithmetic"], rel=1e-3)


@pytest.mark.shared_data
def test_sample_covariance_matches_pypfopt_dummy_prices() -> None:
    expected = _pypfopt()
    prices = np.array(expected["dummy_mean_historical_return"]["prices"])[:, :3]
    covariance = sample_covariance(returns_from_prices(prices), 252) / 252
    assert covariance == pytest.approx(np.array(expected["dummy_sample_cov_div252"]["expected"]))
