"""SimulatedExchange: the Exchange and PriceFeed ports over the simulated matching core.

Everything runs on the event loop's thread and no venue mutation awaits half way,
so orders submitted while the tick loop runs see a consistent venue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from decimal import Decimal
from typing import Protocol, TypeVar

from adapters.simulated.config import VenueConfig
from adapters.simulated.matching import SimulatedVenue
from application.ports.clock import Clock
from application.ports.market_data import PriceHandler, PriceUpdate
from application.ports.venue import ExecutionReport, VenueEvent, VenueEventHandler
from domain.instrument import Instrument
from domain.order import Order
from domain.position import Position

_log = logging.getLogger(__name__)
T = TypeVar("T")


class PriceSource(Protocol):
    """Where the paper venue's prices come from (the deterministic replay)."""

    @property
    def symbols(self) -> Sequence[str]: ...

    def price_at(self, symbol: str, ts: int) -> Decimal: ...


def paper_venue(
    instruments: Iterable[Instrument],
    wallet: Decimal,
    clock: Clock,
    config: VenueConfig | None = None,
) -> SimulatedVenue:
    """Build a core whose ids never repeat those of an earlier run on the same clock.

    Ids start at now × 1000, so they stay unique across restarts as long as a run
    hands out fewer than a thousand ids per millisecond it lives.
    """
    return SimulatedVenue(instruments, wallet, config, first_id=clock.now_ms() * 1000)


class SimulatedExchange:
    """The paper venue: implements Exchange and PriceFeed over a SimulatedVenue."""

    def __init__(
        self,
        core: SimulatedVenue,
        prices: PriceSource,
        clock: Clock,
        interval_ms: int = 1000,
    ) -> None:
        if interval_ms <= 0:
            raise ValueError(f"interval_ms must be > 0, got {interval_ms}")
        self._core = core
        self._prices = prices
        self._clock = clock
        self._interval_s = interval_ms / 1000
        self._handlers: list[VenueEventHandler] = []
        self._price_handlers: list[PriceHandler] = []

    @property
    def venue(self) -> str:
        return "simulated"

    @property
    def core(self) -> SimulatedVenue:
        """The matching core, for reading the venue's own wallet and positions."""
        return self._core

    async def load_instruments(self) -> Sequence[Instrument]:
        return self._core.instruments

    async def submit_order(self, order: Order) -> Sequence[ExecutionReport]:
        return self._core.submit(order, self._clock.now_ms())

    async def cancel_order(self, order: Order) -> Sequence[ExecutionReport]:
        return self._core.cancel(order.client_order_id, self._clock.now_ms())

    def subscribe(self, handler: VenueEventHandler) -> None:
        self._handlers.append(handler)

    def subscribe_prices(self, handler: PriceHandler) -> None:
        self._price_handlers.append(handler)

    def restore(
        self, wallet: Decimal, positions: Iterable[Position], open_orders: Iterable[Order]
    ) -> None:
        """Put a saved account back into the venue after a restart."""
        self._core.restore(wallet, positions, open_orders)

    async def tick(self, ts: int) -> list[VenueEvent]:
        """Price every symbol at `ts`, then deliver the prices and then the venue events."""
        updates: list[PriceUpdate] = []
        events: list[VenueEvent] = []
        for symbol in self._prices.symbols:
            price = self._prices.price_at(symbol, ts)
            updates.append(PriceUpdate(symbol, price, ts))
            events.extend(self._core.on_price(symbol, price, ts))
        for update in updates:
            await _deliver(self._price_handlers, update)
        for event in events:
            await _deliver(self._handlers, event)
        return events

    async def run(self, stop_event: asyncio.Event) -> None:
        """Tick every `interval_ms` on the clock until `stop_event` is set."""
        while not stop_event.is_set():
            await self.tick(self._clock.now_ms())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop_event.wait(), self._interval_s)


async def _deliver(handlers: Sequence[Callable[[T], Awaitable[None]]], item: T) -> None:
    # One failing subscriber must neither starve the others nor stop the venue.
    for handler in list(handlers):
        try:
            await handler(item)
        except Exception:
            _log.exception("simulated venue subscriber %r failed on %r", handler, item)
