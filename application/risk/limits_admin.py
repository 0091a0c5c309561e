"""Read and change the limits in force; every change is persisted and audited."""

from __future__ import annotations

from collections.abc import Mapping

from application.ports.clock import Clock
from application.ports.risk_store import LimitChange
from application.risk.state import RiskState
from domain.errors import InvalidInput
from domain.risk.limits import RiskLimits


class GetLimits:
    def __init__(self, state: RiskState) -> None:
        self._state = state

    async def execute(self, audit: int = 20) -> tuple[RiskLimits, list[LimitChange]]:
        """Return the limits in force and the newest `audit` changes."""
        return self._state.limits, await self._state.audit(audit)


class SetLimits:
    """Change named limits (given as text), all or none; record who changed what."""

    def __init__(self, state: RiskState, clock: Clock) -> None:
        self._state = state
        self._clock = clock

    async def execute(
        self, changes: Mapping[str, str], by: str
    ) -> tuple[RiskLimits, list[LimitChange]]:
        if not changes:
            raise InvalidInput("limits", "name at least one limit to change")
        limits = self._state.limits.with_changes(changes)
        return limits, await self._state.set_limits(limits, by, self._clock.now_ms())
