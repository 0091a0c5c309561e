import dataclasses
import math

import pytest
from pydantic import ValidationError

from domain.market.candles import Timeframe
from domain.strategies import (
    STRATEGIES,
    InvalidStrategyParams,
    Signal,
    TrendParams,
    UnknownStrategy,
    build_strategy,
)

from .bars import bars


def test_signal_validates_and_copies_its_indicators() -> None:
    indicators = {"ema": 1.0}
    signal = Signal("BTCUSDT", 0, 0.5, "why", indicators)
    indicators["ema"] = 2.0
    assert signal.indicators == {"ema": 1.0}
    assert signal.targets() == (("BTCUSDT", 0.5),)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"target": 1.5}, "target"),
        ({"target": math.nan}, "target"),
        ({"ts": -1}, "ts"),
        ({"symbol": ""}, "symbol"),
        ({"indicators": {"z": math.inf}}, "indicator z"),
        ({"legs": (("ETHUSDT", 0.5),)}, "first leg"),
        ({"legs": (("BTCUSDT", 0.5), ("BTCUSDT", -0.5))}, "distinct"),
        ({"legs": (("BTCUSDT", 0.5), ("ETHUSDT", -2.0))}, "leg ETHUSDT"),
    ],
)
def test_bad_signals_are_rejected(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"symbol": "BTCUSDT", "ts": 0, "target": 0.5, "reason": "r"}
    with pytest.raises(ValueError, match=message):
        Signal(**{**fields, **kwargs})  # type: ignore[arg-type]


def test_a_multi_leg_signal_lists_every_leg() -> None:
    legs = (("ETHUSDT", -0.5), ("BTCUSDT", 0.5))
    assert Signal("ETHUSDT", 0, -0.5, "r", legs=legs).targets() == legs


def test_every_strategy_is_registered_and_builds_with_defaults() -> None:
    assert set(STRATEGIES) == {"trend", "mean_reversion", "breakout", "pairs", "sma_cross"}
    for name in STRATEGIES:
        strategy = build_strategy(name, ["ETHUSDT", "BTCUSDT"], {})
        assert strategy.name == name
        assert strategy.symbols == ("ETHUSDT", "BTCUSDT")
        assert strategy.params.timeframe is Timeframe.H1


def test_params_are_typed_coerced_and_frozen() -> None:
    strategy = build_strategy("trend", ["BTCUSDT"], {"fast": "5", "timeframe": "15m"})
    params = strategy.params
    assert isinstance(params, TrendParams)
    assert (params.fast, params.timeframe) == (5, Timeframe.M15)
    with pytest.raises(ValidationError):
        params.fast = 6


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("trend", {"fast": 1}, "fast"),
        ("trend", {"fast": 30, "slow": 20}, "slow"),
        ("trend", {"atr_k": "wide"}, "atr_k"),
        ("trend", {"colour": "red"}, "colour"),
        ("trend", {"timeframe": "7m"}, "timeframe"),
        ("mean_reversion", {"entry_z": 1.0, "exit_z": 1.5}, "exit_z"),
        ("mean_reversion", {"oversold": 80}, "overbought"),
        ("breakout", {"vol_min": 0.6, "vol_max": 0.5}, "vol_max"),
        ("pairs", {"lookback": 5}, "lookback"),
    ],
)
def test_bad_params_raise_an_error_naming_the_field(
    name: str, params: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidStrategyParams) as raised:
        build_strategy(name, ["ETHUSDT", "BTCUSDT"], params)
    assert raised.value.field == field
    assert isinstance(raised.value, ValueError)
    assert field in str(raised.value)


def test_bad_symbols_and_unknown_names() -> None:
    with pytest.raises(InvalidStrategyParams) as raised:
        build_strategy("pairs", ["BTCUSDT"], {})
    assert raised.value.field == "symbols"
    with pytest.raises(InvalidStrategyParams):
        build_strategy("trend", ["BTCUSDT", "BTCUSDT"], {})
    with pytest.raises(InvalidStrategyParams):
        build_strategy("trend", "BTCUSDT", {})
    with pytest.raises(UnknownStrategy, match="known: breakout"):
        build_strategy("martingale", ["BTCUSDT"], {})


def test_strategies_refuse_open_candles_and_other_timeframes_but_skip_other_symbols() -> None:
    strategy = build_strategy("trend", ["BTCUSDT"], {})
    (hourly,) = bars([100.0])
    (minute,) = bars([100.0], timeframe=Timeframe.M1)
    (eth,) = bars([100.0], symbol="ETHUSDT")
    (still_open,) = bars([100.0])
    with pytest.raises(ValueError, match="1h"):
        strategy.on_candle(minute)
    with pytest.raises(ValueError, match="closed"):
        strategy.on_candle(dataclasses.replace(still_open, closed=False))
    assert strategy.on_candle(eth) is None
    assert strategy.on_candle(hourly) is None
