"""OutboxRelay with fakes: in order, once, and nothing lost while the bus is down."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from adapters.memory.event_bus import InMemoryEventBus
from adapters.memory.storage import InMemoryStore
from application.events import Event, order_updated
from application.ledger import Ledger, PositionDefaults
from application.outbox import OutboxRelay
from application.ports.outbox import EventBusUnavailable
from tests.contract.test_storage_contract import make_order


class FlakyBus:
    """A bus that is down until told otherwise and drops events it has already seen."""

    def __init__(self) -> None:
        self.down = False
        self.received: list[Event] = []

    async def publish(self, events: Sequence[Event]) -> None:
        if self.down:
            raise EventBusUnavailable("down")
        top = self.received[-1].sequence if self.received else 0
        self.received += [e for e in events if e.sequence > top]


class MemoryCursor:
    def __init__(self) -> None:
        self.value = 0
        self.saves = 0

    async def load(self) -> int:
        return self.value

    async def save(self, sequence: int) -> None:
        self.value = max(self.value, sequence)
        self.saves += 1


async def _orders(ledger: Ledger, numbers: range) -> None:
    for n in numbers:
        await ledger.record_new(make_order(n))


async def test_events_wait_in_the_journal_while_the_bus_is_down() -> None:
    store, bus, cursor = InMemoryStore(), FlakyBus(), MemoryCursor()
    ledger = Ledger(store.unit_of_work, InMemoryEventBus(), PositionDefaults())
    relay = OutboxRelay(store.unit_of_work, bus, cursor, poll_interval=0.01, max_backoff=0.02)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))

    await _orders(ledger, range(1, 3))
    bus.down = True
    await _orders(ledger, range(3, 6))
    await asyncio.sleep(0.05)
    assert relay.healthy is False
    bus.down = False
    for _ in range(100):
        if len(bus.received) == 5:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await task

    assert [e.sequence for e in bus.received] == [1, 2, 3, 4, 5]
    assert cursor.value == 5


async def test_a_restarted_relay_starts_after_the_saved_cursor() -> None:
    store, bus, cursor = InMemoryStore(), FlakyBus(), MemoryCursor()
    ledger = Ledger(store.unit_of_work, InMemoryEventBus(), PositionDefaults())
    await _orders(ledger, range(1, 4))
    cursor.value = 2
    relay = OutboxRelay(store.unit_of_work, bus, cursor)
    assert await relay.relay_once() == 1
    assert [e.sequence for e in bus.received] == [3]
    assert await relay.relay_once() == 0


class Journal:
    """A journal whose events can appear out of sequence order, as concurrent commits do."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    async def after(self, sequence: int, limit: int = 1000) -> list[Event]:
        return sorted((e for e in self.events if e.sequence > sequence), key=lambda e: e.sequence)

    def add(self, sequence: int) -> None:
        self.events.append(order_updated(make_order(sequence)).stored_as(sequence))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _relay(journal: Journal, bus: FlakyBus, clock: Clock) -> OutboxRelay:
    uow = _JournalUnitOfWork(journal)
    return OutboxRelay(lambda: uow, bus, MemoryCursor(), gap_grace=2.0, monotonic=clock)  # type: ignore[arg-type, return-value]


class _JournalUnitOfWork:
    def __init__(self, journal: Journal) -> None:
        self.events = journal

    async def __aenter__(self) -> _JournalUnitOfWork:
        return self

    async def __aexit__(self, *_: object) -> None:
        return None


async def test_a_later_commit_waits_for_an_earlier_sequence_still_in_flight() -> None:
    journal, bus, clock = Journal(), FlakyBus(), Clock()
    relay = _relay(journal, bus, clock)
    journal.add(1)
    journal.add(3)  # 2 is taken by a transaction that has not committed yet
    assert await relay.relay_once() == 1
    assert await relay.relay_once() == 0  # holds 3 back
    journal.add(2)  # the slow transaction commits
    assert await relay.relay_once() == 2
    assert [e.sequence for e in bus.received] == [1, 2, 3]


async def test_a_gap_that_never_fills_is_skipped_after_the_grace() -> None:
    journal, bus, clock = Journal(), FlakyBus(), Clock()
    relay = _relay(journal, bus, clock)
    journal.add(1)
    journal.add(3)  # 2 rolled back
    await relay.relay_once()
    assert await relay.relay_once() == 0
    clock.now = 1.9
    assert await relay.relay_once() == 0
    clock.now = 2.1
    assert await relay.relay_once() == 1
    assert [e.sequence for e in bus.received] == [1, 3]
