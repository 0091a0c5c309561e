import math

import pytest

from domain.market.candles import BookTop, Candle, DepthSnapshot, MarkPrice, Timeframe, Trade
from domain.market.errors import InvalidMarketData


def candle(**overrides: object) -> Candle:
    fields: dict[str, object] = {
        "symbol": "BTCUSDT",
        "timeframe": Timeframe.M1,
        "open_time": 120_000,
        "open": 100.0,
        "high": 101.0,
        "low": 99.0,
        "close": 100.5,
        "volume": 3.0,
    }
    fields.update(overrides)
    return Candle(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("timeframe", "minutes"),
    [("1m", 1), ("5m", 5), ("15m", 15), ("1h", 60), ("4h", 240), ("1d", 1440)],
)
def test_timeframe_length(timeframe: str, minutes: int) -> None:
    assert Timeframe(timeframe).ms == minutes * 60_000
    assert Timeframe(timeframe).minutes == minutes


def test_floor_returns_the_open_time_of_the_containing_bar() -> None:
    ts = 1_700_000_123_456
    assert Timeframe.M1.floor(ts) == 1_700_000_100_000
    assert Timeframe.H1.floor(ts) == 1_699_999_200_000
    assert Timeframe.D1.floor(ts) == 1_699_920_000_000
    assert Timeframe.H4.floor(Timeframe.H4.floor(ts)) == Timeframe.H4.floor(ts)


def test_a_valid_candle_knows_its_close_time() -> None:
    bar = candle()
    assert bar.close_time == 179_999
    assert bar.typical_price == pytest.approx((101.0 + 99.0 + 100.5) / 3)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"close": math.nan}, "close"),
        ({"open": math.inf, "high": math.inf}, "open"),
        ({"high": 100.2}, "high"),
        ({"low": 100.1}, "low"),
        ({"volume": -1.0}, "volume"),
        ({"open_time": 120_001}, "open_time"),
        ({"open_time": -60_000}, "open_time"),
        ({"open_time": True}, "open_time"),
        ({"symbol": ""}, "symbol"),
        ({"low": 0.0}, "low"),
    ],
)
def test_bad_candles_are_rejected_naming_the_field(
    overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidMarketData) as raised:
        candle(**overrides)
    assert raised.value.field == field


def test_candles_are_frozen() -> None:
    with pytest.raises(AttributeError):
        candle().close = 1.0  # type: ignore[misc]


def test_trade_validation() -> None:
    assert Trade("BTCUSDT", 1, 100.0, 0.5, is_buyer_maker=True).qty == 0.5
    with pytest.raises(InvalidMarketData):
        Trade("BTCUSDT", 1, 100.0, 0.0, is_buyer_maker=False)


def test_book_top_rejects_a_crossed_book_and_knows_its_mid() -> None:
    assert BookTop("BTCUSDT", 1, 99.0, 1.0, 101.0, 2.0).mid == 100.0
    with pytest.raises(InvalidMarketData):
        BookTop("BTCUSDT", 1, 101.0, 1.0, 100.0, 2.0)


def test_depth_snapshot_requires_best_first_ordering() -> None:
    DepthSnapshot("BTCUSDT", 1, ((100.0, 1.0), (99.0, 2.0)), ((101.0, 1.0), (102.0, 0.0)))
    with pytest.raises(InvalidMarketData, match="descending"):
        DepthSnapshot("BTCUSDT", 1, ((99.0, 1.0), (100.0, 2.0)), ())
    with pytest.raises(InvalidMarketData, match="crossed"):
        DepthSnapshot("BTCUSDT", 1, ((102.0, 1.0),), ((101.0, 1.0),))


def test_mark_price_validation() -> None:
    mark = MarkPrice("BTCUSDT", 1, 100.0, 100.1, -0.0001, 28_800_000)
    assert mark.funding_rate == -0.0001
    with pytest.raises(InvalidMarketData):
        MarkPrice("BTCUSDT", 1, 100.0, 100.1, math.nan, 28_800_000)
