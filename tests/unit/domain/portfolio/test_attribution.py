"""P&L attribution by strategy and symbol, Brinson-Fachler effects, rolling Sharpe and vol."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from domain.portfolio.attribution import (
    Fill,
    FundingPayment,
    PnlBreakdown,
    attribute_pnl,
    brinson_fachler,
    rolling_sharpe,
    rolling_volatility,
)
from domain.portfolio.errors import AttributionError

D = Decimal
SHARED = Path(__file__).resolve().parents[4] / ".." / "shared"
REFERENCE = SHARED / "eval" / "portfolio_risk" / "reference_values" / "expected_values.json"


def test_pnl_splits_into_price_funding_and_fees_by_hand() -> None:
    fills = [
        Fill("trend", "BTCUSDT", D(1), D(60000), D(24)),
        Fill("trend", "BTCUSDT", D("-0.5"), D(62000), D("12.4")),  # realises +1000
        Fill("carry", "ETHUSDT", D(-2), D(3000), D("2.4")),
        Fill("carry", "ETHUSDT", D(2), D(2900), D("2.32")),  # flat, realises +200
        Fill("trend", "ETHUSDT", D(1), D(2950), D("1.18")),
    ]
    funding = [
        FundingPayment("carry", "ETHUSDT", D("3.5")),
        FundingPayment("trend", "BTCUSDT", D("-6")),
    ]
    marks = {"BTCUSDT": D(61000), "ETHUSDT": D(2900)}
    result = attribute_pnl(fills, funding, marks)
    # trend BTC: 0.5 left marked at 61000: 1000 realised + 500 unrealised.
    assert result.by_strategy_symbol[("trend", "BTCUSDT")] == PnlBreakdown(
        D(1500), D(-6), D("36.4")
    )
    assert result.by_strategy_symbol[("carry", "ETHUSDT")] == PnlBreakdown(
        D(200), D("3.5"), D("4.72")
    )
    assert result.by_strategy_symbol[("trend", "ETHUSDT")].price == D(-50)
    assert result.by_strategy["trend"] == PnlBreakdown(D(1450), D(-6), D("37.58"))
    assert result.by_symbol["ETHUSDT"] == PnlBreakdown(D(150), D("3.5"), D("5.90"))
    assert result.total.total == D(1650) + D("-2.5") - D("42.30")
    assert list(result.by_strategy) == ["carry", "trend"]


def test_funding_without_fills_still_counts() -> None:
    result = attribute_pnl([], [FundingPayment("carry", "SOLUSDT", D("1.25"))], {})
    assert result.by_symbol["SOLUSDT"].total == D("1.25")


def test_an_open_book_without_a_mark_is_refused() -> None:
    with pytest.raises(AttributionError, match="BTCUSDT"):
        attribute_pnl([Fill("s", "BTCUSDT", D(1), D(100))], [], {})


def test_records_validate_their_fields() -> None:
    with pytest.raises(AttributionError, match="price"):
        Fill("s", "X", D(1), D(0))
    with pytest.raises(AttributionError, match="strategy"):
        FundingPayment("", "X", D(1))
    with pytest.raises(AttributionError, match="amount"):
        FundingPayment("s", "X", D("NaN"))


def test_brinson_fachler_by_hand() -> None:
    weights = {"A": 0.5, "B": 0.3, "C": 0.2}
    port = {"A": 0.10, "B": 0.02, "C": -0.05}
    bench = {"A": 0.08, "B": 0.04, "C": -0.03}
    result = brinson_fachler(weights, port, bench)
    r_b = (0.08 + 0.04 - 0.03) / 3  # equal weights: 0.03
    a = result.segments[0]
    assert a.segment == "A"
    assert a.allocation == pytest.approx((0.5 - 1 / 3) * (0.08 - r_b))
    assert a.selection == pytest.approx((0.10 - 0.08) / 3)
    assert a.interaction == pytest.approx((0.5 - 1 / 3) * 0.02)
    assert result.benchmark_return == pytest.approx(0.03)
    assert result.portfolio_return == pytest.approx(0.05 + 0.006 - 0.01)
    effects = result.allocation + result.selection + result.interaction
    assert effects == pytest.approx(result.active_return, abs=1e-15)


def test_brinson_fachler_rejects_mismatched_segments_and_partial_weights() -> None:
    with pytest.raises(AttributionError, match="segments"):
        brinson_fachler({"A": 1.0}, {"A": 0.1}, {"B": 0.1})
    with pytest.raises(AttributionError, match="sum to 1"):
        brinson_fachler({"A": 0.5, "B": 0.2}, {"A": 0.1, "B": 0.1}, {"A": 0.1, "B": 0.1})


def test_rolling_volatility_and_sharpe_by_hand() -> None:
    returns = np.array([0.01, -0.02, 0.03, 0.00, 0.01])
    vol = rolling_volatility(returns, 3, 252)
    sharpe = rolling_sharpe(returns, 3, 252)
    assert np.isnan(vol[:2]).all()
    assert np.isnan(sharpe[:2]).all()
    for end in range(2, 5):
        window = returns[end - 2 : end + 1]
        assert vol[end] == pytest.approx(np.std(window, ddof=1) * math.sqrt(252))
        assert sharpe[end] == pytest.approx(window.mean() / np.std(window, ddof=1) * math.sqrt(252))


def test_rolling_sharpe_of_a_flat_window_is_nan_and_rf_is_annual() -> None:
    flat = rolling_sharpe(np.full(4, 0.001), 2, 365)
    assert np.isnan(flat).all()
    returns = np.array([0.01, 0.03])
    with_rf = rolling_sharpe(returns, 2, 12, risk_free_rate=0.12)
    assert with_rf[-1] == pytest.approx((0.02 - 0.01) / np.std(returns, ddof=1) * math.sqrt(12))


def test_rolling_window_must_fit() -> None:
    with pytest.raises(AttributionError, match="window"):
        rolling_volatility([0.1, 0.2], 3, 252)
    with pytest.raises(AttributionError, match="window"):
        rolling_volatility([0.1, 0.2], 1, 252)


@pytest.mark.shared_data
def test_full_window_matches_quantstats_volatility_and_sharpe() -> None:
    if not REFERENCE.is_file():
        pytest.skip(f"shared reference values not found at {REFERENCE}")
    reference = json.loads(REFERENCE.read_text())["quantstats_reference_values"]
    fixture = reference["fixtures"]["bacon_monthly"]
    expected = reference["expected"]["bacon_monthly"]
    returns = fixture["returns"]
    size = len(returns)
    assert rolling_volatility(returns, size, fixture["periods"])[-1] == pytest.approx(
        expected["volatility_annual"], rel=1e-9
    )
    assert rolling_sharpe(returns, size, fixture["periods"])[-1] == pytest.approx(
        expected["sharpe_annual"], rel=1e-9
    )
