"""RiskService: proto → use case → proto, nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from application.ports.risk_store import LimitChange
from application.risk.halts import SetKillSwitch
from application.risk.limits_admin import GetLimits, SetLimits
from application.risk.report import GetRiskReport
from application.risk.state import RiskState
from autotrader.v1 import risk_pb2 as pb
from domain.errors import InvalidInput
from domain.risk.exposure import ExposureReport
from domain.risk.halt import BreakerState, KillSwitch
from domain.risk.limits import RiskLimits
from domain.risk.var import RiskEstimate, VarMethod
from entrypoints.grpc.principal import current_principal

_METHODS = {
    VarMethod.HISTORICAL: pb.VAR_METHOD_HISTORICAL,
    VarMethod.PARAMETRIC: pb.VAR_METHOD_PARAMETRIC,
    VarMethod.CORNISH_FISHER: pb.VAR_METHOD_CORNISH_FISHER,
    VarMethod.MONTE_CARLO: pb.VAR_METHOD_MONTE_CARLO,
}
MAX_HORIZON = 10_000


@dataclass(frozen=True, slots=True)
class RiskUseCases:
    report: GetRiskReport
    get_limits: GetLimits
    set_limits: SetLimits
    kill_switch: SetKillSwitch
    state: RiskState


class RiskServicer:
    def __init__(self, use_cases: RiskUseCases) -> None:
        self._uc = use_cases

    async def GetRiskReport(self, request: pb.GetRiskReportRequest, context: Any) -> Any:
        horizon = request.horizon or 1
        if not 1 <= horizon <= MAX_HORIZON:
            raise InvalidInput("horizon", f"must be between 1 and {MAX_HORIZON}, got {horizon}")
        report = await self._uc.report.execute(horizon)
        return pb.GetRiskReportResponse(
            exposure=exposure_pb(report.exposure),
            var=[var_pb(e) for e in report.estimates],
            returns_source=report.returns_source,
            returns_period=report.returns_period,
            observations=report.observations,
            note=report.note,
            halt=halt_pb(report.kill_switch, report.breaker),
        )

    async def GetLimits(self, request: pb.GetLimitsRequest, context: Any) -> Any:
        if request.audit_limit < 0:
            raise InvalidInput("audit_limit", f"must be >= 0, got {request.audit_limit}")
        limits, audit = await self._uc.get_limits.execute(request.audit_limit or 20)
        return pb.GetLimitsResponse(limits=limits_pb(limits), audit=[change_pb(c) for c in audit])

    async def SetLimits(self, request: pb.SetLimitsRequest, context: Any) -> Any:
        limits, changes = await self._uc.set_limits.execute(
            dict(request.limits), current_principal()
        )
        return pb.SetLimitsResponse(
            limits=limits_pb(limits), changes=[change_pb(c) for c in changes]
        )

    async def SetKillSwitch(self, request: pb.SetKillSwitchRequest, context: Any) -> Any:
        outcome = await self._uc.kill_switch.execute(
            request.engaged, current_principal(), request.reason, request.flatten
        )
        return pb.SetKillSwitchResponse(
            halt=halt_pb(outcome.kill_switch, self._uc.state.breaker),
            canceled_order_ids=outcome.flatten.canceled,
            closing_order_ids=[o.order_id for o in outcome.flatten.closing_orders],
            errors=outcome.flatten.errors,
        )


def _s(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f") if value.is_finite() else str(value)


def exposure_pb(report: ExposureReport) -> pb.RiskExposureSummary:
    return pb.RiskExposureSummary(
        symbols=[
            pb.RiskSymbolExposure(
                symbol=e.symbol,
                net_notional=_s(e.net_notional),
                long_notional=_s(e.long_notional),
                short_notional=_s(e.short_notional),
                gross_notional=_s(e.gross_notional),
                unrealized_pnl=_s(e.unrealised_pnl),
                leverage=_s(e.leverage),
                maintenance_margin=_s(e.maintenance_margin),
                liquidation_distance_pct=_s(_round(e.liquidation_distance_pct)),
            )
            for e in report.symbols
        ],
        equity=_s(report.equity),
        long_notional=_s(report.long_notional),
        short_notional=_s(report.short_notional),
        gross_notional=_s(report.gross_notional),
        net_notional=_s(report.net_notional),
        leverage=_s(_round(report.leverage)),
        net_leverage=_s(_round(report.net_leverage)),
        margin_ratio=_s(_round(report.margin_ratio)),
        unrealized_pnl=_s(report.unrealised_pnl),
    )


def _round(value: Decimal | None, places: int = 6) -> Decimal | None:
    if value is None or not value.is_finite():
        return value
    return round(value, places)


def var_pb(estimate: RiskEstimate) -> pb.RiskVarEstimate:
    return pb.RiskVarEstimate(
        method=_METHODS.get(estimate.method, pb.VAR_METHOD_UNSPECIFIED),
        confidence=estimate.confidence,
        horizon=estimate.horizon,
        var=f"{estimate.var:.2f}",
        cvar=f"{estimate.cvar:.2f}",
    )


def halt_pb(kill: KillSwitch, breaker: BreakerState) -> pb.RiskHaltStatus:
    return pb.RiskHaltStatus(
        kill_switch=kill.engaged,
        kill_switch_by=kill.by,
        kill_switch_changed_at_ms=kill.at,
        kill_switch_reason=kill.reason,
        breaker_tripped=breaker.tripped,
        breaker_reason=breaker.reason,
        breaker_tripped_at_ms=breaker.tripped_at,
        peak_equity=_s(breaker.peak_equity),
        day_start_equity=_s(breaker.day_start_equity),
    )


def limits_pb(limits: RiskLimits) -> list[pb.RiskLimit]:
    return [pb.RiskLimit(name=n, value=v) for n, v in limits.as_text().items()]


def change_pb(change: LimitChange) -> pb.RiskLimitChange:
    return pb.RiskLimitChange(
        name=change.name,
        old_value=change.old,
        new_value=change.new,
        changed_by=change.by,
        changed_at_ms=change.at,
    )
