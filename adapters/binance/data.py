"""BinanceMarketData: the MarketDataFeed port over Binance USDⓈ-M streams and REST history.

Stream events reach the handler raw-parsed (kline with its closed flag, book
ticker, mark price); history comes from /fapi/v1/klines through the one REST
client, in pages of at most 1500 bars.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import structlog

from adapters.binance import parsing
from adapters.binance.errors import translate
from adapters.binance.execution import CcxtBinanceExchange
from adapters.binance.http import BinanceCallFailed
from application.ports.market_data import MarketEvent, MarketEventHandler
from domain.market.candles import Candle, DepthSnapshot, Timeframe

log = structlog.get_logger("binance.data")
PAGE = 1500


class BinanceMarketData:
    """Klines, book tickers and marks for `symbols`, from the adapter's connections."""

    def __init__(self, exchange: CcxtBinanceExchange) -> None:
        self._exchange = exchange
        self._handlers: list[MarketEventHandler] = []
        self._inbox: asyncio.Queue[MarketEvent] = asyncio.Queue()
        self._consumer: asyncio.Task[None] | None = None
        exchange.streams.client.market_tap = self._on_raw

    def subscribe_market(self, handler: MarketEventHandler) -> None:
        self._handlers.append(handler)

    async def start(
        self, symbols: Sequence[str], timeframe: Timeframe = Timeframe.M1, depth_levels: int = 0
    ) -> None:
        """Subscribe to klines, book tickers and marks of `symbols` (and the book, if asked).

        With `depth_levels` > 0 the diff-depth stream is kept in sync with a REST
        snapshot (ccxt.pro's Binance algorithm) and every update becomes a DepthSnapshot.
        """
        client = self._exchange.streams.client
        unified = [self._exchange.provider.unified(s) for s in symbols]
        self._consumer = asyncio.create_task(self._consume(), name="binance-market-events")
        if depth_levels > 0:
            for symbol, name in zip(unified, symbols, strict=True):
                watch, on_book = _depth_watch(client, symbol, name, depth_levels, self._inbox)
                self._exchange.streams.loop(f"depth-{symbol}", watch, on_book).start()
        for symbol in unified:
            self._exchange.streams.loop(
                f"kline-{symbol}", _kline_watch(client, symbol, timeframe)
            ).start()
        self._exchange.streams.loop("book-ticker", lambda: client.watch_bids_asks(unified)).start()
        self._exchange.streams.loop("marks", lambda: client.watch_mark_prices(unified)).start()

    async def stop(self) -> None:
        if self._consumer is not None:
            self._consumer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._consumer

    async def drain(self) -> None:
        await self._inbox.join()

    async def fetch_candles(
        self, symbol: str, timeframe: Timeframe, start_ms: int, end_ms: int
    ) -> Sequence[Candle]:
        bars: list[Candle] = []
        cursor = start_ms
        now = int(time.time() * 1000)
        while cursor < end_ms:
            rows = await self._klines(symbol, timeframe, cursor, end_ms - 1)
            page = [parsing.kline_row(symbol, timeframe, row, now) for row in rows]
            page = [bar for bar in page if start_ms <= bar.open_time < end_ms]
            if not page:
                break
            bars += page
            cursor = page[-1].open_time + timeframe.ms
            if len(rows) < PAGE:
                break
        return [bar for bar in bars if bar.closed]

    async def fetch_depth(self, symbol: str, levels: int = 20) -> DepthSnapshot:
        """Return the top `levels` of the book from REST."""
        request = {"symbol": symbol, "limit": max(5, min(levels, 1000))}
        try:
            raw = await self._exchange.http.call(
                "depth", lambda: self._exchange.http.exchange.fapiPublicGetDepth(request)
            )
        except BinanceCallFailed as failed:
            raise translate(failed.failure, "fetch_depth") from None
        return parsing.depth(symbol, raw, int(raw.get("T") or time.time() * 1000), levels)

    async def _klines(self, symbol: str, timeframe: Timeframe, start: int, end: int) -> Any:
        request = {
            "symbol": symbol,
            "interval": timeframe.value,
            "startTime": start,
            "endTime": end,
            "limit": PAGE,
        }
        try:
            return await self._exchange.http.call(
                "klines", lambda: self._exchange.http.exchange.fapiPublicGetKlines(request)
            )
        except BinanceCallFailed as failed:
            raise translate(failed.failure, "fetch_candles") from None

    def _on_raw(self, event: dict[str, Any]) -> None:
        try:
            parsed = parsing.market_event(event)
        except (KeyError, ValueError) as error:
            log.warning("unreadable market event", kind=event.get("e"), error=str(error))
            return
        if parsed is not None:
            self._inbox.put_nowait(parsed)

    async def _consume(self) -> None:
        while True:
            event = await self._inbox.get()
            try:
                for handler in list(self._handlers):
                    try:
                        await handler(event)
                    except Exception:
                        log.exception("market event handler failed")
            finally:
                self._inbox.task_done()


def _kline_watch(client: Any, symbol: str, timeframe: Timeframe) -> Callable[[], Awaitable[Any]]:
    async def watch() -> Any:
        return await client.watch_ohlcv(symbol, timeframe.value)

    return watch


def _depth_watch(
    client: Any, symbol: str, name: str, levels: int, inbox: asyncio.Queue[MarketEvent]
) -> tuple[Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]]:
    async def watch() -> Any:
        return await client.watch_order_book(symbol, levels)

    async def on_book(book: Any) -> None:
        ts = int(book.get("timestamp") or time.time() * 1000)
        inbox.put_nowait(parsing.depth(name, book, ts, levels))

    return watch, on_book
