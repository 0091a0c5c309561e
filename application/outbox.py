"""The transactional outbox relay: publish the event journal to the bus, in order, once.

The ledger writes each event into the journal in the same transaction as the change
it describes; this relay reads the journal after its durable cursor and hands the
events to the bus. When the bus (or the database) is down it waits and retries, so
events are delayed, never lost. The bus must accept a repeated event (after a crash
between publishing and saving the cursor) without delivering it twice.

Events go out strictly in sequence order. A missing sequence number is either a
transaction that has not committed yet (two writers without the leader lock) or one
that rolled back; the relay waits `gap_grace` seconds for it before skipping it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from application.events import Event
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
        gap_grace: float = 2.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._uow = uow
        self._bus = bus
        self._cursor = cursor
        self._poll = poll_interval
        self._max_backoff = max_backoff
        self._wake = asyncio.Event()
        self._gap_grace = gap_grace
        self._monotonic = monotonic
        self._gap_since: float | None = None
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
        ready = _contiguous(batch, self.position)
        if batch and not ready:
            if not self._gap_expired():
                return 0
            ready = _contiguous(batch, batch[0].sequence - 1)  # the gap was rolled back
        self._gap_since = None
        if not ready:
            return 0
        await self._bus.publish(ready)
        self.position = ready[-1].sequence
        await self._cursor.save(self.position)  # lost on a crash: the bus drops repeats
        self.published += len(ready)
        self.healthy = True
        return len(ready)

    def _gap_expired(self) -> bool:
        # The next sequence is missing: a transaction still open (its commit will fill
        # it) or one rolled back (never filled). Wait `gap_grace` before giving it up.
        now = self._monotonic()
        if self._gap_since is None:
            self._gap_since = now
        return now - self._gap_since >= self._gap_grace


def _contiguous(batch: list[Event], after: int) -> list[Event]:
    """Return the leading events of `batch` that follow `after` without a gap."""
    ready: list[Event] = []
    for event in batch:
        if event.sequence != after + 1:
            break
        ready.append(event)
        after = event.sequence
    return ready


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
