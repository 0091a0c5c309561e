"""StrategyService: proto → strategy engine → proto, nothing more."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from application.strategy_engine import StrategyEngine, StrategyView
from autotrader.v1 import strategy_pb2 as pb
from domain.errors import InvalidInput
from domain.strategies import Signal


class StrategyServicer:
    def __init__(self, engine: StrategyEngine, warm_store: Any = None) -> None:
        self._engine = engine
        self._store = warm_store

    async def ListStrategies(self, request: pb.ListStrategiesRequest, context: Any) -> Any:
        return pb.ListStrategiesResponse(strategies=[summary_pb(v) for v in self._engine.views()])

    async def StartStrategy(self, request: pb.StartStrategyRequest, context: Any) -> Any:
        view = await self._engine.start(_required(request.strategy_id))
        return pb.StartStrategyResponse(strategy=summary_pb(view))

    async def StopStrategy(self, request: pb.StopStrategyRequest, context: Any) -> Any:
        view = await self._engine.stop(_required(request.strategy_id))
        return pb.StopStrategyResponse(strategy=summary_pb(view))

    async def UpdateParameters(self, request: pb.UpdateParametersRequest, context: Any) -> Any:
        strategy_id = _required(request.strategy_id)
        if not request.params:
            raise InvalidInput("params", "give at least one parameter to change")
        changes = parse_values(request.params)
        view = await self._engine.update_parameters(strategy_id, changes, self._store)
        return pb.UpdateParametersResponse(state=state_pb(view))

    async def GetStrategyState(self, request: pb.GetStrategyStateRequest, context: Any) -> Any:
        view = self._engine.view(_required(request.strategy_id))
        return pb.GetStrategyStateResponse(state=state_pb(view))


def _required(strategy_id: str) -> str:
    if not strategy_id.strip():
        raise InvalidInput("strategy_id", "is required")
    return strategy_id.strip()


def parse_values(params: Mapping[str, str]) -> dict[str, Any]:
    """Read each value as JSON when it is JSON ("12", "true"), else as a bare string."""
    out: dict[str, Any] = {}
    for name, text in params.items():
        try:
            out[name] = json.loads(text)
        except ValueError:
            out[name] = text
    return out


def summary_pb(view: StrategyView) -> pb.StrategySummary:
    return pb.StrategySummary(
        strategy_id=view.strategy_id,
        enabled=view.enabled,
        symbols=list(view.symbols),
        timeframe=view.timeframe.value,
        capital=_num(view.capital),
        targets={s: _num(t) for s, t in view.targets.items()},
        regimes=view.regimes,
    )


def state_pb(view: StrategyView) -> pb.StrategyState:
    state = pb.StrategyState(
        summary=summary_pb(view),
        params={k: json.dumps(v) for k, v in view.params.items()},
        indicators={
            k: _num(v) if isinstance(v, float) else str(v) for k, v in view.indicators.items()
        },
        last_error=view.last_error or "",
    )
    if view.last_signal is not None:
        state.last_signal.CopyFrom(signal_pb(view.last_signal))
    return state


def signal_pb(signal: Signal) -> pb.StrategySignal:
    return pb.StrategySignal(
        symbol=signal.symbol,
        ts=signal.ts,
        target=_num(signal.target),
        reason=signal.reason,
        legs={s: _num(t) for s, t in signal.legs},
    )


def _num(value: float) -> str:
    return f"{value:.10g}"
