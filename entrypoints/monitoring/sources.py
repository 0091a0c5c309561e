"""Read the risk and strategy engines through the monitoring ports.

Glue between engines built by other parts of the service and the read-only
`RiskStatusSource` / `StrategyStatusSource` ports the dashboard and metrics use.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from decimal import Decimal

from application.ports.monitoring import LimitUsage, RiskStatus, StrategyStatus
from application.risk.report import GetRiskReport, RiskReport
from application.risk.state import RiskState
from application.strategy_engine import StrategyEngine
from application.use_cases.queries import Valuation
from domain.numbers import ZERO
from domain.risk.var import VarMethod

_HUNDRED = Decimal(100)


class RiskEngineStatus:
    """RiskStatusSource over the risk state, the book and (cached) the risk report.

    Halts and limit usage are fresh on every call; the report, which estimates VaR,
    is refreshed at most every `report_every_s` seconds.
    """

    def __init__(
        self,
        state: RiskState,
        valuation: Valuation,
        report: GetRiskReport,
        report_every_s: float = 10.0,
    ) -> None:
        self._state = state
        self._valuation = valuation
        self._report = report
        self._every = report_every_s
        self._var: Decimal | None = None
        self._at = float("-inf")

    async def risk_status(self) -> RiskStatus:
        if time.monotonic() - self._at >= self._every:
            self._var = _var(await self._report.execute())
            self._at = time.monotonic()
        state = self._state
        halted = state.kill_switch.reason if state.kill_switch.engaged else None
        if state.breaker.tripped:
            halted = halted or f"breaker: {state.breaker.reason}"
        return RiskStatus(
            kill_switch=state.kill_switch.engaged or state.breaker.tripped,
            halted_reason=halted,
            limits=await self._usage(),
            var=self._var,
        )

    async def _usage(self) -> tuple[LimitUsage, ...]:
        limits, breaker = self._state.limits, self._state.breaker
        views = await self._valuation.positions()
        equity = (await self._valuation.account()).margin_balance
        signed = [v.notional if v.position.quantity > 0 else -v.notional for v in views]
        gross = sum((abs(n) for n in signed), ZERO)
        usage = [
            LimitUsage("gross exposure", gross, limits.max_gross_exposure),
            LimitUsage("net exposure", abs(sum(signed, ZERO)), limits.max_net_exposure),
            LimitUsage(
                "position notional",
                max((abs(n) for n in signed), default=ZERO),
                limits.max_position_notional,
            ),
        ]
        if equity > ZERO:
            usage.append(LimitUsage("leverage", gross / equity, limits.max_leverage))
        if breaker.day_start_equity > ZERO:
            loss = max(breaker.day_start_equity - equity, ZERO)
            usage.append(LimitUsage("daily loss", loss, limits.daily_loss_limit))
        if breaker.peak_equity > ZERO:
            drawdown = max(breaker.peak_equity - equity, ZERO) / breaker.peak_equity * _HUNDRED
            usage.append(LimitUsage("drawdown %", drawdown, limits.max_drawdown_pct))
        return tuple(usage)


def _var(report: RiskReport) -> Decimal | None:
    for estimate in report.estimates:
        if estimate.method is VarMethod.HISTORICAL and estimate.confidence == 0.99:
            return Decimal(repr(estimate.var))
    return Decimal(repr(report.estimates[0].var)) if report.estimates else None


class StrategyEngineStatus:
    """StrategyStatusSource over the strategy engine's views."""

    def __init__(self, engine: StrategyEngine) -> None:
        self._engine = engine

    def strategy_statuses(self) -> Sequence[StrategyStatus]:
        statuses = []
        for view in self._engine.views():
            state = "error" if view.last_error else "running" if view.enabled else "stopped"
            last = view.last_signal
            statuses.append(
                StrategyStatus(
                    strategy_id=view.strategy_id,
                    state=state,
                    symbols=view.symbols,
                    regimes=view.regimes,
                    targets=view.targets,
                    last_signal=f"{last.symbol} {last.target:+.2f} {last.reason}" if last else None,
                    error=view.last_error,
                )
            )
        return statuses
