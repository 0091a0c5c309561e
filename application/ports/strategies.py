"""What survives a restart of the strategy engine: enablement and parameters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class StoredStrategy:
    """A strategy's persisted switch and the parameters it last ran with."""

    strategy_id: str
    enabled: bool
    params: Mapping[str, Any] = field(default_factory=dict)
    updated_at: int = 0


class StrategyStateStore(Protocol):
    async def load(self) -> dict[str, StoredStrategy]:
        """Return every stored strategy by id."""
        ...

    async def save(self, state: StoredStrategy) -> None:
        """Insert or replace one strategy's state."""
        ...


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    """The account and its open positions at one moment, for history and reports."""

    ts: int
    wallet_balance: Decimal
    margin_balance: Decimal
    unrealized_pnl: Decimal
    available_balance: Decimal
    positions: Mapping[str, Decimal] = field(default_factory=dict)


class SnapshotStore(Protocol):
    async def add(self, snapshot: AccountSnapshot) -> None: ...

    async def list(self, since_ms: int = 0, limit: int = 1000) -> list[AccountSnapshot]:
        """Return snapshots taken at or after `since_ms`, oldest first."""
        ...
