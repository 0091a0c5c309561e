"""What the outbox relay needs besides the journal: a durable cursor and a bus that may fail."""

from __future__ import annotations

from typing import Protocol


class EventBusUnavailable(Exception):
    """The event bus cannot be reached; what was not published must be retried."""


class RelayCursor(Protocol):
    """How far the relay has published the journal, kept across restarts."""

    async def load(self) -> int:
        """Return the sequence of the last event published, 0 before the first."""
        ...

    async def save(self, sequence: int) -> None:
        """Record that every event up to `sequence` is published (never moves back)."""
        ...
