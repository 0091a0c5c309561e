import dataclasses

import pandas as pd
import pytest

from domain.market.aggregation import AggregatedCandle, TimeframeAggregator
from domain.market.candles import Candle, Timeframe

from .bars import random_minutes


def frame(bars: list[Candle]) -> pd.DataFrame:
    index = pd.to_datetime([b.open_time for b in bars], unit="ms", utc=True)
    return pd.DataFrame(
        {
            "open": [b.open for b in bars],
            "high": [b.high for b in bars],
            "low": [b.low for b in bars],
            "close": [b.close for b in bars],
            "volume": [b.volume for b in bars],
        },
        index=index,
    )


def resample(bars: list[Candle], rule: str) -> pd.DataFrame:
    agg = {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}
    return frame(bars).resample(rule).agg(agg).dropna()


def run(aggregator: TimeframeAggregator, bars: list[Candle]) -> list[AggregatedCandle]:
    out = [aggregator.update(bar) for bar in bars]
    return [a for a in out if a is not None]


@pytest.mark.parametrize(("target", "rule"), [(Timeframe.M5, "5min"), (Timeframe.H1, "1h")])
def test_aggregation_equals_pandas_resample(target: Timeframe, rule: str) -> None:
    bars = random_minutes(6 * 60)
    emitted = run(TimeframeAggregator(target), bars)
    expected = resample(bars, rule)
    assert len(emitted) == len(expected)
    assert all(a.complete and a.candle.timeframe is target for a in emitted)
    got = frame([a.candle for a in emitted])
    pd.testing.assert_frame_equal(got, expected, check_freq=False, rtol=1e-12)


def test_a_complete_bucket_is_emitted_on_its_last_minute() -> None:
    bars = random_minutes(10)
    aggregator = TimeframeAggregator(Timeframe.M5)
    assert [aggregator.update(bar) for bar in bars[:4]] == [None] * 4
    fifth = aggregator.update(bars[4])
    assert fifth is not None
    assert fifth.candle.open_time == bars[0].open_time
    assert fifth.candle.close == bars[4].close


def test_a_short_bucket_is_emitted_flagged_when_the_next_one_starts() -> None:
    bars = random_minutes(10)
    kept = bars[:2] + bars[3:5] + bars[5:]  # minute 2 of the first bucket never comes
    aggregator = TimeframeAggregator(Timeframe.M5)
    assert aggregator.update(kept[0]) is None
    assert [aggregator.update(bar) for bar in kept[1:4]] == [None] * 3
    short = aggregator.update(kept[4])  # first minute of the second bucket
    assert short is not None
    assert (short.complete, short.minutes, short.missing) == (False, 4, 1)
    expected = resample(kept[:4], "5min").iloc[0]
    assert short.candle.high == expected["high"]
    assert short.candle.low == expected["low"]
    assert short.candle.close == bars[4].close
    assert short.candle.volume == pytest.approx(expected["volume"])


def test_a_backfilled_minute_completes_the_pending_bucket() -> None:
    bars = random_minutes(5)
    aggregator = TimeframeAggregator(Timeframe.M5)
    for bar in bars[:2] + bars[3:]:
        assert aggregator.update(bar) is None
    done = aggregator.update(bars[2])
    assert done is not None
    assert done.complete
    assert done.candle.open == bars[0].open
    assert done.candle.close == bars[4].close


def test_duplicates_are_ignored_and_late_minutes_counted() -> None:
    bars = random_minutes(11)
    aggregator = TimeframeAggregator(Timeframe.M5)
    emitted = run(aggregator, [bars[0], bars[0], *bars[1:6], bars[3], bars[6]])
    assert len(emitted) == 1
    assert emitted[0].complete
    assert emitted[0].candle.volume == pytest.approx(sum(b.volume for b in bars[:5]))
    assert aggregator.late == 1


def test_flush_emits_the_pending_bucket_once() -> None:
    bars = random_minutes(3)
    aggregator = TimeframeAggregator(Timeframe.M15)
    run(aggregator, bars)
    pending = aggregator.flush("BTCUSDT")
    assert pending is not None
    assert pending.minutes == 3
    assert aggregator.flush("BTCUSDT") is None


def test_symbols_are_aggregated_independently() -> None:
    btc, eth = random_minutes(10, seed=1), random_minutes(10, seed=2, symbol="ETHUSDT")
    interleaved = [bar for pair in zip(btc, eth, strict=True) for bar in pair]
    emitted = run(TimeframeAggregator(Timeframe.M5), interleaved)
    assert [a.candle.symbol for a in emitted] == ["BTCUSDT", "ETHUSDT"] * 2
    assert emitted[1].candle.close == eth[4].close


def test_only_closed_one_minute_candles_are_accepted() -> None:
    aggregator = TimeframeAggregator(Timeframe.H1)
    bar = random_minutes(1)[0]
    with pytest.raises(ValueError, match="closed 1m"):
        aggregator.update(dataclasses.replace(bar, closed=False))
    with pytest.raises(ValueError, match="longer than 1m"):
        TimeframeAggregator(Timeframe.M1)
