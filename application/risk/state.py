"""The risk engine's live state: the limits in force and the halts, kept in step with storage."""

from __future__ import annotations

from application.ports.risk_store import LimitChange, RiskStore
from domain.risk.halt import BreakerState, KillSwitch
from domain.risk.limits import RiskLimits


class RiskState:
    """Hold the limits, kill switch and breaker in memory; write every change through.

    Checks read it on every order without touching storage; `load` restores it at
    start, so halts and run-time limit changes survive a restart.
    """

    def __init__(self, store: RiskStore, limits: RiskLimits | None = None) -> None:
        self._store = store
        self.limits = limits or RiskLimits()
        self.kill_switch = KillSwitch()
        self.breaker = BreakerState()

    @property
    def halted(self) -> bool:
        """Tell whether new risk is blocked (kill switch on or breaker tripped)."""
        return self.kill_switch.engaged or self.breaker.tripped

    async def load(self, configured: RiskLimits) -> bool:
        """Restore the stored state; return True when stored limits override `configured`."""
        stored = await self._store.load_limits()
        self.limits = stored or configured
        self.kill_switch = await self._store.load_kill_switch() or KillSwitch()
        self.breaker = await self._store.load_breaker() or BreakerState()
        return stored is not None

    async def refresh(self) -> None:
        """Re-read what another process (a scheduler beside the server) may have changed."""
        self.limits = await self._store.load_limits() or self.limits
        self.kill_switch = await self._store.load_kill_switch() or self.kill_switch
        self.breaker = await self._store.load_breaker() or self.breaker

    async def set_limits(self, limits: RiskLimits, by: str, at: int) -> list[LimitChange]:
        """Put `limits` in force, persisting them with one audit row per changed limit."""
        old, new = self.limits.as_text(), limits.as_text()
        changes = [LimitChange(n, old[n], new[n], by, at) for n in new if old[n] != new[n]]
        if changes:
            await self._store.save_limits(limits, changes)
        self.limits = limits
        return changes

    async def set_kill_switch(self, kill_switch: KillSwitch) -> None:
        await self._store.save_kill_switch(kill_switch)
        self.kill_switch = kill_switch

    async def set_breaker(self, breaker: BreakerState) -> None:
        await self._store.save_breaker(breaker)
        self.breaker = breaker

    async def audit(self, limit: int = 100) -> list[LimitChange]:
        return await self._store.limit_changes(limit)
