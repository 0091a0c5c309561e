"""The candle-driven paper feed: one minute of 1m candles per tick, prices and all.

Each step takes the next minute's bars of every symbol, sets them as the simulated
venue's last prices (so fills happen at candle prices), ticks the venue at the bars'
close time, and only then hands the bars to the market-data pipeline: a strategy
deciding on a bar trades at that bar's close, never earlier.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal

from adapters.simulated.exchange import PriceSource, SimulatedExchange
from application.ports.candles import CandleStore
from application.ports.market_data import MarketEventHandler
from domain.instrument import Instrument
from domain.market.candles import MINUTE_MS, Candle, Timeframe
from domain.market.synthetic import generate
from domain.numbers import round_to

Minute = list[Candle]


class CandlePrices:
    """PriceSource: the latest candle close per symbol, rounded to the tick.

    Before a symbol's first candle it answers from `fallback` (if any).
    """

    def __init__(
        self,
        symbols: Iterable[str],
        instruments: Iterable[Instrument],
        fallback: PriceSource | None = None,
    ) -> None:
        self._symbols = tuple(symbols)
        self._ticks = {i.symbol: i.tick_size for i in instruments}
        self._fallback = fallback
        self._last: dict[str, Decimal] = {}

    @property
    def symbols(self) -> Sequence[str]:
        """Return the symbols that have a price: all of them once there is a fallback."""
        if self._fallback is not None or len(self._last) == len(self._symbols):
            return self._symbols
        return tuple(s for s in self._symbols if s in self._last)

    def set(self, candle: Candle) -> None:
        tick = self._ticks[candle.symbol]
        self._last[candle.symbol] = max(round_to(Decimal(repr(candle.close)), tick), tick)

    def price_at(self, symbol: str, ts: int) -> Decimal:
        price = self._last.get(symbol)
        if price is not None:
            return price
        if self._fallback is None:
            raise LookupError(f"no candle for {symbol} yet")
        return self._fallback.price_at(symbol, ts)


def synthetic_minutes(
    symbols: Sequence[str], start_ms: int, minutes: int, seed: int, base: Mapping[str, float]
) -> Iterator[Minute]:
    """Yield the synthetic generator's bars grouped by minute, all symbols together."""
    bars = generate(symbols, start_ms, minutes, seed, base)
    for _, group in itertools.groupby(bars, key=lambda c: c.open_time):
        yield list(group)


async def stored_minutes(
    store: CandleStore, symbols: Sequence[str], start_ms: int, chunk_minutes: int = 1440
) -> AsyncIterator[Minute]:
    """Yield stored 1m bars of `symbols` from `start_ms` on, grouped by minute."""
    ends = [await store.last_open_time(s, Timeframe.M1) for s in symbols]
    last = max((e for e in ends if e is not None), default=None)
    at = start_ms
    while last is not None and at <= last:
        end = at + chunk_minutes * MINUTE_MS
        by_time: dict[int, Minute] = {}
        for symbol in symbols:
            for bar in await store.range(symbol, Timeframe.M1, at, end):
                by_time.setdefault(bar.open_time, []).append(bar)
        for open_time in sorted(by_time):
            yield by_time[open_time]
        at = end


class PaperCandleFeed:
    """MarketDataFeed that replays minutes of candles into the venue and the pipeline."""

    def __init__(
        self,
        minutes: AsyncIterator[Minute] | Iterator[Minute],
        prices: CandlePrices,
        exchange: SimulatedExchange,
        interval_ms: int = 1000,
        history: CandleStore | None = None,
    ) -> None:
        self._minutes = minutes
        self._prices = prices
        self._exchange = exchange
        self._interval_s = interval_ms / 1000
        self._history = history
        self._handlers: list[MarketEventHandler] = []
        self.steps = 0
        self.last_time: int | None = None

    def subscribe_market(self, handler: MarketEventHandler) -> None:
        self._handlers.append(handler)

    async def fetch_candles(
        self, symbol: str, timeframe: Timeframe, start_ms: int, end_ms: int
    ) -> Sequence[Candle]:
        if self._history is None:
            return []
        return await self._history.range(symbol, timeframe, start_ms, end_ms)

    async def step(self) -> bool:
        """Replay the next minute; return False once the source is exhausted."""
        minute = await self._next()
        if minute is None:
            return False
        for bar in minute:
            self._prices.set(bar)
        close = minute[0].open_time + MINUTE_MS
        await self._exchange.tick(close)
        for bar in minute:
            for handler in list(self._handlers):
                await handler(bar)
        self.steps += 1
        self.last_time = minute[0].open_time
        return True

    async def prime(self) -> bool:
        """Replay the first minute, so the venue has candle prices before any order."""
        return await self.step()

    async def run(self, stop: asyncio.Event) -> None:
        """Step once per interval until the source ends or `stop` is set."""
        while not stop.is_set() and await self.step():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._interval_s)

    async def _next(self) -> Minute | None:
        source = self._minutes
        if isinstance(source, Iterator):
            return next(source, None)
        try:
            return await anext(source)
        except StopAsyncIteration:
            return None
