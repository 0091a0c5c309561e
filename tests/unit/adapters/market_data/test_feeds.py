"""Kline files, the candle paper feed and the tick-bar feed."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.market_data.binance_csv_files import read_kline_file
from adapters.market_data.paper_feed import CandlePrices, PaperCandleFeed, synthetic_minutes
from adapters.market_data.tick_bars import TickBarFeed
from adapters.memory.clock import ManualClock
from adapters.simulated.exchange import SimulatedExchange
from adapters.simulated.instruments import default_instruments
from adapters.simulated.matching import SimulatedVenue
from application.ports.market_data import MarketEvent, PriceHandler, PriceUpdate
from domain.errors import InvalidInput
from domain.market.candles import Candle, Timeframe
from domain.numbers import round_to

ROWS = [
    "open_time,open,high,low,close,volume,close_time,quote_volume,count,"
    "taker_buy_volume,taker_buy_quote_volume,ignore",
    "1700000040000,100,101,99,100.5,3,1700000099999,301,7,1,100,0",
    "1700000100000,100.5,102,100,101,2,1700000159999,202,5,1,101,0",
]


def test_zip_and_csv_give_the_same_candles(tmp_path: Path) -> None:
    csv = tmp_path / "BTCUSDT-1m-2023-11.csv"
    csv.write_text("\n".join(ROWS) + "\n")
    archive = tmp_path / "BTCUSDT-1m-2023-11.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(csv, csv.name)
    plain = list(read_kline_file(csv, "BTCUSDT"))
    zipped = list(read_kline_file(archive, "BTCUSDT"))
    assert plain == zipped
    assert [c.close for c in plain] == [100.5, 101.0]


def test_bad_files_name_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(ROWS[1] + "\n1700000100000,1,2\n")
    with pytest.raises(InvalidInput, match=r"bad.csv: line 2: expected 12 columns"):
        list(read_kline_file(bad, "BTCUSDT"))
    fake = tmp_path / "fake.zip"
    fake.write_text("not a zip")
    with pytest.raises(InvalidInput, match="not a readable zip"):
        list(read_kline_file(fake, "BTCUSDT"))
    with pytest.raises(InvalidInput, match="no such file"):
        list(read_kline_file(tmp_path / "missing.csv", "BTCUSDT"))
    with pytest.raises(InvalidInput, match=r"\.zip or \.csv"):
        list(read_kline_file(fake.rename(tmp_path / "x.txt"), "BTCUSDT"))


async def test_the_venue_is_priced_at_the_close_before_the_pipeline_sees_the_bar() -> None:
    instruments = default_instruments()
    symbols = ["BTCUSDT", "ETHUSDT"]
    prices = CandlePrices(symbols, instruments)
    venue = SimulatedVenue(instruments, Decimal(10_000))
    exchange = SimulatedExchange(venue, prices, ManualClock(0))
    minutes = synthetic_minutes(symbols, 0, 3, 7, {"BTCUSDT": 60_000.0, "ETHUSDT": 3_000.0})
    feed = PaperCandleFeed(minutes, prices, exchange)
    seen: list[tuple[Candle, Decimal | None]] = []

    async def on_event(event: MarketEvent) -> None:
        assert isinstance(event, Candle)
        seen.append((event, venue.last_price(event.symbol)))

    feed.subscribe_market(on_event)
    while await feed.step():
        pass
    assert feed.steps == 3
    assert len(seen) == 6
    ticks = {i.symbol: i.tick_size for i in instruments}
    for candle, last in seen:
        assert last == round_to(Decimal(repr(candle.close)), ticks[candle.symbol])


class Ticks:
    def __init__(self) -> None:
        self.handlers: list[PriceHandler] = []

    def subscribe_prices(self, handler: PriceHandler) -> None:
        self.handlers.append(handler)


async def test_ticks_become_closed_one_minute_bars() -> None:
    ticks = Ticks()
    feed = TickBarFeed(ticks)
    feed.attach()
    bars: list[MarketEvent] = []

    async def collect(event: MarketEvent) -> None:
        bars.append(event)

    feed.subscribe_market(collect)
    for ts, price in ((0, "10"), (20_000, "12"), (40_000, "9"), (59_999, "11"), (61_000, "11.5")):
        await feed.on_price(PriceUpdate("BTCUSDT", Decimal(price), ts))
    await feed.on_price(PriceUpdate("BTCUSDT", Decimal(5), 30_000))  # from the past: ignored
    assert bars == [Candle("BTCUSDT", Timeframe.M1, 0, 10.0, 12.0, 9.0, 11.0, 0.0)]
