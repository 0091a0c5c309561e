import numpy as np

from domain.market.candles import Candle
from domain.strategies import Breakout, BreakoutParams

from .bars import bars, run

NO_FILTER = BreakoutParams(vol_min=0.0, vol_max=1.0)


def range_bound(n: int, amplitude: float = 0.5, seed: int = 0) -> list[float]:
    rng = np.random.default_rng(seed)
    return [100 + amplitude * np.sin(0.7 * i) + rng.normal(0, 0.02) for i in range(n)]


def breakout_then_reversal() -> list[Candle]:
    closes = range_bound(130)
    closes += [closes[-1] * 1.01**i for i in range(1, 6)]
    closes += [closes[-1]] * 5
    closes += [closes[-1] * 0.99**i for i in range(1, 21)]
    return bars(closes)


def test_entry_above_the_previous_high_exit_below_the_short_channel_then_short() -> None:
    candles = breakout_then_reversal()
    signals = run(Breakout(["BTCUSDT"], NO_FILTER), candles)
    assert [(i, s.target, s.reason) for i, s in signals] == [
        (130, 1.0, "breakout_high"),
        (143, 0.0, "exit_channel_low"),
        (145, -1.0, "breakout_low"),
    ]
    for i, signal in signals:
        previous = candles[i - 20 : i]
        assert signal.indicators["entry_upper"] == max(c.high for c in previous)
        assert signal.indicators["entry_lower"] == min(c.low for c in previous)
    exit_bar = candles[143]
    assert exit_bar.close < min(c.low for c in candles[133:143])
    assert candles[142].close >= min(c.low for c in candles[132:142])


def test_the_volatility_filter_blocks_a_breakout_in_too_wild_a_market() -> None:
    closes = range_bound(130)
    candles = bars([*closes, closes[-1] * 1.03])  # the jump itself makes vol the highest
    default = Breakout(["BTCUSDT"])
    assert run(default, candles) == []
    assert default.state()["BTCUSDT.vol_rank"] == 1.0
    allowed = run(Breakout(["BTCUSDT"], BreakoutParams(vol_max=1.0)), candles)
    assert [s.reason for _, s in allowed] == ["breakout_high"]


def test_the_volatility_filter_blocks_a_breakout_in_too_quiet_a_market() -> None:
    loud = [100 + 3 * np.sin(0.7 * i) for i in range(90)]
    quiet = [100 + 0.2 * np.sin(0.7 * i) for i in range(40)]
    candles = bars([*loud, *quiet, 100.5])
    blocked = Breakout(["BTCUSDT"], BreakoutParams(vol_min=0.5))
    assert run(blocked, candles) == []
    assert blocked.state()["BTCUSDT.vol_rank"] < 0.5  # type: ignore[operator]
    allowed = run(Breakout(["BTCUSDT"], BreakoutParams(vol_min=0.1)), candles)
    assert [s.target for _, s in allowed] == [1.0]


def test_no_signal_inside_the_range() -> None:
    assert run(Breakout(["BTCUSDT"], NO_FILTER), bars(range_bound(300))) == []
