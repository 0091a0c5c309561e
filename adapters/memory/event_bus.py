"""An in-process event bus: every subscriber gets every event published after it joined."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

from application.events import Event


class SubscriptionLagged(Exception):
    """A subscriber fell so far behind that its queue overflowed; it must resubscribe."""


class _Subscription:
    def __init__(self, bus: InMemoryEventBus, capacity: int) -> None:
        self._bus = bus
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue(capacity)
        self.lagged = False

    def offer(self, event: Event) -> None:
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            # Dropping silently would hide a gap: end the stream so the client resumes
            # from the journal by sequence number instead.
            self.lagged = True
            self._bus.remove(self)
            self._queue.get_nowait()
            self._queue.put_nowait(None)

    async def __aiter__(self) -> AsyncIterator[Event]:
        while True:
            event = await self._queue.get()
            if event is None:
                if self.lagged:
                    raise SubscriptionLagged("event subscriber fell behind; resubscribe")
                return
            yield event

    async def close(self) -> None:
        self._bus.remove(self)
        if self._queue.full():
            self._queue.get_nowait()
        self._queue.put_nowait(None)


class InMemoryEventBus:
    """Fan events out to live subscribers; implements EventPublisher and EventSource."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._subscriptions: list[_Subscription] = []

    async def publish(self, events: Sequence[Event]) -> None:
        for subscription in list(self._subscriptions):
            for event in events:
                subscription.offer(event)

    def subscribe(self) -> _Subscription:
        subscription = _Subscription(self, self._capacity)
        self._subscriptions.append(subscription)
        return subscription

    def remove(self, subscription: _Subscription) -> None:
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscriptions)
