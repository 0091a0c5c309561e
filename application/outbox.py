"""The transactional outbox relay: publish the event journal to the bus, in order, once.

The ledger writes each event into the journal in the same transaction as the change
it describes; this relay reads the journal after its durable cursor and hands the
events to the bus. When the bus (or the database) is down it waits and retries, so
events are delayed, never lost. The bus must accept a repeated event (after a crash
between publishing and saving the cursor) without delivering it twice.
"""

from __future__ import annotations

import asyncio
import contextlib

from application.ledger import UnitOfWorkFactory
from application.ports.events import EventPublisher
from application.ports.outbox import EventBusUnavailable, RelayCursor
from application.ports.storage import StorageUnavailable

BATCH = 500


class OutboxRelay:
    """Move journal events to a bus; `run` until stopped, `wake` when new ones are in."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        bus: EventPublisher,
        cursor: RelayCursor,
        poll_interval: float = 0.5,
        max_backoff: float = 2.0,
    ) -> None:
        self._uow = uow
        self._bus = bus
        self._cursor = cursor
        self._poll = poll_interval
        self._max_backoff = max_backoff
        self._wake = asyncio.Event()
        self.published = 0
        self.healthy = True
        self.position: int | None = None

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        backoff = 0.05
        while not stop.is_set():
            try:
                if await self.relay_once():
                    backoff = 0.05
                    continue
                self.healthy = True
                await _wait(stop, self._wake, self._poll)
            except (EventBusUnavailable, StorageUnavailable):
                self.healthy = False
                await _wait(stop, None, backoff)
                backoff = min(backoff * 2, self._max_backoff)

    async def relay_once(self) -> int:
        """Publish one batch after the cursor; return how many events it held."""
        self._wake.clear()
        if self.position is None:
            self.position = await self._cursor.load()
        async with self._uow() as uow:
            batch = await uow.events.after(self.position, BATCH)
        if not batch:
            return 0
        await self._bus.publish(batch)
        self.position = batch[-1].sequence
        await self._cursor.save(self.position)  # lost on a crash: the bus drops repeats
        self.published += len(batch)
        self.healthy = True
        return len(batch)


async def _wait(stop: asyncio.Event, wake: asyncio.Event | None, seconds: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait())]
    if wake is not None:
        waiters.append(asyncio.ensure_future(wake.wait()))
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await waiter
