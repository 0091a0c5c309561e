"""Position sizing: Kelly, volatility targeting, fixed fractional and per-strategy sizing."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from domain.risk.errors import SizingError
from domain.risk.sizing import (
    MarketStats,
    SizingConfig,
    SizingMethod,
    allocation,
    continuous_kelly_fraction,
    fixed_fractional,
    fixed_fractional_quantity,
    fractional_kelly,
    kelly_fraction,
    size_target,
    to_quantity,
    volatility_target_leverage,
)


@pytest.mark.parametrize(
    ("p", "b", "expected"),
    [
        (0.6, 1.0, 0.2),  # even-money coin biased 60/40: 0.6 - 0.4 / 1
        (0.5, 2.0, 0.25),  # 0.5 - 0.5 / 2
        (0.4, 1.0, -0.2),  # negative edge
        (1.0, 3.0, 1.0),  # a sure win: bet everything
        (0.0, 3.0, -1.0 / 3.0),
    ],
)
def test_discrete_kelly_by_hand(p: float, b: float, expected: float) -> None:
    assert kelly_fraction(p, b) == pytest.approx(expected)


def test_continuous_kelly_is_excess_mean_over_variance() -> None:
    assert continuous_kelly_fraction(0.10, 0.20) == pytest.approx(2.5)
    assert continuous_kelly_fraction(0.10, 0.20, risk_free_rate=0.02) == pytest.approx(2.0)
    assert continuous_kelly_fraction(-0.04, 0.20) == pytest.approx(-1.0)


def test_fractional_kelly_scales_then_caps_both_ways() -> None:
    assert fractional_kelly(0.2, multiplier=0.5, cap=1.0) == pytest.approx(0.1)
    assert fractional_kelly(2.5, multiplier=0.5, cap=1.0) == 1.0
    assert fractional_kelly(-2.5, multiplier=0.5, cap=1.0) == -1.0


def test_volatility_target_is_ratio_capped_at_max_leverage() -> None:
    assert volatility_target_leverage(0.20, 0.40, max_leverage=3.0) == pytest.approx(0.5)
    assert volatility_target_leverage(0.20, 0.05, max_leverage=3.0) == 3.0
    assert volatility_target_leverage(0.20, 0.0, max_leverage=2.0) == 2.0


def test_fixed_fractional_risks_the_fraction_at_the_stop() -> None:
    # Risk 1 % with a stop 2 % away: hold half the equity, lose 0.5 x 2 % = 1 %.
    assert fixed_fractional(0.01, 0.02) == pytest.approx(0.5)
    assert fixed_fractional(0.01, 0.002, max_leverage=3.0) == 3.0
    # 10 000 equity, 1 % risk, stop 2 below a 100 entry: 100 / 2 = 50 units.
    assert fixed_fractional_quantity(10_000.0, 0.01, 100.0, 98.0) == pytest.approx(50.0)
    assert fixed_fractional_quantity(10_000.0, 0.01, 100.0, 102.0) == pytest.approx(50.0)


def test_to_quantity_converts_a_fraction_at_a_price() -> None:
    assert to_quantity(-0.5, 20_000.0, 50_000.0) == pytest.approx(-0.2)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: kelly_fraction(math.nan, 1.0), "win_probability"),
        (lambda: kelly_fraction(1.5, 1.0), "win_probability"),
        (lambda: kelly_fraction(-0.1, 1.0), "win_probability"),
        (lambda: kelly_fraction(0.5, 0.0), "payoff_ratio"),
        (lambda: continuous_kelly_fraction(0.1, -0.2), "volatility"),
        (lambda: continuous_kelly_fraction(0.1, 0.0), "volatility"),
        (lambda: continuous_kelly_fraction(math.inf, 0.2), "mean_return"),
        (lambda: fractional_kelly(0.2, multiplier=0.0), "multiplier"),
        (lambda: fractional_kelly(0.2, cap=-1.0), "cap"),
        (lambda: volatility_target_leverage(0.2, -0.1, 2.0), "realised_volatility"),
        (lambda: volatility_target_leverage(math.nan, 0.1, 2.0), "target_volatility"),
        (lambda: fixed_fractional(0.01, 0.0), "stop_distance"),
        (lambda: fixed_fractional_quantity(1_000.0, 0.01, 100.0, 100.0), "stop_price"),
        (lambda: to_quantity(0.5, 1_000.0, 0.0), "price"),
    ],
)
def test_bad_inputs_raise_sizing_error_naming_the_argument(call, argument: str) -> None:
    with pytest.raises(SizingError) as caught:
        call()
    assert caught.value.argument == argument
    assert isinstance(caught.value, ValueError)


def test_size_target_applies_each_configured_method() -> None:
    equity = Decimal("10000")
    stats = MarketStats(
        win_probability=0.6, payoff_ratio=1.0, mean_return=0.1, volatility=0.4, stop_distance=0.02
    )
    fixed = SizingConfig(SizingMethod.FIXED, fixed_fraction=0.5)
    kelly = SizingConfig(SizingMethod.KELLY, kelly_multiplier=0.5)
    continuous = SizingConfig(SizingMethod.CONTINUOUS_KELLY, kelly_multiplier=1.0)
    vol = SizingConfig(SizingMethod.VOLATILITY_TARGET, max_leverage=3.0, target_volatility=0.2)
    risk = SizingConfig(SizingMethod.FIXED_FRACTIONAL, max_leverage=3.0, risk_fraction=0.01)
    assert size_target(fixed, -1.0, equity, stats) == Decimal("-5000")
    assert size_target(kelly, 1.0, equity, stats) == Decimal("1000")  # half of 0.2
    assert size_target(continuous, 1.0, equity, stats) == Decimal("6250")  # 0.1 / 0.16
    assert size_target(vol, 0.5, equity, stats) == Decimal("2500")  # 0.5 x 0.2 / 0.4
    assert size_target(risk, 1.0, equity, stats) == Decimal("5000")  # 0.01 / 0.02


def test_negative_discrete_edge_sizes_to_nothing_rather_than_shorting() -> None:
    stats = MarketStats(win_probability=0.3, payoff_ratio=1.0)
    assert allocation(SizingConfig(SizingMethod.KELLY), stats) == 0.0


def test_size_target_rejects_missing_stats_and_bad_targets() -> None:
    config = SizingConfig(SizingMethod.VOLATILITY_TARGET)
    with pytest.raises(SizingError, match="volatility"):
        size_target(config, 1.0, Decimal(1000), MarketStats())
    with pytest.raises(SizingError, match="target"):
        size_target(config, 1.5, Decimal(1000), MarketStats(volatility=0.2))
    with pytest.raises(SizingError, match="equity"):
        size_target(config, 1.0, Decimal("NaN"), MarketStats(volatility=0.2))


def test_config_is_validated_when_built() -> None:
    with pytest.raises(SizingError, match="kelly_multiplier"):
        SizingConfig(SizingMethod.KELLY, kelly_multiplier=2.0)
    with pytest.raises(SizingError, match="method"):
        SizingConfig("martingale")  # type: ignore[arg-type]
    assert SizingConfig(SizingMethod("kelly")).method is SizingMethod.KELLY
