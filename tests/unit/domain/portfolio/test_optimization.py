"""Mean-variance and risk-parity optimisers against closed forms, scipy and reference values."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import optimize

from domain.portfolio.covariance import cagr, mean_return, sample_covariance
from domain.portfolio.errors import InfeasiblePortfolio, PortfolioInputError
from domain.portfolio.optimization import (
    MarketModel,
    WeightConstraints,
    efficient_frontier,
    efficient_return,
    efficient_risk,
    max_sharpe,
    min_variance,
    performance,
    risk_contributions,
    risk_parity,
)

SHARED = Path(__file__).resolve().parents[4] / ".." / "shared"
EVAL = SHARED / "eval" / "portfolio_risk"
DATA = SHARED / "data" / "portfolio"

ASSETS = ("BTC", "ETH", "SOL", "BNB", "XRP")
MU = np.array([0.30, 0.25, 0.40, 0.12, 0.08])
VOLS = np.array([0.55, 0.70, 0.95, 0.45, 0.30])
CORR = np.array(
    [
        [1.00, 0.75, 0.60, 0.50, 0.30],
        [0.75, 1.00, 0.65, 0.55, 0.35],
        [0.60, 0.65, 1.00, 0.45, 0.25],
        [0.50, 0.55, 0.45, 1.00, 0.20],
        [0.30, 0.35, 0.25, 0.20, 1.00],
    ]
)
COV = CORR * np.outer(VOLS, VOLS)
LONG_SHORT = WeightConstraints.long_short()


@pytest.fixture
def model() -> MarketModel:
    return MarketModel.of(ASSETS, MU, COV)


def _weights(portfolio) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.array([portfolio.weights[a] for a in ASSETS])


def test_unbounded_min_variance_matches_the_closed_form(model: MarketModel) -> None:
    inverse_ones = np.linalg.solve(COV, np.ones(5))
    expected = inverse_ones / inverse_ones.sum()  # w = S^-1 1 / 1' S^-1 1
    result = min_variance(model, LONG_SHORT)
    assert _weights(result) == pytest.approx(expected, abs=1e-6)
    assert result.volatility == pytest.approx(1 / math.sqrt(inverse_ones.sum()), rel=1e-9)
    assert np.any(expected < 0)  # the test exercises shorts


def test_unbounded_max_sharpe_matches_the_closed_form(model: MarketModel) -> None:
    direction = np.linalg.solve(COV, MU - 0.03)
    expected = direction / direction.sum()  # w proportional to S^-1 (mu - rf)
    result = max_sharpe(model, LONG_SHORT, risk_free_rate=0.03)
    assert _weights(result) == pytest.approx(expected, abs=1e-6)
    assert result.sharpe == pytest.approx(math.sqrt((MU - 0.03) @ direction), rel=1e-9)


def test_long_only_max_sharpe_matches_scipy_on_the_sharpe_objective(model: MarketModel) -> None:
    def negative_sharpe(w: np.ndarray) -> float:
        return -float((w @ MU - 0.02) / math.sqrt(w @ COV @ w))

    best = None
    for start in np.vstack([np.full(5, 0.2), np.eye(5) * 0.9 + 0.02]):
        outcome = optimize.minimize(
            negative_sharpe,
            start,
            method="SLSQP",
            bounds=[(0, 1)] * 5,
            constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1}],
            options={"ftol": 1e-14, "maxiter": 500},
        )
        if outcome.success and (best is None or outcome.fun < best.fun):
            best = outcome
    assert best is not None
    result = max_sharpe(model, risk_free_rate=0.02)
    assert result.sharpe == pytest.approx(-best.fun, rel=1e-7)
    assert _weights(result) == pytest.approx(best.x, abs=1e-4)
    assert min(result.weights.values()) >= -1e-9


def test_long_only_min_variance_respects_bounds_and_beats_any_feasible_mix(
    model: MarketModel,
) -> None:
    result = min_variance(model, WeightConstraints.long_only(max_weight=0.4))
    weights = _weights(result)
    assert weights.sum() == pytest.approx(1.0)
    assert np.all(weights >= -1e-9)
    assert np.all(weights <= 0.4 + 1e-9)
    rng = np.random.default_rng(0)
    for mix in rng.dirichlet(np.ones(5), size=200):
        if mix.max() <= 0.4:
            assert result.volatility <= math.sqrt(mix @ COV @ mix) + 1e-12


def test_gross_leverage_cap_binds(model: MarketModel) -> None:
    free = max_sharpe(model, WeightConstraints.long_short(max_abs_weight=3.0), 0.03)
    assert np.abs(_weights(free)).sum() > 1.5
    capped = max_sharpe(model, WeightConstraints.long_short(gross_leverage=1.5), 0.03)
    assert np.abs(_weights(capped)).sum() == pytest.approx(1.5, abs=1e-6)
    assert capped.sharpe <= free.sharpe + 1e-9
    assert capped.sharpe >= max_sharpe(model, risk_free_rate=0.03).sharpe - 1e-9


def test_per_asset_bounds_are_honoured(model: MarketModel) -> None:
    limits = WeightConstraints(0.0, 1.0, per_asset={"XRP": (0.0, 0.1), "BTC": (0.25, 0.5)})
    result = min_variance(model, limits)
    assert result.weights["XRP"] <= 0.1 + 1e-9
    assert 0.25 - 1e-9 <= result.weights["BTC"] <= 0.5 + 1e-9


def test_efficient_return_hits_its_target_at_least_variance(model: MarketModel) -> None:
    floor = min_variance(model)
    result = efficient_return(model, 0.25)
    assert result.expected_return == pytest.approx(0.25, abs=1e-7)
    assert result.volatility > floor.volatility
    # A target below the minimum-variance return is met by that portfolio itself.
    low = efficient_return(model, floor.expected_return - 0.05)
    assert low.volatility == pytest.approx(floor.volatility, rel=1e-6)


def test_efficient_risk_spends_its_volatility_budget(model: MarketModel) -> None:
    floor = min_variance(model)
    result = efficient_risk(model, floor.volatility + 0.1)
    assert result.volatility == pytest.approx(floor.volatility + 0.1, rel=1e-6)
    assert result.expected_return > floor.expected_return
    same_return = efficient_return(model, result.expected_return)
    assert same_return.volatility == pytest.approx(result.volatility, rel=1e-5)


def test_frontier_runs_from_min_variance_to_the_best_return(model: MarketModel) -> None:
    frontier = efficient_frontier(model, points=20)
    assert len(frontier) == 20
    returns = [p.expected_return for p in frontier]
    vols = [p.volatility for p in frontier]
    assert returns == sorted(returns)
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(vols))
    assert vols[0] == pytest.approx(min_variance(model).volatility, rel=1e-9)
    assert returns[-1] == pytest.approx(MU.max(), abs=1e-6)  # all in SOL, long-only


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m: efficient_return(m, 0.5), "above the highest attainable"),
        (lambda m: efficient_risk(m, 0.1), "below the minimum attainable volatility"),
        (
            lambda m: min_variance(m, WeightConstraints.long_only(max_weight=0.15)),
            "cannot sum to 1",
        ),
        (lambda m: min_variance(m, WeightConstraints(0.3, 1.0)), "cannot sum to 1"),
        (lambda m: min_variance(m, WeightConstraints.long_short(gross_leverage=0.8)), "below 1"),
        (lambda m: max_sharpe(m, risk_free_rate=0.5), "risk-free rate"),
        (lambda m: efficient_frontier(m, 5, LONG_SHORT), "unbounded"),
        (
            lambda m: min_variance(
                m, WeightConstraints(-1.0, 1.0, 1.5, {"BTC": (0.9, 1.0), "ETH": (-1.0, -0.7)})
            ),
            "gross leverage of at least 1.6",
        ),
    ],
)
def test_infeasible_constraints_raise(model: MarketModel, call, message: str) -> None:
    with pytest.raises(InfeasiblePortfolio, match=message):
        call(model)


def test_max_sharpe_with_unbounded_leverage_raises_rather_than_returning_garbage() -> None:
    # Here 1' S^-1 (mu - rf) < 0: the best Sharpe ratio needs a zero-cost book.
    model = MarketModel.of(("A", "B"), [0.05, 0.01], [[0.04, 0.0], [0.0, 0.01]])
    assert np.linalg.solve(model.covariance, model.expected_returns - 0.03).sum() < 0
    with pytest.raises(InfeasiblePortfolio, match="unbounded leverage"):
        max_sharpe(model, LONG_SHORT, risk_free_rate=0.03)


def test_risk_parity_equalises_risk_contributions(model: MarketModel) -> None:
    result = risk_parity(model)
    contributions = risk_contributions(model, result.weights)
    assert list(contributions.values()) == pytest.approx([0.2] * 5, abs=1e-9)
    assert sum(result.weights.values()) == pytest.approx(1.0)


def test_risk_parity_of_uncorrelated_assets_is_inverse_volatility() -> None:
    vols = np.array([0.1, 0.2, 0.4])
    model = MarketModel.of(("A", "B", "C"), np.zeros(3), np.diag(vols**2))
    expected = (1 / vols) / (1 / vols).sum()
    assert list(risk_parity(model).weights.values()) == pytest.approx(expected, abs=1e-9)


def test_risk_budgets_are_met(model: MarketModel) -> None:
    budgets = dict(zip(ASSETS, [0.4, 0.3, 0.1, 0.1, 0.1], strict=True))
    result = risk_parity(model, budgets)
    assert risk_contributions(model, result.weights) == pytest.approx(budgets, abs=1e-9)


def test_model_and_constraints_validate_their_inputs() -> None:
    with pytest.raises(PortfolioInputError, match="covariance"):
        MarketModel.of(("A", "B"), [0.1, 0.1], [[1.0, 2.0], [2.0, 1.0]])  # not PSD
    with pytest.raises(PortfolioInputError, match="covariance"):
        MarketModel.of(("A",), [0.1, 0.1], [[1.0]])
    with pytest.raises(PortfolioInputError, match="assets"):
        MarketModel.of(("A", "A"), [0.1, 0.1], np.eye(2))
    with pytest.raises(PortfolioInputError, match="lower"):
        WeightConstraints(0.5, 0.1)
    with pytest.raises(PortfolioInputError, match="per_asset"):
        min_variance(
            MarketModel.of(("A", "B"), [0.1, 0.1], np.eye(2)),
            WeightConstraints(per_asset={"Z": (0.0, 1.0)}),
        )


def test_performance_of_given_weights(model: MarketModel) -> None:
    weights = dict(zip(ASSETS, [0.2] * 5, strict=True))
    result = performance(model, weights, 0.02)
    w = np.full(5, 0.2)
    assert result.expected_return == pytest.approx(w @ MU)
    assert result.volatility == pytest.approx(math.sqrt(w @ COV @ w))
    assert result.sharpe == pytest.approx((w @ MU - 0.02) / math.sqrt(w @ COV @ w))


def _need(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"shared reference file not found: {path}")
    return path


@pytest.fixture(scope="module")
def pypfopt_model() -> tuple[MarketModel, dict]:
    pandas = pytest.importorskip("pandas")
    expected = json.loads(_need(EVAL / "reference_values" / "expected_values.json").read_text())
    prices = pandas.read_csv(_need(DATA / "pypfopt_stock_prices.csv"), index_col=0)
    levels = prices.to_numpy(dtype=float)
    returns = levels[1:] / levels[:-1] - 1.0
    # As PyPortfolioOpt: CAGR per column over its own non-missing returns, pairwise covariance.
    mu = np.array([cagr(col[~np.isnan(col)][:, None], 252)[0] for col in returns.T])
    cov = pandas.DataFrame(returns).cov().to_numpy() * 252
    return MarketModel.of(tuple(prices.columns), mu, cov), expected["pypfopt"]["expected"]


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("key", "solve"),
    [
        ("min_volatility_long_only_perf", lambda m: min_variance(m, None, 0.02)),
        ("min_volatility_short_perf", lambda m: min_variance(m, LONG_SHORT, 0.02)),
        ("max_sharpe_long_only_rf0.02_perf", lambda m: max_sharpe(m, None, 0.02)),
        ("max_sharpe_short_rf0.02_perf", lambda m: max_sharpe(m, LONG_SHORT, 0.02)),
    ],
)
def test_matches_pypfopt_performance(pypfopt_model, key: str, solve) -> None:
    model, expected = pypfopt_model
    result = solve(model)
    perf = (result.expected_return, result.volatility, result.sharpe)
    assert perf == pytest.approx(tuple(expected[key]), rel=1e-5)


@pytest.mark.shared_data
def test_pypfopt_first_cagr_values(pypfopt_model) -> None:
    model, expected = pypfopt_model
    for asset, value in expected["mean_historical_return_first5"].items():
        index = model.assets.index(asset)
        assert model.expected_returns[index] == pytest.approx(value, abs=1e-6)


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("file", "solve"),
    [
        ("Classic_MinRisk.csv", min_variance),
        ("Classic_Sharpe.csv", max_sharpe),
        ("Classic_RP.csv", risk_parity),
    ],
)
def test_matches_riskfolio_mean_variance_weights(file: str, solve) -> None:
    pandas = pytest.importorskip("pandas")
    reference = pandas.read_csv(_need(EVAL / "riskfolio" / file), index_col=0)["MV"]
    prices = pandas.read_csv(_need(DATA / "riskfolio_stock_prices.csv"), index_col=0)
    assets = tuple(reference.index)
    # As Riskfolio-Lib's tests: the last 200 daily returns, sample mean and covariance, rf 0.
    levels = prices[list(assets)].to_numpy(dtype=float)
    returns = (levels[1:] / levels[:-1] - 1.0)[-200:]
    model = MarketModel.of(assets, mean_return(returns), sample_covariance(returns))
    weights = solve(model).weights
    # Riskfolio's own suite allows 1e-3 between convex solvers.
    assert [weights[a] for a in assets] == pytest.approx(reference.to_list(), abs=1e-4)


@pytest.mark.parametrize("seed", range(4))
def test_gross_capped_long_short_solves_random_problems(seed: int) -> None:
    # Split variables (w = u - v) are where SLSQP stalls if anything does: check that the
    # whole frontier solves and lies between the long-only and uncapped answers.
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(300, 3)) @ rng.normal(size=(3, 20)) * 0.01
    returns = factors + rng.normal(0.0, 0.01, size=(300, 20))
    names = tuple(f"X{i}" for i in range(20))
    model = MarketModel.of(names, rng.normal(0.1, 0.1, 20), sample_covariance(returns, 252))
    capped = WeightConstraints.long_short(gross_leverage=1.5, max_abs_weight=0.5)
    floor = min_variance(model, capped)
    assert min_variance(model, LONG_SHORT).volatility - 1e-9 <= floor.volatility
    assert floor.volatility <= min_variance(model).volatility + 1e-9
    frontier = efficient_frontier(model, 8, capped)
    for portfolio in frontier:
        weights = np.array(list(portfolio.weights.values()))
        assert np.abs(weights).sum() <= 1.5 + 1e-6
        assert np.abs(weights).max() <= 0.5 + 1e-6
    assert [p.expected_return for p in frontier] == sorted(p.expected_return for p in frontier)
