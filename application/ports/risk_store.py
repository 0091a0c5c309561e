"""Where the risk engine keeps its limits, their audit trail and its halts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.risk.halt import BreakerState, KillSwitch
from domain.risk.limits import RiskLimits


@dataclass(frozen=True, slots=True)
class LimitChange:
    """One audited change of one limit: who, when, from what to what."""

    name: str
    old: str
    new: str
    by: str
    at: int


class RiskStore(Protocol):
    """Persistent risk state; every write is durable when the call returns."""

    async def load_limits(self) -> RiskLimits | None:
        """Return the limits last saved, or None if none ever were."""
        ...

    async def save_limits(self, limits: RiskLimits, changes: list[LimitChange]) -> None:
        """Store `limits` and append `changes` to the audit trail, atomically."""
        ...

    async def limit_changes(self, limit: int = 100) -> list[LimitChange]:
        """Return the audit trail, newest first."""
        ...

    async def load_kill_switch(self) -> KillSwitch | None: ...

    async def save_kill_switch(self, kill_switch: KillSwitch) -> None: ...

    async def load_breaker(self) -> BreakerState | None: ...

    async def save_breaker(self, breaker: BreakerState) -> None: ...
