"""The market-data pipeline with fakes: aggregation, gaps and back-fill, duplicates."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from adapters.memory.candles import InMemoryCandleStore
from application.market_data import MarketDataPipeline, PipelineConfig
from application.ports.market_data import MarketEventHandler
from domain.market.aggregation import merge
from domain.market.candles import BookTop, Candle, Timeframe, Trade
from tests.unit.domain.market.bars import START, random_minutes

M = 60_000


class FakeFeed:
    """MarketDataFeed over a fixed history: fetch returns what it holds in the range."""

    def __init__(self, history: Sequence[Candle]) -> None:
        self.history = list(history)
        self.handlers: list[MarketEventHandler] = []
        self.fetches: list[tuple[str, Timeframe, int, int]] = []

    def subscribe_market(self, handler: MarketEventHandler) -> None:
        self.handlers.append(handler)

    async def fetch_candles(
        self, symbol: str, timeframe: Timeframe, start_ms: int, end_ms: int
    ) -> Sequence[Candle]:
        self.fetches.append((symbol, timeframe, start_ms, end_ms))
        return [
            c
            for c in self.history
            if c.symbol == symbol and c.timeframe is timeframe and start_ms <= c.open_time < end_ms
        ]


def pipeline(
    feed: FakeFeed | None = None,
) -> tuple[MarketDataPipeline, list[Candle], InMemoryCandleStore]:
    store = InMemoryCandleStore()
    p = MarketDataPipeline(store, feed, PipelineConfig(window=50, store_batch=7))
    seen: list[Candle] = []

    async def collect(candle: Candle) -> None:
        seen.append(candle)

    p.subscribe(collect)
    return p, seen, store


async def test_aggregates_exactly_and_in_time_order() -> None:
    bars = random_minutes(240 * 2)
    p, seen, store = pipeline()
    for bar in bars:
        await p.on_candle(bar)
    await p.flush()
    by_tf = {
        tf: [c for c in seen if c.timeframe is tf] for tf in Timeframe if tf is not Timeframe.D1
    }
    assert len(by_tf[Timeframe.M1]) == 480
    assert len(by_tf[Timeframe.M5]) == 96
    assert len(by_tf[Timeframe.H1]) == 8
    assert len(by_tf[Timeframe.H4]) == 2
    assert by_tf[Timeframe.H1][0] == merge(bars[:60], Timeframe.H1)
    assert by_tf[Timeframe.M15][3] == merge(bars[45:60], Timeframe.M15)
    # Every bar is passed on after the 1m bars it is built from.
    closes = [c.open_time + c.timeframe.ms for c in seen]
    assert closes == sorted(closes)
    stored = await store.range("BTCUSDT", Timeframe.H1, 0, 2**62)
    assert stored == by_tf[Timeframe.H1]
    assert len(p.window("BTCUSDT", Timeframe.M1)) == 50  # bounded


async def test_duplicates_conflicts_and_late_bars_are_dropped() -> None:
    bars = random_minutes(10)
    p, seen, _ = pipeline()
    for bar in bars[:6]:
        await p.on_candle(bar)
    await p.on_candle(bars[5])  # duplicate
    await p.on_candle(bars[2])  # late
    conflicting = Candle("BTCUSDT", Timeframe.M1, bars[5].open_time, 1.0, 2.0, 0.5, 1.5, 1.0)
    await p.on_candle(conflicting)
    assert len(seen) == 6 + 1  # six 1m bars and the first 5m bar
    assert (p.stats.duplicates, p.stats.late, p.stats.conflicts) == (1, 1, 1)


async def test_open_bars_wait_for_their_close() -> None:
    bar = random_minutes(1)[0]
    p, seen, _ = pipeline()
    still_open = Candle(
        bar.symbol,
        bar.timeframe,
        bar.open_time,
        bar.open,
        bar.high,
        bar.low,
        bar.close,
        bar.volume,
        closed=False,
    )
    await p.on_candle(still_open)
    assert seen == []
    await p.on_candle(bar)
    assert seen == [bar]


async def test_gap_is_back_filled_through_the_feed_before_the_next_bar() -> None:
    bars = random_minutes(20)
    feed = FakeFeed(bars)
    p, seen, store = pipeline(feed)
    for bar in bars[:5] + bars[8:]:
        await p.on_candle(bar)
    await p.flush()
    minutes = [c for c in seen if c.timeframe is Timeframe.M1]
    assert minutes == bars
    assert feed.fetches == [("BTCUSDT", Timeframe.M1, START + 5 * M, START + 8 * M)]
    assert (p.stats.gaps, p.stats.missing_minutes, p.stats.backfilled) == (1, 3, 3)
    fives = [c for c in seen if c.timeframe is Timeframe.M5]
    assert fives[1] == merge(bars[5:10], Timeframe.M5)
    assert len(await store.range("BTCUSDT", Timeframe.M1, 0, 2**62)) == 20


async def test_unfillable_gap_is_reported_and_buckets_close_short() -> None:
    bars = random_minutes(20)
    p, seen, _ = pipeline(FakeFeed([]))
    for bar in bars[:3] + bars[12:]:
        await p.on_candle(bar)
    assert p.stats.unfilled == 9
    fives = [c for c in seen if c.timeframe is Timeframe.M5]
    assert fives[0] == merge(bars[:3], Timeframe.M5)  # closed short when minute 12 arrived


async def test_analytics_follow_candles_books_and_trades() -> None:
    bars = random_minutes(80)
    p, _, _ = pipeline()
    for bar in bars:
        await p.on_candle(bar)
    await p.on_event(BookTop("BTCUSDT", 1, 100.0, 2.0, 100.1, 1.0))
    await p.on_event(Trade("BTCUSDT", 2, 100.0, 3.0, is_buyer_maker=False))
    await p.on_event(Trade("BTCUSDT", 3, 100.0, 1.0, is_buyer_maker=True))
    values = p.analytics("BTCUSDT")
    assert values["close"] == bars[-1].close
    assert values["return"] == pytest.approx(
        __import__("math").log(bars[-1].close / bars[-2].close)
    )
    assert {"realized_vol", "atr", "vwap"} <= values.keys()
    assert values["spread_bps"] == pytest.approx(0.1 / 100.05 * 10_000)
    assert values["trade_flow_imbalance"] == pytest.approx(0.5)
