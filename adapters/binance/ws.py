"""WebSocket clients over ccxt.pro: the user-data stream and the market streams.

ccxt.pro merges order updates into a cache, which can fold two quick updates of
one order into one. The user stream therefore taps the raw ORDER_TRADE_UPDATE /
ALGO_UPDATE events as ccxt receives them, so no partial fill is ever lost, and
uses ccxt only for the connection, listen key, keep-alive and resubscription.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable
from typing import Any

import ccxt.pro as ccxtpro
import structlog

from adapters.binance.config import BinanceConfig

log = structlog.get_logger("binance.ws")
RawHandler = Callable[[dict[str, Any]], None]
_MARKET_EVENTS = frozenset({"kline", "bookTicker", "markPriceUpdate"})


class _TappedBinance(ccxtpro.binanceusdm):  # type: ignore[misc]
    """ccxt.pro's binanceusdm that also hands every raw user event to `tap`."""

    def __init__(self, config: dict[str, Any], tap: RawHandler, connected: asyncio.Event) -> None:
        super().__init__(config)
        self._tap = tap
        self._connected_event = connected

    market_tap: RawHandler | None = None

    def handle_order_update(self, client: Any, message: dict[str, Any]) -> None:
        self._tap(message)
        super().handle_order_update(client, message)

    def handle_message(self, client: Any, message: Any) -> None:
        if self.market_tap is not None and isinstance(message, dict):
            event = message.get("data", message)
            if isinstance(event, dict) and event.get("e") in _MARKET_EVENTS:
                self.market_tap(event)
        super().handle_message(client, message)

    def on_connected(self, client: Any, message: Any = None) -> None:
        super().on_connected(client, message)
        self._connected_event.set()


class StreamLoop:
    """Keep one watch running: reconnect with jittered backoff, then call `on_reconnect`."""

    def __init__(
        self,
        name: str,
        watch: Callable[[], Awaitable[Any]],
        on_item: Callable[[Any], Awaitable[None]] | None = None,
        on_reconnect: Callable[[], Awaitable[None]] | None = None,
        connected: asyncio.Event | None = None,
        backoff_cap_s: float = 5.0,
        on_reconnected: Callable[[str], None] | None = None,
    ) -> None:
        self.name = name
        self._on_reconnected = on_reconnected
        self._watch = watch
        self._on_item = on_item
        self._on_reconnect = on_reconnect
        self._connected = connected
        self._cap = backoff_cap_s
        self.reconnects = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"binance-{self.name}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                item = await self._watch()
                failures = 0
                if self._on_item is not None:
                    await self._on_item(item)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # ccxt's, the network's: all mean reconnect
                failures += 1
                delay = random.uniform(0, min(self._cap, 0.05 * 2**failures))
                log.warning(
                    "stream dropped",
                    stream=self.name,
                    error=type(error).__name__,
                    retry_in_s=round(delay, 3),
                )
                await asyncio.sleep(delay)
                await self._resubscribe()

    async def _resubscribe(self) -> None:
        if self._connected is not None:
            self._connected.clear()
        watch = asyncio.ensure_future(self._watch())
        if self._connected is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._connected.wait(), 5.0)
        self.reconnects += 1
        if self._on_reconnected is not None:
            self._on_reconnected(self.name)
        if self._on_reconnect is not None:
            try:
                await self._on_reconnect()
            except Exception:
                log.exception("back-fill after reconnect failed", stream=self.name)
        try:
            item = await watch
        except asyncio.CancelledError:
            raise
        except Exception:
            return  # the outer loop counts it and tries again
        if self._on_item is not None:
            await self._on_item(item)


class BinanceStreams:
    """Own the ccxt.pro instance: the user-data stream and the market-data watches."""

    def __init__(
        self,
        config: BinanceConfig,
        on_user_event: RawHandler,
        on_reconnected: Callable[[str], None] | None = None,
    ) -> None:
        self._on_reconnected = on_reconnected
        self.connected = asyncio.Event()
        self.client = _TappedBinance(config.ccxt_options(), on_user_event, self.connected)
        self.client.options["timeDifference"] = 0
        self._loops: list[StreamLoop] = []

    def set_time_offset(self, offset_ms: int) -> None:
        self.client.options["timeDifference"] = -offset_ms

    def user_stream(self, on_reconnect: Callable[[], Awaitable[None]]) -> StreamLoop:
        loop = StreamLoop(
            "user",
            self.client.watch_orders,
            None,
            on_reconnect,
            self.connected,
            on_reconnected=self._on_reconnected,
        )
        self._loops.append(loop)
        return loop

    def mark_prices(
        self, symbols: list[str], on_item: Callable[[Any], Awaitable[None]]
    ) -> StreamLoop:
        loop = StreamLoop(
            "mark-price",
            lambda: self.client.watch_mark_prices(symbols),
            on_item,
            on_reconnected=self._on_reconnected,
        )
        self._loops.append(loop)
        return loop

    def loop(
        self,
        name: str,
        watch: Callable[[], Awaitable[Any]],
        on_item: Callable[[Any], Awaitable[None]] | None = None,
    ) -> StreamLoop:
        """Keep `watch` subscribed; `on_item` gets each result (else the raw tap delivers)."""
        loop = StreamLoop(name, watch, on_item, on_reconnected=self._on_reconnected)
        self._loops.append(loop)
        return loop

    async def close(self) -> None:
        for loop in self._loops:
            await loop.stop()
        await self.client.close()
