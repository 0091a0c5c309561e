"""The risk report: exposure of the current book, and its VaR and CVaR."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from application.ports.candles import CandleStore
from application.ports.clock import Clock
from application.risk.history import PriceHistory, ReturnSample, candle_returns
from application.risk.state import RiskState
from application.use_cases.queries import Valuation
from domain.market.candles import Timeframe
from domain.risk.exposure import ExposureReport, PositionSnapshot, exposure_report
from domain.risk.halt import BreakerState, KillSwitch
from domain.risk.limits import RiskLimits
from domain.risk.var import (
    RiskEstimate,
    cornish_fisher_var,
    historical_var,
    monte_carlo_var,
    parametric_var,
)

CONFIDENCES = (0.95, 0.99)
MIN_OBSERVATIONS = 30


@dataclass(frozen=True, slots=True)
class RiskReport:
    """Exposure, VaR/CVaR estimates (empty when history is too short) and the halts."""

    exposure: ExposureReport
    estimates: tuple[RiskEstimate, ...]
    returns_source: str
    returns_period: str
    observations: int
    note: str
    limits: RiskLimits
    kill_switch: KillSwitch
    breaker: BreakerState


class GetRiskReport:
    """Value the book at the marks and estimate VaR from stored candles or sampled marks."""

    def __init__(
        self,
        valuation: Valuation,
        state: RiskState,
        history: PriceHistory,
        clock: Clock,
        candles: CandleStore | None = None,
        timeframes: tuple[Timeframe, ...] = (Timeframe.H1, Timeframe.M1),
        bars: int = 720,
        paths: int = 20_000,
        seed: int = 7,
    ) -> None:
        self._valuation = valuation
        self._state = state
        self._history = history
        self._clock = clock
        self._candles = candles
        self._timeframes = timeframes
        self._bars = bars
        self._paths = paths
        self._seed = seed

    async def execute(self, horizon: int = 1) -> RiskReport:
        views = await self._valuation.positions()
        account = await self._valuation.account()
        snapshots = [
            PositionSnapshot.of(
                v.position.symbol,
                v.position.quantity,
                v.mark_price or v.position.entry_price,
                v.position.entry_price,
                v.position.leverage,
                v.maintenance_margin,
                v.liquidation_price,
            )
            for v in views
        ]
        exposure = exposure_report(snapshots, account.margin_balance)
        values = {s.symbol: float(s.quantity * s.mark_price) for s in snapshots}
        sample = await self._returns(sorted(values))
        estimates, note = self._estimates(sample, values, horizon)
        return RiskReport(
            exposure,
            estimates,
            sample.source,
            sample.period,
            int(sample.returns.shape[0]),
            note,
            self._state.limits,
            self._state.kill_switch,
            self._state.breaker,
        )

    async def _returns(self, symbols: list[str]) -> ReturnSample:
        """Prefer the longest stored bars with enough history, else the sampled marks."""
        if self._candles is not None and symbols:
            for timeframe in self._timeframes:
                stored = await candle_returns(
                    self._candles, symbols, timeframe, self._clock.now_ms(), self._bars
                )
                if stored.returns.shape[0] >= MIN_OBSERVATIONS:
                    return stored
        return self._history.returns(symbols)

    def _estimates(
        self, sample: ReturnSample, values: dict[str, float], horizon: int
    ) -> tuple[tuple[RiskEstimate, ...], str]:
        if not values:
            return (), "no open positions"
        rows = sample.returns.shape[0]
        if rows < max(MIN_OBSERVATIONS, horizon + 1):
            return (), f"VaR needs {MIN_OBSERVATIONS} return observations; have {rows}"
        returns = sample.returns
        positions = np.array([values[s] for s in sample.symbols], dtype=np.float64)
        mean = returns.mean(axis=0)
        cov = np.atleast_2d(np.cov(returns, rowvar=False, ddof=1))
        out: list[RiskEstimate] = []
        for level in CONFIDENCES:
            out.append(historical_var(returns, positions, level, horizon))
            out.append(parametric_var(returns, positions, level, horizon))
            out.append(cornish_fisher_var(returns, positions, level, horizon))
            rng = np.random.default_rng(self._seed)
            out.append(monte_carlo_var(mean, cov, positions, rng, level, horizon, self._paths))
        return tuple(out), ""
