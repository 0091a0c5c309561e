import dataclasses

import pytest

from domain.market.aggregation import CandleSeries, SeriesStatus
from domain.market.candles import Timeframe

from .bars import random_minutes


def series(maxlen: int = 100) -> CandleSeries:
    return CandleSeries("BTCUSDT", Timeframe.M1, maxlen)


def test_appends_in_order_and_keeps_a_bounded_window() -> None:
    bars = random_minutes(30)
    window = series(maxlen=10)
    results = [window.add(bar) for bar in bars]
    assert all(r.status is SeriesStatus.APPENDED and not r.has_gap for r in results)
    assert len(window) == 10
    assert list(window) == bars[-10:]
    assert window.closes() == tuple(b.close for b in bars[-10:])


def test_a_gap_is_reported_with_every_missing_open_time() -> None:
    bars = random_minutes(10)
    window = series()
    window.add(bars[0])
    result = window.add(bars[4])
    assert result.status is SeriesStatus.APPENDED
    assert result.accepted
    assert result.missing == tuple(b.open_time for b in bars[1:4])
    assert window.gaps() == result.missing


def test_an_identical_repeat_is_ignored() -> None:
    bar = random_minutes(1)[0]
    window = series()
    window.add(bar)
    result = window.add(dataclasses.replace(bar))
    assert result.status is SeriesStatus.DUPLICATE
    assert not result.accepted
    assert len(window) == 1


def test_the_still_open_bar_is_replaced_by_its_newer_version() -> None:
    bar = random_minutes(1)[0]
    window = series()
    window.add(dataclasses.replace(bar, close=bar.open, closed=False))
    result = window.add(bar)
    assert result.status is SeriesStatus.REPLACED
    assert window.last == bar


def test_a_different_version_of_a_closed_bar_is_a_conflict_and_ignored() -> None:
    bar = random_minutes(1)[0]
    window = series()
    window.add(bar)
    result = window.add(dataclasses.replace(bar, volume=bar.volume + 1))
    assert result.status is SeriesStatus.CONFLICT
    assert window.last == bar


def test_a_late_bar_is_dropped_and_reported() -> None:
    bars = random_minutes(3)
    window = series()
    window.add(bars[0])
    window.add(bars[2])
    result = window.add(bars[1])
    assert result.status is SeriesStatus.LATE
    assert not result.accepted
    assert list(window) == [bars[0], bars[2]]


def test_backfill_closes_the_gap_it_was_asked_to_fill() -> None:
    bars = random_minutes(6)
    window = series()
    window.add(bars[0])
    gap = window.add(bars[5]).missing
    fetched = {b.open_time: b for b in bars[1:5]}
    results = [window.backfill(fetched[ts]) for ts in reversed(gap)]
    assert all(r.status is SeriesStatus.FILLED for r in results)
    assert list(window) == bars
    assert window.gaps() == ()
    assert window.backfill(bars[2]).status is SeriesStatus.DUPLICATE


def test_backfill_into_a_full_window_keeps_its_length() -> None:
    bars = random_minutes(6)
    window = series(maxlen=4)
    for bar in [bars[0], bars[1], bars[3], bars[5]]:
        window.add(bar)
    assert window.backfill(bars[4]).status is SeriesStatus.FILLED
    assert list(window) == [bars[1], bars[3], bars[4], bars[5]]
    assert window.backfill(bars[0]).status is SeriesStatus.LATE


def test_a_bar_of_another_symbol_or_timeframe_is_a_programming_error() -> None:
    eth = random_minutes(1, symbol="ETHUSDT")[0]
    with pytest.raises(ValueError, match="ETHUSDT"):
        series().add(eth)
    with pytest.raises(ValueError):
        CandleSeries("BTCUSDT", Timeframe.M5, 10).add(random_minutes(1)[0])
    with pytest.raises(ValueError):
        CandleSeries("BTCUSDT", Timeframe.M1, 0)
