import numpy as np
import pytest

from domain.strategies import (
    Regime,
    RegimeAllocator,
    RegimeDetector,
    RegimeParams,
    Signal,
    default_weights,
)
from domain.strategies.regime import classify

from .bars import bars

N = 400


def labels(closes: np.ndarray) -> list[Regime | None]:
    detector = RegimeDetector(["BTCUSDT"])
    return [detector.update(candle) for candle in bars(closes, wick=0.002)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_steady_climb_is_trending(seed: int) -> None:
    rng = np.random.default_rng(seed)
    closes = 100 * np.exp(np.cumsum(0.004 + rng.normal(0, 0.002, N)))
    got = labels(closes)
    assert got[:219] == [None] * 219  # warm-up: a 200-reading vol rank behind a 20-bar vol
    assert set(got[219:]) == {Regime.TRENDING}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_an_oscillation_is_ranging(seed: int) -> None:
    rng = np.random.default_rng(seed)
    closes = 100 * np.exp(0.01 * np.sin(np.arange(N) * 0.5) + rng.normal(0, 0.002, N))
    assert set(labels(closes)[219:]) == {Regime.RANGING}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_volatility_burst_is_high_volatility(seed: int) -> None:
    rng = np.random.default_rng(seed)
    returns = np.concatenate([rng.normal(0, 0.002, 300), rng.normal(0, 0.02, 100)])
    got = labels(100 * np.exp(np.cumsum(returns)))
    assert set(got[305:320]) == {Regime.HIGH_VOLATILITY}


def test_classification_rules_and_hysteresis() -> None:
    p = RegimeParams(trend_adx=25.0, adx_hysteresis=2.0, high_vol_rank=0.9, high_vol_ratio=1.5)
    assert classify(40.0, 0.95, 2.0, None, p) is Regime.HIGH_VOLATILITY
    assert classify(40.0, 0.95, 1.2, None, p) is Regime.TRENDING  # top rank, ordinary size
    assert classify(40.0, 0.50, 3.0, None, p) is Regime.TRENDING
    assert classify(24.0, 0.50, 1.0, None, p) is Regime.RANGING
    assert classify(24.0, 0.50, 1.0, Regime.TRENDING, p) is Regime.TRENDING
    assert classify(22.9, 0.50, 1.0, Regime.TRENDING, p) is Regime.RANGING


def test_regime_params_are_validated() -> None:
    with pytest.raises(ValueError, match="adx_hysteresis"):
        RegimeParams(trend_adx=5.0, adx_hysteresis=6.0)
    with pytest.raises(ValueError, match="extra"):
        RegimeParams(colour="red")  # type: ignore[call-arg]


def test_detector_state_reports_its_inputs() -> None:
    rng = np.random.default_rng(0)
    detector = RegimeDetector(["BTCUSDT"])
    for candle in bars(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 250)))):
        detector.update(candle)
    state = detector.state()
    assert {"BTCUSDT.adx", "BTCUSDT.plus_di", "BTCUSDT.vol_rank", "BTCUSDT.regime"} <= set(state)
    assert detector.regime("BTCUSDT") is Regime(str(state["BTCUSDT.regime"]))


def signal(symbol: str, target: float, legs: tuple[tuple[str, float], ...] = ()) -> Signal:
    return Signal(symbol, 0, target, "test", legs=legs)


def test_default_weights_enable_strategies_by_regime() -> None:
    allocator = RegimeAllocator()
    assert allocator.enabled(Regime.TRENDING) == {"trend", "breakout"}
    assert allocator.enabled(Regime.RANGING) == {"mean_reversion", "pairs"}
    everyone = {"trend", "breakout", "mean_reversion", "pairs"}
    assert allocator.enabled(Regime.HIGH_VOLATILITY) == everyone
    assert allocator.weight(Regime.HIGH_VOLATILITY, "trend") == 0.125
    assert allocator.weight(Regime.RANGING, "trend") == 0.0


def test_targets_are_combined_with_the_weights_of_each_symbols_regime() -> None:
    allocator = RegimeAllocator()
    assert allocator.on_signal("trend", signal("BTCUSDT", 1.0)) == {"BTCUSDT": 0.0}  # no regime
    assert allocator.on_regime("BTCUSDT", Regime.TRENDING) == {"BTCUSDT": 0.5}
    assert allocator.on_signal("breakout", signal("BTCUSDT", 1.0)) == {"BTCUSDT": 1.0}
    allocator.on_signal("mean_reversion", signal("BTCUSDT", -1.0))
    assert allocator.target("BTCUSDT") == 1.0  # mean reversion is off while trending
    assert allocator.on_regime("BTCUSDT", Regime.RANGING) == {"BTCUSDT": -0.5}
    assert allocator.on_regime("BTCUSDT", Regime.HIGH_VOLATILITY) == {"BTCUSDT": 0.125}


def test_pair_legs_are_weighted_by_the_regime_of_the_first_leg() -> None:
    allocator = RegimeAllocator()
    allocator.on_regime("ETHUSDT", Regime.RANGING)
    allocator.on_regime("BTCUSDT", Regime.TRENDING)
    legs = (("ETHUSDT", -0.6), ("BTCUSDT", 0.4))
    combined = allocator.on_signal("pairs", signal("ETHUSDT", -0.6, legs))
    assert combined == {"ETHUSDT": pytest.approx(-0.3), "BTCUSDT": pytest.approx(0.2)}
    assert allocator.on_regime("ETHUSDT", Regime.TRENDING) == {"BTCUSDT": 0.0, "ETHUSDT": 0.0}


def test_combined_targets_are_clipped_and_weights_validated() -> None:
    allocator = RegimeAllocator({Regime.TRENDING: {"trend": 1.0, "breakout": 1.0}})
    allocator.on_regime("BTCUSDT", Regime.TRENDING)
    allocator.on_signal("trend", signal("BTCUSDT", 1.0))
    allocator.on_signal("breakout", signal("BTCUSDT", 1.0))
    assert allocator.targets() == {"BTCUSDT": 1.0}
    with pytest.raises(ValueError, match="trend"):
        RegimeAllocator({Regime.TRENDING: {"trend": -1.0}})
    with pytest.raises(ValueError, match="high_vol_scale"):
        default_weights(2.0)
