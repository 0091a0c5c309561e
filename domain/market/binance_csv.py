"""Parse kline rows of Binance's public data dumps (data.binance.vision).

Each row has 12 columns: open_time, open, high, low, close, volume, close_time,
quote_volume, count, taker_buy_volume, taker_buy_quote_volume, ignore. Newer files start
with a header line; files from 2025 on carry timestamps in microseconds instead of
milliseconds. Reading the zip or the file is an adapter's job: this takes text lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from domain.market.candles import Candle, Timeframe
from domain.market.errors import InvalidMarketData

COLUMNS = 12
# Milliseconds since 1970 stay below 1e14 until the year 5138; microseconds passed it in 1973.
_MICROSECONDS_FROM = 10**14


class KlineParseError(ValueError):
    """A kline row cannot be read; `line` is its 1-based line number."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class KlineRow:
    """A parsed kline: the candle plus the columns a Candle does not carry."""

    candle: Candle
    trades: int
    taker_buy_volume: float
    taker_buy_quote_volume: float


def parse_kline_rows(
    lines: Iterable[str], symbol: str, timeframe: Timeframe = Timeframe.M1
) -> Iterator[KlineRow]:
    """Yield one KlineRow per data line; skip blank lines and a leading header."""
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or (number == 1 and not line[0].isdigit()):
            continue
        yield _parse(number, line, symbol, timeframe)


def parse_klines(
    lines: Iterable[str], symbol: str, timeframe: Timeframe = Timeframe.M1
) -> Iterator[Candle]:
    """Yield the candles of kline rows; see `parse_kline_rows`."""
    return (row.candle for row in parse_kline_rows(lines, symbol, timeframe))


def to_ms(ts: int) -> int:
    """Return a Binance timestamp in milliseconds, whether given in ms or µs."""
    return ts // 1000 if ts >= _MICROSECONDS_FROM else ts


def _parse(number: int, line: str, symbol: str, timeframe: Timeframe) -> KlineRow:
    cells = line.split(",")
    if len(cells) != COLUMNS:
        raise KlineParseError(number, f"expected {COLUMNS} columns, got {len(cells)}")
    try:
        row = _build(cells, symbol, timeframe)
        close_time = to_ms(int(cells[6]))
    except InvalidMarketData as error:
        raise KlineParseError(number, str(error)) from error
    except ValueError as error:
        raise KlineParseError(number, f"not a number: {error}") from error
    if close_time != row.candle.close_time:
        raise KlineParseError(number, f"close_time does not fit a {timeframe} bar")
    return row


def _build(cells: list[str], symbol: str, timeframe: Timeframe) -> KlineRow:
    candle = Candle(
        symbol=symbol,
        timeframe=timeframe,
        open_time=to_ms(int(cells[0])),
        open=float(cells[1]),
        high=float(cells[2]),
        low=float(cells[3]),
        close=float(cells[4]),
        volume=float(cells[5]),
        quote_volume=float(cells[7]),
        closed=True,
    )
    return KlineRow(candle, int(cells[8]), float(cells[9]), float(cells[10]))
