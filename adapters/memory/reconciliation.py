"""In-memory DiscrepancyLog and a publisher that logs and fans out to listeners."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import structlog

from application.ports.reconciliation import Discrepancy

log = structlog.get_logger("reconciliation")
Listener = Callable[[Sequence[Discrepancy]], Awaitable[None]]


class InMemoryDiscrepancyLog:
    def __init__(self) -> None:
        self.items: list[Discrepancy] = []

    async def record(self, discrepancies: Sequence[Discrepancy]) -> None:
        self.items.extend(discrepancies)

    async def recent(self, limit: int = 100) -> list[Discrepancy]:
        return list(reversed(self.items))[:limit]


class LoggingDiscrepancyPublisher:
    """Log every discrepancy (warning level) and pass them to registered listeners."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def listen(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def publish_discrepancies(self, discrepancies: Sequence[Discrepancy]) -> None:
        for d in discrepancies:
            log.warning(
                "reconciliation discrepancy",
                kind=d.kind.value,
                subject=d.subject,
                local=d.local,
                exchange=d.exchange,
                action=d.action,
            )
        for listener in list(self._listeners):
            await listener(discrepancies)
