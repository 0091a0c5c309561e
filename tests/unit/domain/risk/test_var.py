"""Value at risk, expected shortfall and Kupiec's backtest, checked by hand and by simulation."""

from __future__ import annotations

import json
import math
from pathlib import Path
from statistics import NormalDist, fmean, stdev

import numpy as np
import pytest
from scipy import integrate, stats

from domain.risk.errors import RiskMeasureError
from domain.risk.var import (
    RiskEstimate,
    VarMethod,
    backtest_var,
    bootstrap_var,
    cornish_fisher_quantile,
    cornish_fisher_var,
    cornish_fisher_var_from_moments,
    count_exceptions,
    historical_var,
    kupiec_test,
    monte_carlo_var,
    normal_var,
    parametric_var,
    parametric_var_from_moments,
    portfolio_pnl,
)

SHARED = Path(__file__).resolve().parents[4] / ".." / "shared"
REFERENCE = SHARED / "eval" / "portfolio_risk" / "reference_values" / "expected_values.json"

TINY = [-0.05, 0.02, -0.01, 0.03, -0.02, 0.01, 0.04, -0.03, 0.00, 0.05]


def _column(values: list[float]) -> np.ndarray:
    return np.array(values)[:, None]


def test_historical_var_by_hand() -> None:
    # P&L of 1000 held: sorted -50 -30 -20 -10 0 10 20 30 40 50. The 10 % quantile with
    # linear interpolation sits at rank 0.1 x 9 = 0.9: -50 + 0.9 x 20 = -32.
    estimate = historical_var(_column(TINY), [1000.0], confidence=0.90)
    assert estimate.var == pytest.approx(32.0)
    assert estimate.cvar == pytest.approx(50.0)  # only -50 lies at or below -32
    assert estimate.method is VarMethod.HISTORICAL


def test_historical_var_of_a_two_asset_book_prices_the_joint_rows() -> None:
    returns = np.array([[0.01, -0.02], [-0.03, 0.01], [0.02, 0.02], [0.00, -0.01]])
    pnl = portfolio_pnl(returns, [100.0, -50.0])
    assert pnl.tolist() == pytest.approx([2.0, -3.5, 1.0, 0.5])
    # 25 % quantile of (-3.5, 0.5, 1, 2) at rank 0.75: -3.5 + 0.75 x 4 = -0.5.
    assert historical_var(returns, [100.0, -50.0], 0.75).var == pytest.approx(0.5)


def test_historical_horizon_uses_overlapping_sums() -> None:
    pnl = [1.0, -2.0, 3.0, -4.0, 5.0]
    # 2-period sums are -1, 1, -1, 1: their median is 0 and the mean below it is -1.
    estimate = historical_var(_column(pnl), [1.0], confidence=0.5, horizon=2)
    assert estimate.var == pytest.approx(0.0)
    assert estimate.cvar == pytest.approx(1.0)
    three = historical_var(_column(pnl), [1.0], confidence=0.75, horizon=3)
    # sums 2, -3, 4: 25 % quantile at rank 0.5 between -3 and 2 = -0.5
    assert three.var == pytest.approx(0.5)


def test_parametric_var_uses_the_normal_quantile() -> None:
    pnl = [1000.0 * r for r in TINY]
    mean, std = fmean(pnl), stdev(pnl)
    z = NormalDist().inv_cdf(0.05)
    density = NormalDist().pdf(z)
    estimate = parametric_var(_column(TINY), [1000.0], confidence=0.95)
    assert estimate.var == pytest.approx(-(mean + z * std))
    assert estimate.cvar == pytest.approx(-mean + std * density / 0.05)
    ten_days = parametric_var(_column(TINY), [1000.0], confidence=0.95, horizon=10)
    assert ten_days.var == pytest.approx(-(10 * mean + z * std * math.sqrt(10)))


def test_normal_var_at_99_percent_by_hand() -> None:
    # z(0.01) = -2.326348: a zero-mean P&L of deviation 100 has VaR 232.63.
    assert normal_var(0.0, 100.0, 0.99).var == pytest.approx(232.6347874, rel=1e-9)
    assert normal_var(0.0, 100.0, 0.99).cvar == pytest.approx(266.5214220, rel=1e-9)


def test_cornish_fisher_reduces_to_normal_without_skew_or_kurtosis() -> None:
    assert cornish_fisher_quantile(-1.645, 0.0, 0.0) == -1.645
    for level, horizon in [(0.95, 1), (0.99, 1), (0.99, 10)]:
        cf = cornish_fisher_var_from_moments(0.5, 20.0, 0.0, 0.0, level, horizon)
        normal = normal_var(0.5, 20.0, level, horizon)
        assert cf.var == pytest.approx(normal.var, rel=1e-12)
        assert cf.cvar == pytest.approx(normal.cvar, rel=1e-12)


