"""InMemoryRiskStore: the RiskStore fake for tests and backtests."""

from __future__ import annotations

from application.ports.risk_store import LimitChange
from domain.risk.halt import BreakerState, KillSwitch
from domain.risk.limits import RiskLimits


class InMemoryRiskStore:
    """RiskStore in a process's memory; `saves` counts writes for tests."""

    def __init__(self) -> None:
        self.limits: RiskLimits | None = None
        self.changes: list[LimitChange] = []
        self.kill_switch: KillSwitch | None = None
        self.breaker: BreakerState | None = None
        self.saves = 0

    async def load_limits(self) -> RiskLimits | None:
        return self.limits

    async def save_limits(self, limits: RiskLimits, changes: list[LimitChange]) -> None:
        self.limits = limits
        self.changes.extend(changes)
        self.saves += 1

    async def limit_changes(self, limit: int = 100) -> list[LimitChange]:
        return list(reversed(self.changes))[:limit]

    async def load_kill_switch(self) -> KillSwitch | None:
        return self.kill_switch

    async def save_kill_switch(self, kill_switch: KillSwitch) -> None:
        self.kill_switch = kill_switch
        self.saves += 1

    async def load_breaker(self) -> BreakerState | None:
        return self.breaker

    async def save_breaker(self, breaker: BreakerState) -> None:
        self.breaker = breaker
        self.saves += 1
