"""SmaCross: long while SMA(fast) > SMA(slow), flat otherwise."""

from __future__ import annotations

import numpy as np
import pytest

from domain.market.candles import Candle, Timeframe
from domain.strategies import InvalidStrategyParams, build_strategy


def _bar(i: int, close: float) -> Candle:
    return Candle("BTCUSDT", Timeframe.M1, i * 60_000, close, close, close, close, 1.0)


def test_targets_follow_the_vectorised_rule() -> None:
    closes = 100 + np.cumsum(np.random.default_rng(3).normal(0, 1, 600))
    strategy = build_strategy("sma_cross", ["BTCUSDT"], {"timeframe": "1m", "fast": 3, "slow": 7})
    target, targets = 0.0, []
    for i, close in enumerate(closes):
        signal = strategy.on_candle(_bar(i, float(close)))
        target = signal.target if signal is not None else target
        targets.append(target)
    windows = np.lib.stride_tricks.sliding_window_view
    fast = windows(closes, 3).mean(axis=1)[4:]
    slow = windows(closes, 7).mean(axis=1)
    expected = np.concatenate([np.zeros(6), (fast > slow).astype(float)])
    assert np.array_equal(np.asarray(targets), expected)
    assert "BTCUSDT.sma_fast" in strategy.state()


def test_slow_must_be_longer() -> None:
    with pytest.raises(InvalidStrategyParams, match="slow"):
        build_strategy("sma_cross", ["BTCUSDT"], {"fast": 5, "slow": 5})
