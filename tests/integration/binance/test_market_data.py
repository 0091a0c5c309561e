"""Klines, book tickers, marks and depth from the fake, through ccxt and ccxt.pro."""

from __future__ import annotations

import time
from decimal import Decimal

from adapters.binance.data import BinanceMarketData
from adapters.binance.execution import CcxtBinanceExchange
from adapters.fake_binance.server import FakeBinance
from application.ports.market_data import MarketEvent, PriceUpdate
from domain.market.candles import MINUTE_MS, BookTop, Candle, DepthSnapshot, MarkPrice, Timeframe
from tests.integration.binance.conftest import wait_for


async def test_history_comes_in_pages_without_gaps(exchange: CcxtBinanceExchange) -> None:
    data = BinanceMarketData(exchange)
    end = int(time.time() * 1000) // MINUTE_MS * MINUTE_MS
    start = end - 2000 * MINUTE_MS
    bars = await data.fetch_candles("BTCUSDT", Timeframe.M1, start, end)
    assert len(bars) == 2000
    assert all(b.closed for b in bars)
    assert [b.open_time for b in bars] == list(range(start, end, MINUTE_MS))


async def test_streams_deliver_klines_book_tops_and_marks(
    fake: FakeBinance, exchange: CcxtBinanceExchange
) -> None:
    data = BinanceMarketData(exchange)
    seen: list[MarketEvent] = []

    async def record(event: MarketEvent) -> None:
        seen.append(event)

    data.subscribe_market(record)
    await data.start(["BTCUSDT"])
    try:
        await wait_for(lambda: len(fake.hub.market_streams()) >= 3)
        fake.set_price("BTCUSDT", Decimal("60100"))
        kinds = (Candle, BookTop, MarkPrice)
        await wait_for(lambda: all(any(isinstance(e, k) for e in seen) for k in kinds))
        mark = next(e for e in seen if isinstance(e, MarkPrice))
        assert mark.mark == 60100.0
        top = next(e for e in seen if isinstance(e, BookTop))
        assert top.bid < 60100.0 < top.ask
    finally:
        await data.stop()


async def test_depth_snapshot_is_ordered(exchange: CcxtBinanceExchange) -> None:
    book = await BinanceMarketData(exchange).fetch_depth("BTCUSDT", 5)
    assert len(book.bids) == len(book.asks) == 5
    assert book.bids[0][0] < book.asks[0][0]


async def test_mark_prices_feed_the_price_port(
    fake: FakeBinance, exchange: CcxtBinanceExchange
) -> None:
    updates: list[PriceUpdate] = []

    async def record(update: PriceUpdate) -> None:
        updates.append(update)

    exchange.subscribe_prices(record)
    initial = await exchange.fetch_marks(["BTCUSDT"])
    assert initial[0].price == Decimal("60000")
    await exchange.start_streams(["BTCUSDT"])
    await wait_for(lambda: any("markprice" in s.lower() for s in fake.hub.market_streams()))
    fake.set_price("BTCUSDT", Decimal("60200"))
    await wait_for(lambda: any(u.price == Decimal("60200") for u in updates))


async def test_the_diff_depth_stream_stays_in_sync(
    fake: FakeBinance, exchange: CcxtBinanceExchange
) -> None:
    data = BinanceMarketData(exchange)
    books: list[DepthSnapshot] = []

    async def record(event: MarketEvent) -> None:
        if isinstance(event, DepthSnapshot):
            books.append(event)

    data.subscribe_market(record)
    await data.start(["BTCUSDT"], depth_levels=5)
    try:
        await wait_for(lambda: any("depth" in s for s in fake.hub.market_streams()))
        for step in range(1, 4):
            fake.set_price("BTCUSDT", Decimal(60000 + 10 * step))
            await wait_for(lambda s=step: any(b.bids[0][0] == 60000 + 10 * s - 0.1 for b in books))
        assert all(len(b.bids) == 5 and b.bids[0][0] < b.asks[0][0] for b in books)
    finally:
        await data.stop()


async def test_market_streams_resubscribe_after_a_drop(
    fake: FakeBinance, exchange: CcxtBinanceExchange
) -> None:
    data = BinanceMarketData(exchange)
    marks: list[MarkPrice] = []

    async def record(event: MarketEvent) -> None:
        if isinstance(event, MarkPrice):
            marks.append(event)

    data.subscribe_market(record)
    await data.start(["BTCUSDT"])
    try:
        await wait_for(lambda: any("markprice" in s.lower() for s in fake.hub.market_streams()))
        assert await fake.drop_streams() >= 1
        await wait_for(lambda: any("markprice" in s.lower() for s in fake.hub.market_streams()), 5)
        fake.set_price("BTCUSDT", Decimal("60300"))
        await wait_for(lambda: any(m.mark == 60300.0 for m in marks))
    finally:
        await data.stop()


async def test_the_limiter_follows_the_servers_weight_count(
    fake: FakeBinance, exchange: CcxtBinanceExchange
) -> None:
    data = BinanceMarketData(exchange)
    for _ in range(3):
        await data.fetch_depth("BTCUSDT")
    used = exchange.http.limiter.used
    assert used >= 30  # three depth calls of weight 10, plus what connect() spent
