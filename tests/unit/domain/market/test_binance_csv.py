import itertools
from pathlib import Path

import pytest

from domain.market.binance_csv import KlineParseError, parse_kline_rows, parse_klines
from domain.market.candles import Timeframe

HEADER = (
    "open_time,open,high,low,close,volume,close_time,quote_volume,count,"
    "taker_buy_volume,taker_buy_quote_volume,ignore"
)
MS_ROW = (
    "1704067200000,42283.58,42298.62,42261.02,42298.61,35.92724,1704067259999,"
    "1519032.1,1327,24.0,1014762.5,0"
)
US_ROW = (
    "1735689600000000,93576.00,93610.93,93537.50,93610.93,8.21827,1735689659999999,"
    "768978.6,1543,6.02,563410.9,0"
)
SHARED = Path(__file__).resolve().parents[4] / ".." / "shared" / "data"


def test_rows_in_milliseconds_without_header() -> None:
    (row,) = parse_kline_rows([MS_ROW], "BTCUSDT")
    candle = row.candle
    assert (candle.symbol, candle.timeframe, candle.open_time) == (
        "BTCUSDT",
        Timeframe.M1,
        1_704_067_200_000,
    )
    assert (candle.open, candle.high, candle.low, candle.close) == (
        42283.58,
        42298.62,
        42261.02,
        42298.61,
    )
    assert (candle.volume, candle.quote_volume, candle.closed) == (35.92724, 1519032.1, True)
    assert (row.trades, row.taker_buy_volume, row.taker_buy_quote_volume) == (1327, 24.0, 1014762.5)


def test_header_blank_lines_and_microseconds() -> None:
    candles = list(parse_klines([HEADER + "\n", "\n", US_ROW + "\r\n"], "BTCUSDT"))
    assert [c.open_time for c in candles] == [1_735_689_600_000]
    assert candles[0].close_time == 1_735_689_659_999


def test_an_hourly_file() -> None:
    row = "1704067200000,1,2,0.5,1.5,10,1704070799999,15,3,5,7.5,0"
    (candle,) = parse_klines([row], "ETHUSDT", Timeframe.H1)
    assert candle.timeframe is Timeframe.H1


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("1704067200000,1,2,0.5,1.5,10,1704067259999,15,3,5,7.5", "12 columns"),
        ("1704067200000,1,abc,0.5,1.5,10,1704067259999,15,3,5,7.5,0", "not a number"),
        ("1704067200000,1,1.2,0.5,1.5,10,1704067259999,15,3,5,7.5,0", "high"),
        ("1704067200000,1,2,0.5,1.5,nan,1704067259999,15,3,5,7.5,0", "volume"),
        ("1704067200000,1,2,0.5,1.5,10,1704070799999,15,3,5,7.5,0", "close_time"),
    ],
)
def test_bad_rows_name_their_line(line: str, reason: str) -> None:
    with pytest.raises(KlineParseError, match=reason) as raised:
        list(parse_klines([MS_ROW, line], "BTCUSDT"))
    assert raised.value.line == 2


@pytest.mark.shared_data
def test_a_recorded_binance_file() -> None:
    path = SHARED / "candles" / "binance_spot" / "nautilus_raw_kline_ADABTC-1m-2021-11-27.csv"
    if not path.exists():
        pytest.skip(f"shared data not available at {path}")
    with path.open(encoding="utf-8") as lines:
        candles = list(parse_klines(lines, "ADABTC"))
    assert len(candles) >= 2
    assert candles[0].open_time == 1_637_971_200_000
    assert candles[0].open == 0.00002853
    assert candles[0].volume == 36304.2
    steps = {b.open_time - a.open_time for a, b in itertools.pairwise(candles)}
    assert steps == {60_000}
