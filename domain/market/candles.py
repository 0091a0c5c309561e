"""Market data values: candles, trades, book tops, depth and mark prices.

Every value validates itself when built, so a NaN or an inverted bar fails at the edge
instead of silently poisoning an indicator a thousand bars later.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from domain.market.errors import InvalidMarketData

MINUTE_MS = 60_000


class Timeframe(StrEnum):
    """Bar lengths the service trades on, spelled as Binance spells them."""

    M1 = "1m"
    M5 = "5m"
    M15 = "15m"
    H1 = "1h"
    H4 = "4h"
    D1 = "1d"

    @property
    def ms(self) -> int:
        """Return the bar length in milliseconds."""
        return _LENGTH_MS[self]

    @property
    def minutes(self) -> int:
        return self.ms // MINUTE_MS

    def floor(self, ts: int) -> int:
        """Return the open time of the bar that contains `ts` (ms since the epoch, UTC)."""
        return ts - ts % self.ms


_LENGTH_MS = {
    Timeframe.M1: MINUTE_MS,
    Timeframe.M5: 5 * MINUTE_MS,
    Timeframe.M15: 15 * MINUTE_MS,
    Timeframe.H1: 60 * MINUTE_MS,
    Timeframe.H4: 240 * MINUTE_MS,
    Timeframe.D1: 1440 * MINUTE_MS,
}


def require_finite(field: str, value: float) -> None:
    """Reject NaN and infinities."""
    if not math.isfinite(value):
        raise InvalidMarketData(field, f"must be finite, got {value!r}")


def require_positive(field: str, value: float) -> None:
    """Reject anything that is not a finite number above zero."""
    require_finite(field, value)
    if value <= 0:
        raise InvalidMarketData(field, f"must be > 0, got {value!r}")


def require_non_negative(field: str, value: float) -> None:
    """Reject anything that is not a finite number at or above zero."""
    require_finite(field, value)
    if value < 0:
        raise InvalidMarketData(field, f"must be >= 0, got {value!r}")


def require_symbol(symbol: str) -> None:
    """Reject an empty or padded symbol."""
    if not symbol or symbol != symbol.strip():
        raise InvalidMarketData("symbol", f"must be a non-empty bare name, got {symbol!r}")


def require_timestamp(field: str, ts: int) -> None:
    """Reject a timestamp that is not a non-negative integer of milliseconds."""
    if isinstance(ts, bool) or not isinstance(ts, int) or ts < 0:
        raise InvalidMarketData(field, f"must be a non-negative int of ms, got {ts!r}")


@dataclass(frozen=True, slots=True)
class Candle:
    """One OHLCV bar; `closed` is False while the venue is still updating it."""

    symbol: str
    timeframe: Timeframe
    open_time: int
    open: float
    high: float
    low: float
    close: float
    volume: float
    quote_volume: float = 0.0
    closed: bool = True

    def __post_init__(self) -> None:
        require_symbol(self.symbol)
        require_timestamp("open_time", self.open_time)
        if self.open_time % self.timeframe.ms:
            raise InvalidMarketData("open_time", f"not aligned to {self.timeframe}")
        for name in ("open", "high", "low", "close"):
            require_positive(name, getattr(self, name))
        require_non_negative("volume", self.volume)
        require_non_negative("quote_volume", self.quote_volume)
        if self.high < max(self.open, self.close):
            raise InvalidMarketData("high", "below the open or the close")
        if self.low > min(self.open, self.close):
            raise InvalidMarketData("low", "above the open or the close")

    @property
    def close_time(self) -> int:
        """Return the last millisecond of the bar, as Binance reports it."""
        return self.open_time + self.timeframe.ms - 1

    @property
    def typical_price(self) -> float:
        return (self.high + self.low + self.close) / 3.0


@dataclass(frozen=True, slots=True)
class Trade:
    """One public trade; `is_buyer_maker` True means the aggressor sold."""

    symbol: str
    ts: int
    price: float
    qty: float
    is_buyer_maker: bool

    def __post_init__(self) -> None:
        require_symbol(self.symbol)
        require_timestamp("ts", self.ts)
        require_positive("price", self.price)
        require_positive("qty", self.qty)


@dataclass(frozen=True, slots=True)
class BookTop:
    """Best bid and ask with their quantities."""

    symbol: str
    ts: int
    bid: float
    bid_qty: float
    ask: float
    ask_qty: float

    def __post_init__(self) -> None:
        require_symbol(self.symbol)
        require_timestamp("ts", self.ts)
        require_positive("bid", self.bid)
        require_positive("ask", self.ask)
        require_non_negative("bid_qty", self.bid_qty)
        require_non_negative("ask_qty", self.ask_qty)
        if self.bid > self.ask:
            raise InvalidMarketData("bid", "crossed book: bid above ask")

    @property
    def mid(self) -> float:
        return (self.bid + self.ask) / 2.0


Level = tuple[float, float]


@dataclass(frozen=True, slots=True)
class DepthSnapshot:
    """Order book levels as (price, qty): bids best first (descending), asks best first."""

    symbol: str
    ts: int
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]

    def __post_init__(self) -> None:
        require_symbol(self.symbol)
        require_timestamp("ts", self.ts)
        _check_levels("bids", self.bids, descending=True)
        _check_levels("asks", self.asks, descending=False)
        if self.bids and self.asks and self.bids[0][0] > self.asks[0][0]:
            raise InvalidMarketData("bids", "crossed book: best bid above best ask")


def _check_levels(field: str, levels: tuple[Level, ...], *, descending: bool) -> None:
    for price, qty in levels:
        require_positive(f"{field}.price", price)
        require_non_negative(f"{field}.qty", qty)
    prices = [price for price, _ in levels]
    ordered = sorted(prices, reverse=descending)
    if prices != ordered or len(set(prices)) != len(prices):
        order = "descending" if descending else "ascending"
        raise InvalidMarketData(field, f"prices must be unique and {order}")


@dataclass(frozen=True, slots=True)
class MarkPrice:
    """Mark and index price of a perpetual with its current funding rate."""

    symbol: str
    ts: int
    mark: float
    index: float
    funding_rate: float
    next_funding_time: int

    def __post_init__(self) -> None:
        require_symbol(self.symbol)
        require_timestamp("ts", self.ts)
        require_positive("mark", self.mark)
        require_positive("index", self.index)
        require_finite("funding_rate", self.funding_rate)
        require_timestamp("next_funding_time", self.next_funding_time)
