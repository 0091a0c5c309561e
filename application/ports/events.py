"""Publishing events to whoever listens (StreamEvents, other replicas)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from application.events import Event


class EventPublisher(Protocol):
    async def publish(self, events: Sequence[Event]) -> None: ...


class EventSubscription(Protocol):
    def __aiter__(self) -> AsyncIterator[Event]: ...

    async def close(self) -> None: ...


class EventSource(Protocol):
    def subscribe(self) -> EventSubscription:
        """Return a live subscription to every event published from now on."""
        ...
