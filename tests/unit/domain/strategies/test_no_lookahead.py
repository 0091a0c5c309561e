"""Decisions up to bar t must not change when the bars after t do."""

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from domain.market.candles import Candle
from domain.strategies import (
    Breakout,
    BreakoutParams,
    MeanReversion,
    MeanReversionParams,
    PairsParams,
    PairsTrading,
    RegimeDetector,
    TrendFollowing,
    TrendParams,
)

from .bars import bars, walk

N, CUT = 600, 400

Factory = Callable[[], object]
FACTORIES: dict[str, Factory] = {
    "trend": lambda: TrendFollowing(["BTCUSDT", "ETHUSDT"], TrendParams(fast=5, slow=20)),
    "mean_reversion": lambda: MeanReversion(
        ["BTCUSDT", "ETHUSDT"], MeanReversionParams(entry_z=1.5, oversold=45, overbought=55)
    ),
    "breakout": lambda: Breakout(["BTCUSDT", "ETHUSDT"], BreakoutParams(vol_min=0, vol_max=1)),
    "pairs": lambda: PairsTrading(["ETHUSDT", "BTCUSDT"], PairsParams(lookback=50, entry_z=1.5)),
    "regime": lambda: RegimeDetector(["BTCUSDT", "ETHUSDT"]),
}


def market(future_seed: int) -> list[Candle]:
    """Two symbols, identical up to CUT, then a different future per seed."""
    out = []
    for symbol, seed in [("BTCUSDT", 1), ("ETHUSDT", 2)]:
        past = walk(CUT, seed=seed)
        future = past[-1] * np.exp(
            np.cumsum(np.random.default_rng(future_seed).normal(0, 0.03, N - CUT))
        )
        out.append(bars([*past, *future], symbol=symbol))
    return [candle for pair in zip(*out, strict=True) for candle in pair]


def decisions(factory: Factory, candles: Sequence[Candle]) -> list[object]:
    subject = factory()
    step = getattr(subject, "on_candle", None) or subject.update  # type: ignore[attr-defined]
    return [step(candle) for candle in candles]


@pytest.mark.parametrize("name", FACTORIES)
def test_decisions_before_the_cut_ignore_the_future(name: str) -> None:
    a, b = market(future_seed=10), market(future_seed=20)
    assert a[: 2 * CUT] == b[: 2 * CUT]
    assert a[2 * CUT :] != b[2 * CUT :]
    first, second = decisions(FACTORIES[name], a), decisions(FACTORIES[name], b)
    assert first[: 2 * CUT] == second[: 2 * CUT]
    assert any(d is not None for d in first[: 2 * CUT]), "the test needs some decisions"
