"""The Optimize and GetEfficientFrontier use cases: user prices or stored candles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from application.portfolio.optimize import Estimated, OptimizationSpec, estimate, frontier, solve
from application.ports.candles import CandleStore
from application.ports.clock import Clock
from domain.errors import InvalidInput, PreconditionFailed
from domain.market.candles import Timeframe
from domain.portfolio.model import OptimalPortfolio

DAYS_PER_YEAR_MS = 365 * 86_400_000


@dataclass(frozen=True, slots=True)
class CandleRequest:
    symbols: tuple[str, ...]
    timeframe: Timeframe
    bars: int


@dataclass(frozen=True, slots=True)
class Optimized:
    estimated: Estimated
    portfolio: OptimalPortfolio


class PortfolioOptimizer:
    """Estimate from prices (given, or closes of stored candles) and solve."""

    def __init__(self, clock: Clock, candles: CandleStore | None = None) -> None:
        self._clock = clock
        self._candles = candles

    async def optimize(
        self, spec: OptimizationSpec, prices: tuple[Sequence[str], ArrayLike] | CandleRequest
    ) -> Optimized:
        estimated = await self._estimate(spec, prices)
        return Optimized(estimated, solve(estimated.model, spec))

    async def frontier(
        self, spec: OptimizationSpec, prices: tuple[Sequence[str], ArrayLike] | CandleRequest
    ) -> tuple[Estimated, tuple[OptimalPortfolio, ...]]:
        estimated = await self._estimate(spec, prices)
        return estimated, frontier(estimated.model, spec)

    async def _estimate(
        self, spec: OptimizationSpec, prices: tuple[Sequence[str], ArrayLike] | CandleRequest
    ) -> Estimated:
        if isinstance(prices, CandleRequest):
            symbols, closes = await self._from_candles(prices)
            return estimate(symbols, closes, spec)
        assets, table = prices
        return estimate(assets, table, spec)

    async def _from_candles(self, request: CandleRequest) -> tuple[tuple[str, ...], ArrayLike]:
        if self._candles is None:
            raise PreconditionFailed("no candle store is configured; send prices instead")
        if len(request.symbols) < 2:
            raise InvalidInput("candles.symbols", "name at least two symbols")
        end = self._clock.now_ms()
        start = end - request.timeframe.ms * (request.bars + 1)
        series = []
        for symbol in request.symbols:
            bars = await self._candles.range(symbol, request.timeframe, start, end)
            series.append({c.open_time: c.close for c in bars})
        common = sorted(set.intersection(*(set(s) for s in series)))
        if len(common) < 3:
            raise PreconditionFailed(
                f"only {len(common)} {request.timeframe.value} bars are stored for all of "
                f"{', '.join(request.symbols)}; import candles first"
            )
        table = np.array([[s[t] for s in series] for t in common], dtype=np.float64)
        return request.symbols, table


def periods_per_year(timeframe: Timeframe) -> float:
    """Return how many bars of `timeframe` make a (365-day, crypto) year."""
    return DAYS_PER_YEAR_MS / timeframe.ms
