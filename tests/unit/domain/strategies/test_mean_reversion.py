from domain.strategies import MeanReversion, MeanReversionParams

from .bars import bars, noise, run


def quiet_then(tail: list[float]) -> list[float]:
    return [*noise(60, seed=1), *tail]


def test_a_sharp_drop_buys_and_the_rebound_exits() -> None:
    closes = quiet_then([95.0, 94.0, *noise(20, seed=2)])
    signals = run(MeanReversion(["BTCUSDT"]), bars(closes))
    assert [(i, s.target, s.reason) for i, s in signals] == [
        (60, 1.0, "z_low_rsi_oversold"),
        (62, 0.0, "z_exit"),
    ]
    entry = signals[0][1].indicators
    assert entry["zscore"] < -2.0
    assert entry["rsi"] < 30.0
    assert signals[1][1].indicators["zscore"] > -0.5


def test_a_spike_shorts_and_the_fall_back_exits() -> None:
    closes = quiet_then([105.0, 106.0, *noise(20, seed=2)])
    signals = run(MeanReversion(["BTCUSDT"]), bars(closes))
    assert [(i, s.target, s.reason) for i, s in signals] == [
        (60, -1.0, "z_high_rsi_overbought"),
        (62, 0.0, "z_exit"),
    ]
    assert (
        run(MeanReversion(["BTCUSDT"], MeanReversionParams(allow_short=False)), bars(closes)) == []
    )


def test_the_time_stop_closes_a_position_that_never_reverts() -> None:
    closes = quiet_then([95.0, 94.0, *(94.0 - 0.3 * i for i in range(60))])
    params = MeanReversionParams(max_bars=10)
    signals = run(MeanReversion(["BTCUSDT"], params), bars(closes))
    assert [(i, s.target, s.reason) for i, s in signals[:2]] == [
        (60, 1.0, "z_low_rsi_oversold"),
        (70, 0.0, "time_stop"),
    ]
    assert signals[1][1].indicators["zscore"] < -0.5  # it had not reverted


def test_the_rsi_filter_blocks_a_stretched_z_without_an_oversold_rsi() -> None:
    closes = [100 + 0.5 * i for i in range(60)]
    closes.append(closes[-1] - 12.0)  # z ≈ -2.3 after a long rally, RSI ≈ 35
    strategy = MeanReversion(["BTCUSDT"])
    assert run(strategy, bars(closes)) == []
    state = strategy.state()
    assert state["BTCUSDT.zscore"] < -2.0  # type: ignore[operator]
    assert state["BTCUSDT.rsi"] > 30.0  # type: ignore[operator]
    relaxed = MeanReversion(["BTCUSDT"], MeanReversionParams(oversold=40.0))
    assert [s.target for _, s in run(relaxed, bars(closes))] == [1.0]


def test_state_reports_bands_rsi_bars_held_and_target() -> None:
    strategy = MeanReversion(["BTCUSDT"])
    run(strategy, bars(quiet_then([95.0, 94.0])))
    state = strategy.state()
    assert state["BTCUSDT.target"] == 1.0
    assert state["BTCUSDT.bars_held"] == 1.0
    assert {"BTCUSDT.upper", "BTCUSDT.lower", "BTCUSDT.mean", "BTCUSDT.rsi"} <= set(state)
