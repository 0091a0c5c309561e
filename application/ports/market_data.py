"""Market data the trading path needs: the latest marks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from domain.market.candles import BookTop, Candle, DepthSnapshot, MarkPrice, Timeframe, Trade


@dataclass(frozen=True, slots=True)
class PriceUpdate:
    """A new mark price for a symbol."""

    symbol: str
    price: Decimal
    ts: int


PriceHandler = Callable[[PriceUpdate], Awaitable[None]]


class PriceFeed(Protocol):
    """A source of mark prices (the replay, a WebSocket stream)."""

    def subscribe_prices(self, handler: PriceHandler) -> None: ...


class PriceCache(Protocol):
    """The latest mark per symbol, shared by everything that values positions."""

    def set_mark(self, update: PriceUpdate) -> None: ...

    def mark(self, symbol: str) -> Decimal | None: ...

    def marks(self) -> Mapping[str, Decimal]: ...


# -- candles, trades and books for the market-data pipeline ---------------------------

MarketEvent = Candle | Trade | BookTop | DepthSnapshot | MarkPrice
MarketEventHandler = Callable[[MarketEvent], Awaitable[None]]


class MarketDataFeed(Protocol):
    """A source of raw market events that can also fetch history to fill gaps."""

    def subscribe_market(self, handler: MarketEventHandler) -> None:
        """Deliver every new market event to `handler`, in arrival order."""
        ...

    async def fetch_candles(
        self, symbol: str, timeframe: Timeframe, start_ms: int, end_ms: int
    ) -> Sequence[Candle]:
        """Return the closed bars with start_ms <= open_time < end_ms, oldest first."""
        ...
