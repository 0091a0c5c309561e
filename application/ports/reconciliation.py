"""Where reconciliation's findings go: a durable log and whoever listens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class DiscrepancyKind(StrEnum):
    ORDER_UNKNOWN_TO_EXCHANGE = "order.unknown_to_exchange"
    ORDER_UNKNOWN_LOCALLY = "order.unknown_locally"
    ORDER_STATUS = "order.status"
    ORDER_FILLS = "order.fills"
    POSITION = "position"
    BALANCE = "balance"


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """One difference between our books and the exchange's, and what was done about it."""

    kind: DiscrepancyKind
    subject: str  # a client order id, a symbol or an asset
    local: str
    exchange: str
    action: str
    ts: int


class DiscrepancyLog(Protocol):
    async def record(self, discrepancies: Sequence[Discrepancy]) -> None: ...

    async def recent(self, limit: int = 100) -> list[Discrepancy]:
        """Return the latest discrepancies, newest first."""
        ...


class DiscrepancyPublisher(Protocol):
    async def publish_discrepancies(self, discrepancies: Sequence[Discrepancy]) -> None: ...
