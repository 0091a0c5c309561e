"""The pre-trade check chain: every check must accept, the first rejection wins."""

from __future__ import annotations

from collections.abc import Sequence

from application import telemetry
from application.ports.risk import PreTradeCheck, RiskVerdict
from domain.instrument import Instrument
from domain.order import Order


class RiskChain:
    """Run pre-trade checks in order; an empty chain accepts everything."""

    def __init__(self, checks: Sequence[PreTradeCheck] = ()) -> None:
        self._checks = list(checks)

    def add(self, check: PreTradeCheck) -> None:
        self._checks.append(check)

    async def check(self, order: Order, instrument: Instrument) -> RiskVerdict:
        for check in self._checks:
            name = type(check).__name__
            with telemetry.span(f"risk.{name}", check=name) as span:
                verdict = await check.check(order, instrument)
                span.set_attributes(telemetry.verdict_attributes(verdict))
            if not verdict.accepted:
                return verdict
        return RiskVerdict.accept()
