import numpy as np
import pytest

from domain.market.candles import Candle
from domain.strategies import PairsParams, PairsTrading, Signal

from .bars import bars

PARAMS = PairsParams(lookback=100, entry_z=3.5, exit_z=0.5)


def pair(n: int = 300, shock: float = 0.03) -> tuple[list[Candle], list[Candle]]:
    """BTC is a random walk; log ETH = 0.2 + 0.8 log BTC + small noise, rich for bars 250-255."""
    rng = np.random.default_rng(1)
    log_btc = np.log(30_000) + np.cumsum(rng.normal(0, 0.01, n))
    log_eth = 0.2 + 0.8 * log_btc + rng.normal(0, 0.001, n)
    log_eth[250:256] += shock
    return bars(np.exp(log_eth), "ETHUSDT"), bars(np.exp(log_btc), "BTCUSDT")


def feed(strategy: PairsTrading, eth: list[Candle], btc: list[Candle]) -> list[tuple[int, Signal]]:
    out = []
    for i, (e, b) in enumerate(zip(eth, btc, strict=True)):
        for candle in (e, b) if i % 2 else (b, e):  # arrival order must not matter
            signal = strategy.on_candle(candle)
            if signal is not None:
                out.append((i, signal))
    return out


def test_a_rich_spread_is_sold_with_hedged_legs_and_bought_back_on_reversion() -> None:
    signals = feed(PairsTrading(["ETHUSDT", "BTCUSDT"], PARAMS), *pair())
    assert [(i, s.reason) for i, s in signals] == [(250, "spread_rich"), (256, "spread_reverted")]
    entry, exit_ = signals[0][1], signals[1][1]
    beta = entry.indicators["beta"]
    assert beta == pytest.approx(0.8, abs=0.05)
    assert entry.indicators["zscore"] > 3.5
    (eth_leg, eth_target), (btc_leg, btc_target) = entry.legs
    assert (eth_leg, btc_leg) == ("ETHUSDT", "BTCUSDT")
    assert eth_target == pytest.approx(-1 / (1 + beta))
    assert btc_target == pytest.approx(beta / (1 + beta))
    assert entry.target == entry.legs[0][1]
    assert exit_.legs == (("ETHUSDT", 0.0), ("BTCUSDT", 0.0))


def test_a_cheap_spread_is_bought() -> None:
    signals = feed(PairsTrading(["ETHUSDT", "BTCUSDT"], PARAMS), *pair(shock=-0.03))
    entry = signals[0][1]
    assert entry.reason == "spread_cheap"
    assert entry.legs[0][1] > 0 > entry.legs[1][1]


def test_a_bar_missing_one_leg_is_skipped_without_derailing_the_rest() -> None:
    eth, btc = pair()
    strategy = PairsTrading(["ETHUSDT", "BTCUSDT"], PARAMS)
    signals = []
    for i, (e, b) in enumerate(zip(eth, btc, strict=True)):
        for candle in (e,) if i == 120 else (e, b):  # BTC's bar 120 never arrives
            signal = strategy.on_candle(candle)
            if signal is not None:
                signals.append((i, signal.reason))
    assert signals == [(250, "spread_rich"), (256, "spread_reverted")]


def test_state_reports_the_fit_and_both_legs() -> None:
    strategy = PairsTrading(["ETHUSDT", "BTCUSDT"], PARAMS)
    eth, btc = pair()
    feed(strategy, eth[:252], btc[:252])
    state = strategy.state()
    assert state["ETHUSDT/BTCUSDT.direction"] == -1.0
    assert state["ETHUSDT.target"] < 0 < state["BTCUSDT.target"]  # type: ignore[operator]
    assert {"ETHUSDT/BTCUSDT.beta", "ETHUSDT/BTCUSDT.zscore"} <= set(state)


def test_pairs_needs_exactly_two_symbols() -> None:
    with pytest.raises(ValueError, match="exactly 2"):
        PairsTrading(["ETHUSDT"])