def test_cornish_fisher_quantile_matches_the_expansion() -> None:
    z, s, k = -1.6448536269514722, -0.8, 3.0
    expected = z + (z**2 - 1) * s / 6 + (z**3 - 3 * z) * k / 24 - (2 * z**3 - 5 * z) * s**2 / 36
    assert cornish_fisher_quantile(z, s, k) == pytest.approx(expected)
    # Negative skew and fat tails both push the loss quantile further out.
    assert cornish_fisher_quantile(z, s, k) < z


def test_cornish_fisher_cvar_is_the_tail_mean_of_the_cf_quantile() -> None:
    mean, std, skew, kurt, level = 1.0, 10.0, -0.5, 1.5, 0.975
    estimate = cornish_fisher_var_from_moments(mean, std, skew, kurt, level)

    def quantile(u: float) -> float:
        z = float(stats.norm.ppf(u))
        return mean + std * cornish_fisher_quantile(z, skew, kurt)

    tail, _ = integrate.quad(quantile, 0.0, 1.0 - level, limit=200)
    assert estimate.cvar == pytest.approx(-tail / (1.0 - level), rel=1e-7)
    assert estimate.var == pytest.approx(-quantile(1.0 - level))


def test_cornish_fisher_var_reads_moments_of_the_pnl() -> None:
    rng = np.random.default_rng(7)
    returns = rng.standard_t(4, size=(2_000, 2)) * 0.01
    positions = [1_000.0, 500.0]
    pnl = returns @ np.array(positions)
    skew = stats.skew(pnl, bias=False)
    kurt = stats.kurtosis(pnl, bias=False)
    direct = cornish_fisher_var_from_moments(pnl.mean(), pnl.std(ddof=1), skew, kurt, 0.99)
    estimate = cornish_fisher_var(returns, positions, 0.99)
    assert estimate.var == pytest.approx(direct.var, rel=1e-12)
    assert estimate.cvar == pytest.approx(direct.cvar, rel=1e-12)
    assert direct.var > parametric_var(returns, positions, 0.99).var  # fat tails


def test_monte_carlo_converges_to_parametric_for_normal_inputs() -> None:
    mean = np.array([0.0005, 0.0002, -0.0001])
    vols = np.array([0.02, 0.03, 0.01])
    corr = np.array([[1.0, 0.5, -0.2], [0.5, 1.0, 0.1], [-0.2, 0.1, 1.0]])
    cov = corr * np.outer(vols, vols)
    positions = [10_000.0, -4_000.0, 7_000.0]
    for horizon in (1, 5):
        exact = parametric_var_from_moments(mean, cov, positions, 0.99, horizon)
        simulated = monte_carlo_var(
            mean, cov, positions, np.random.default_rng(42), 0.99, horizon, paths=400_000
        )
        assert simulated.var == pytest.approx(exact.var, rel=0.01)
        assert simulated.cvar == pytest.approx(exact.cvar, rel=0.01)


def test_monte_carlo_is_repeatable_with_a_seed_and_handles_singular_covariance() -> None:
    cov = np.array([[0.0004, 0.0004], [0.0004, 0.0004]])  # one asset twice
    first = monte_carlo_var([0.0, 0.0], cov, [1.0, 1.0], np.random.default_rng(1), paths=50_000)
    again = monte_carlo_var([0.0, 0.0], cov, [1.0, 1.0], np.random.default_rng(1), paths=50_000)
    assert first == again
    assert first.var == pytest.approx(2 * 0.02 * 1.6448536, rel=0.02)


def test_bootstrap_matches_historical_on_a_large_sample() -> None:
    rng = np.random.default_rng(3)
    returns = rng.normal(0.0, 0.01, size=(5_000, 3))
    positions = [1_000.0, 2_000.0, -500.0]
    history = historical_var(returns, positions, 0.95)
    resampled = bootstrap_var(returns, positions, np.random.default_rng(5), 0.95, paths=200_000)
    assert resampled.var == pytest.approx(history.var, rel=0.02)
    assert resampled.cvar == pytest.approx(history.cvar, rel=0.02)
    # Ten i.i.d. periods: close to sqrt(10) times the one-period figure for a normal P&L.
    ten = bootstrap_var(returns, positions, np.random.default_rng(5), 0.95, 10, 200_000)
    assert ten.var == pytest.approx(history.var * math.sqrt(10), rel=0.05)


