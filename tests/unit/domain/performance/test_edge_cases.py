"""Empty, constant and malformed input gives documented results or a named ValueError."""

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from domain.errors import InvalidInput
from domain.performance import (
    annual_volatility,
    cagr,
    calmar_ratio,
    compute_report,
    drawdown_series,
    infer_periods_per_year,
    monthly_returns,
    per_period_rate,
    sharpe_ratio,
    sortino_ratio,
    total_return,
)


@pytest.mark.parametrize("series", [[], [0.01]])
def test_too_short_return_series_give_nan(series: list[float]) -> None:
    assert math.isnan(annual_volatility(series, 365))
    assert math.isnan(sharpe_ratio(series, 365))
    assert math.isnan(sortino_ratio(series, 365))


def test_constant_returns_have_zero_volatility_and_no_ratio() -> None:
    flat = [0.001] * 50
    assert annual_volatility(flat, 365) == 0.0
    assert math.isnan(sharpe_ratio(flat, 365))
    assert math.isnan(sortino_ratio(flat, 365))


def test_constant_equity() -> None:
    flat = [100.0] * 10
    assert total_return(flat) == 0.0
    assert cagr(flat, 1.0) == 0.0
    assert math.isnan(calmar_ratio(0.0, 0.0))
    assert np.all(drawdown_series(flat) == 0.0)


def test_empty_equity() -> None:
    assert math.isnan(total_return([]))
    assert math.isnan(cagr([], 1.0))
    assert drawdown_series([]).size == 0


def test_cagr_needs_elapsed_time() -> None:
    assert math.isnan(cagr([1.0, 2.0], 0.0))


def test_cagr_of_a_short_steep_rise_is_infinite_not_an_overflow_error() -> None:
    assert cagr([1.0, 2.0], 1e-6) == math.inf


def test_periods_per_year_inference() -> None:
    minute = 60_000
    assert infer_periods_per_year(np.arange(10) * minute) == pytest.approx(525_600)
    assert infer_periods_per_year(np.arange(10) * 86_400_000) == pytest.approx(365)
    assert math.isnan(infer_periods_per_year([0]))


def test_monthly_stamps_count_as_twelve_a_year() -> None:
    months = [datetime(2024, month, 1, tzinfo=UTC).timestamp() * 1000 for month in range(1, 8)]
    assert infer_periods_per_year(months) == 12.0


def test_de_annualised_rate_compounds_back() -> None:
    assert (1 + per_period_rate(0.05, 12)) ** 12 == pytest.approx(1.05)
    with pytest.raises(ValueError, match="above -100%"):
        per_period_rate(-1.0, 12)


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_returns_are_rejected_by_name(bad: float) -> None:
    with pytest.raises(ValueError, match=r"returns: non-finite value .* at index 2"):
        sharpe_ratio([0.1, 0.2, bad], 365)


def test_non_finite_equity_is_rejected_by_name() -> None:
    with pytest.raises(InvalidInput, match="equity: non-finite value") as caught:
        total_return([1.0, math.nan])
    assert caught.value.field == "equity"


def test_non_positive_equity_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"equity: must be positive, got 0\.0 at index 1"):
        drawdown_series([1.0, 0.0])


def test_two_dimensional_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="one-dimensional"):
        annual_volatility([[0.1, 0.2]], 365)


@pytest.mark.parametrize(
    ("stamps", "message"),
    [([0, 0, 1], "strictly increasing"), ([0, 1.5, 2], "whole milliseconds"), ([0, 1], "has 2")],
)
def test_bad_timestamps_are_rejected(stamps: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        monthly_returns([1.0, 1.0, 1.0], stamps)


def test_nan_timestamp_is_rejected_by_name() -> None:
    with pytest.raises(ValueError, match="timestamps_ms: non-finite value"):
        compute_report([1.0, 2.0], [0.0, math.nan], None)
