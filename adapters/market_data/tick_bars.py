"""1m candles built from a price feed's ticks: what the strategies see on the price replay."""

from __future__ import annotations

import math
from collections.abc import Sequence

from application.ports.market_data import MarketEventHandler, PriceFeed, PriceUpdate
from domain.market.candles import MINUTE_MS, Candle, Timeframe


class TickBarFeed:
    """MarketDataFeed: each symbol's ticks of one minute become a closed 1m candle.

    A minute's bar is closed by the first tick of a later minute. Minutes without ticks
    produce no bar (the pipeline reports them as gaps and nothing can fill them). The
    replay has no volume, so bars carry volume 0.
    """

    def __init__(self, prices: PriceFeed) -> None:
        self._prices = prices
        self._handlers: list[MarketEventHandler] = []
        self._open: dict[str, list[float]] = {}  # symbol -> [minute, open, high, low, close]

    def attach(self) -> None:
        self._prices.subscribe_prices(self.on_price)

    def subscribe_market(self, handler: MarketEventHandler) -> None:
        self._handlers.append(handler)

    async def fetch_candles(
        self, symbol: str, timeframe: Timeframe, start_ms: int, end_ms: int
    ) -> Sequence[Candle]:
        return []

    async def on_price(self, update: PriceUpdate) -> None:
        price = float(update.price)
        if not math.isfinite(price) or price <= 0:
            return
        minute = update.ts - update.ts % MINUTE_MS
        bar = self._open.get(update.symbol)
        if bar is not None and minute < bar[0]:
            return  # a tick from the past: the minute is already out
        if bar is None or minute > bar[0]:
            if bar is not None:
                await self._emit(update.symbol, bar)
            self._open[update.symbol] = [minute, price, price, price, price]
            return
        bar[2], bar[3], bar[4] = max(bar[2], price), min(bar[3], price), price

    async def _emit(self, symbol: str, bar: list[float]) -> None:
        minute, o, h, lo, c = bar
        candle = Candle(symbol, Timeframe.M1, int(minute), o, h, lo, c, 0.0)
        for handler in list(self._handlers):
            await handler(candle)