def test_kupiec_statistic_against_its_formula() -> None:
    observations, exceptions, p = 250, 8, 0.01
    rate = exceptions / observations
    expected = -2 * (
        (observations - exceptions) * math.log(1 - p) + exceptions * math.log(p)
    ) + 2 * ((observations - exceptions) * math.log(1 - rate) + exceptions * math.log(rate))
    result = kupiec_test(exceptions, observations, confidence=0.99)
    assert result.statistic == pytest.approx(expected)
    # chi-squared with one degree of freedom: P(X > x) = erfc(sqrt(x / 2)).
    assert result.p_value == pytest.approx(math.erfc(math.sqrt(expected / 2)))
    assert result.reject  # 8 breaches where 2.5 were expected
    assert result.observed_rate == pytest.approx(0.032)


def test_kupiec_accepts_the_expected_rate_and_handles_zero_exceptions() -> None:
    assert kupiec_test(5, 500, 0.99).statistic == pytest.approx(0.0)
    assert not kupiec_test(5, 500, 0.99).reject
    none = kupiec_test(0, 250, 0.99)
    assert none.statistic == pytest.approx(-2 * 250 * math.log(0.99))
    assert none.p_value == pytest.approx(math.erfc(math.sqrt(none.statistic / 2)))
    assert none.reject  # LR 5.03 > 3.84: no breach in 250 days is too few at 99 %


def test_exceptions_are_losses_beyond_the_forecast() -> None:
    pnl = [-5.0, -12.0, 3.0, -10.0, -20.0]
    var = [10.0, 10.0, 10.0, 10.0, 15.0]
    assert count_exceptions(pnl, var) == 2  # -12 and -20; -10 equals its VaR
    result = backtest_var(pnl, var, confidence=0.95)
    assert (result.exceptions, result.observations) == (2, 5)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: historical_var(_column(TINY), [1.0], confidence=1.0), "confidence"),
        (lambda: historical_var(_column(TINY), [1.0], horizon=0), "horizon"),
        (lambda: historical_var(_column([0.1, math.nan]), [1.0]), "returns"),
        (lambda: historical_var(_column(TINY), [1.0, 2.0]), "positions"),
        (lambda: historical_var(_column(TINY), [1.0], horizon=11), "returns"),
        (lambda: normal_var(0.0, -1.0), "std_pnl"),
        (lambda: kupiec_test(3, 2, 0.99), "exceptions"),
        (lambda: count_exceptions([1.0, 2.0], [1.0]), "var_forecasts"),
        (
            lambda: monte_carlo_var(
                [0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]], [1.0, 1.0], np.random.default_rng(0)
            ),
            "covariance",
        ),
    ],
)
def test_bad_inputs_raise_naming_the_argument(call, argument: str) -> None:
    with pytest.raises(RiskMeasureError) as caught:
        call()
    assert caught.value.argument == argument


def test_estimate_rejects_a_non_finite_figure() -> None:
    with pytest.raises(RiskMeasureError, match="var"):
        RiskEstimate(VarMethod.HISTORICAL, 0.95, 1, math.nan, 1.0)


def _empyrical() -> dict[str, float]:
    if not REFERENCE.is_file():
        pytest.skip(f"shared reference values not found at {REFERENCE}")
    return json.loads(REFERENCE.read_text())["empyrical"]["expected"]


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("series", "cutoff", "key"),
    [
        ([1.0, 2.0], 0.3, "value_at_risk([1,2], cutoff=0.3)"),
        ([1.0, 81.0, 82.0, 83.0, 84.0, 85.0], 0.1, "value_at_risk([1,81,82,83,84,85], cutoff=0.1)"),
        ([1.0, 81.0, 82.0, 83.0, 84.0, 85.0], 0.3, "value_at_risk([1,81,82,83,84,85], cutoff=0.3)"),
    ],
)
def test_historical_quantile_matches_empyrical(
    series: list[float], cutoff: float, key: str
) -> None:
    # empyrical reports the cutoff quantile of returns itself; VaR here is its negative.
    expected = _empyrical()[key]
    assert historical_var(_column(series), [1.0], 1.0 - cutoff).var == pytest.approx(-expected)


@pytest.mark.shared_data
@pytest.mark.parametrize("fixture", ["bacon_monthly", "tiny_sample_n7"])
def test_parametric_var_matches_quantstats_gaussian_var(fixture: str) -> None:
    if not REFERENCE.is_file():
        pytest.skip(f"shared reference values not found at {REFERENCE}")
    reference = json.loads(REFERENCE.read_text())["quantstats_reference_values"]
    returns = reference["fixtures"][fixture]["returns"]
    expected = reference["expected"][fixture]
    # quantstats gives the 5 % quantile and tail mean of returns; here losses are positive.
    estimate = parametric_var(_column(returns), [1.0], 0.95)
    assert estimate.var == pytest.approx(-expected["var_95"], rel=1e-9)
    assert estimate.cvar == pytest.approx(-expected["es_95"], rel=1e-9)
