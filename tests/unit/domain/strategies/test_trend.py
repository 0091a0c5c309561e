import pytest

from domain.strategies import TrendFollowing, TrendParams

from .bars import bars, run

PARAMS = TrendParams(fast=5, slow=20, atr_period=10, atr_k=3.0)


def path() -> list[float]:
    """Flat warm-up, a 40-bar rally, a 10% crash, a weak bounce, then a long slide."""
    closes, price = [100.0] * 30, 100.0
    for move, bars_ in [(1.01, 40), (0.90, 1), (1.005, 15), (0.99, 60)]:
        for _ in range(bars_):
            price *= move
            closes.append(price)
    return closes


def test_cross_up_enters_the_atr_stop_exits_and_only_a_fresh_cross_reenters() -> None:
    signals = run(TrendFollowing(["BTCUSDT"], PARAMS), bars(path()))
    assert [(i, s.target, s.reason) for i, s in signals] == [
        (30, 1.0, "cross_up"),  # the first bar of the rally splits the level EMAs
        (70, 0.0, "atr_stop"),  # the crash closes below the trailing stop
        (90, -1.0, "cross_down"),  # the bounce did not re-enter; the slide crosses down
    ]
    stop = signals[1][1]
    assert stop.indicators["stop"] > bars(path())[70].close
    assert stop.indicators["ema_fast"] > stop.indicators["ema_slow"]  # no cross at the stop


def test_the_stop_trails_the_highest_high_by_k_atr_and_never_loosens() -> None:
    strategy = TrendFollowing(["BTCUSDT"], PARAMS)
    candles = bars(path())
    stops = []
    for candle in candles[:70]:
        strategy.on_candle(candle)
        if candle.open_time >= candles[31].open_time:
            stops.append(strategy.state()["BTCUSDT.stop"])
    assert stops == sorted(stops)
    highest = max(c.high for c in candles[30:70])
    atr = strategy.state()["BTCUSDT.atr"]
    assert isinstance(atr, float)
    assert stops[-1] == pytest.approx(max(stops[-2], highest - 3.0 * atr))


def test_without_shorts_a_cross_down_goes_flat() -> None:
    closes = [100.0] * 30 + [100.0 * 0.99**i for i in range(1, 30)]
    params = TrendParams(fast=5, slow=20, atr_period=10, allow_short=False)
    assert run(TrendFollowing(["BTCUSDT"], params), bars(closes)) == []


def test_a_reversal_goes_straight_to_the_other_side() -> None:
    closes = [100.0] * 30 + [100.0 * 1.01**i for i in range(1, 30)]
    closes += [closes[-1] * 0.97**i for i in range(1, 30)]
    params = TrendParams(fast=5, slow=20, atr_period=10, atr_k=20.0)  # stop far away
    signals = run(TrendFollowing(["BTCUSDT"], params), bars(closes))
    assert [s.target for _, s in signals] == [1.0, -1.0]


def test_symbols_are_independent_and_state_reports_each() -> None:
    strategy = TrendFollowing(["BTCUSDT", "ETHUSDT"], PARAMS)
    btc, eth = bars(path()), bars([100.0] * len(path()), symbol="ETHUSDT")
    for a, b in zip(btc[:40], eth[:40], strict=True):
        strategy.on_candle(a)
        strategy.on_candle(b)
    state = strategy.state()
    assert state["BTCUSDT.target"] == 1.0
    assert state["ETHUSDT.target"] == 0.0
    assert state["BTCUSDT.reason"] == "cross_up"
    assert {"BTCUSDT.ema_fast", "BTCUSDT.ema_slow", "BTCUSDT.atr"} <= set(state)
