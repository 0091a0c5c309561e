"""PortfolioService: proto → use case → proto, nothing more."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from application.portfolio.optimize import (
    CovarianceEstimator,
    Objective,
    OptimizationSpec,
    ReturnEstimator,
)
from application.portfolio.performance import GetPerformance
from application.portfolio.rebalance import Rebalance
from application.portfolio.service import CandleRequest, PortfolioOptimizer, periods_per_year
from autotrader.v1 import portfolio_pb2 as pb
from domain.errors import InvalidInput
from domain.market.candles import Timeframe
from domain.numbers import parse_decimal
from domain.portfolio.attribution import PnlBreakdown
from domain.portfolio.model import OptimalPortfolio

OBJECTIVES = {
    pb.PORTFOLIO_OBJECTIVE_MAX_SHARPE: Objective.MAX_SHARPE,
    pb.PORTFOLIO_OBJECTIVE_MIN_VOLATILITY: Objective.MIN_VOLATILITY,
    pb.PORTFOLIO_OBJECTIVE_TARGET_RETURN: Objective.TARGET_RETURN,
    pb.PORTFOLIO_OBJECTIVE_TARGET_VOLATILITY: Objective.TARGET_VOLATILITY,
    pb.PORTFOLIO_OBJECTIVE_RISK_PARITY: Objective.RISK_PARITY,
}
RETURNS = {
    pb.PORTFOLIO_RETURN_ESTIMATOR_UNSPECIFIED: ReturnEstimator.MEAN,
    pb.PORTFOLIO_RETURN_ESTIMATOR_MEAN: ReturnEstimator.MEAN,
    pb.PORTFOLIO_RETURN_ESTIMATOR_CAGR: ReturnEstimator.CAGR,
    pb.PORTFOLIO_RETURN_ESTIMATOR_EWMA: ReturnEstimator.EWMA,
}
COVARIANCES = {
    pb.PORTFOLIO_COVARIANCE_ESTIMATOR_UNSPECIFIED: CovarianceEstimator.SAMPLE,
    pb.PORTFOLIO_COVARIANCE_ESTIMATOR_SAMPLE: CovarianceEstimator.SAMPLE,
    pb.PORTFOLIO_COVARIANCE_ESTIMATOR_EWMA: CovarianceEstimator.EWMA,
    pb.PORTFOLIO_COVARIANCE_ESTIMATOR_LEDOIT_WOLF: CovarianceEstimator.LEDOIT_WOLF,
}
MAX_POINTS = 200
MAX_BARS = 100_000


@dataclass(frozen=True, slots=True)
class PortfolioUseCases:
    optimizer: PortfolioOptimizer
    rebalance: Rebalance
    performance: GetPerformance


class PortfolioServicer:
    def __init__(self, use_cases: PortfolioUseCases) -> None:
        self._uc = use_cases

    async def Optimize(self, request: pb.OptimizeRequest, context: Any) -> Any:
        if request.objective not in OBJECTIVES:
            raise InvalidInput(
                "objective",
                "choose max-sharpe, min-volatility, target-return, "
                "target-volatility or risk-parity",
            )
        extra = {
            "objective": OBJECTIVES[request.objective],
            "target_return": request.target_return if request.HasField("target_return") else None,
            "target_volatility": (
                request.target_volatility if request.HasField("target_volatility") else None
            ),
        }
        spec, source = _spec(request.spec, extra)
        result = await self._uc.optimizer.optimize(spec, source)
        return pb.OptimizeResponse(
            portfolio=portfolio_pb(result.portfolio),
            observations=result.estimated.observations,
            assets=list(result.estimated.model.assets),
        )

    async def GetEfficientFrontier(
        self, request: pb.GetEfficientFrontierRequest, context: Any
    ) -> Any:
        points = request.points or 20
        if not 2 <= points <= MAX_POINTS:
            raise InvalidInput("points", f"must be between 2 and {MAX_POINTS}, got {points}")
        spec, source = _spec(request.spec, {"frontier_points": points})
        estimated, frontier = await self._uc.optimizer.frontier(spec, source)
        return pb.GetEfficientFrontierResponse(
            points=[portfolio_pb(p) for p in frontier], assets=list(estimated.model.assets)
        )

    async def Rebalance(self, request: pb.RebalanceRequest, context: Any) -> Any:
        targets: dict[str, Decimal] = {}
        for i, target in enumerate(request.targets):
            if not target.symbol:
                raise InvalidInput(f"targets[{i}].symbol", "must not be empty")
            if target.symbol in targets:
                raise InvalidInput(f"targets[{i}].symbol", f"{target.symbol} appears twice")
            targets[target.symbol] = parse_decimal(target.weight, f"targets[{i}].weight")
        if not targets:
            raise InvalidInput("targets", "give at least one target weight")
        floor = None
        if request.min_trade_notional:
            floor = parse_decimal(request.min_trade_notional, "min_trade_notional")
            if floor < 0:
                raise InvalidInput("min_trade_notional", f"must be >= 0, got {floor}")
        result = await self._uc.rebalance.execute(targets, floor, request.dry_run)
        return pb.RebalanceResponse(
            equity=_money(result.equity),
            orders=[
                pb.PortfolioRebalanceOrder(
                    symbol=leg.plan.symbol,
                    side=leg.plan.side.value.upper(),
                    quantity=format(leg.plan.quantity.normalize(), "f"),
                    reduce_only=leg.plan.reduces,
                    order_id=leg.order.order_id if leg.order else "",
                    status=leg.order.status.value if leg.order else "",
                    reject_reason=(leg.order.reject_reason or "") if leg.order else leg.error,
                )
                for leg in result.legs
            ],
        )

    async def GetPerformance(self, request: pb.GetPerformanceRequest, context: Any) -> Any:
        window = request.window or 20
        if not 2 <= window <= 10_000:
            raise InvalidInput("window", f"must be between 2 and 10000, got {window}")
        perf = await self._uc.performance.execute(window)
        brinson = perf.brinson
        return pb.GetPerformanceResponse(
            by_strategy=[pnl_pb(b, strategy=s) for s, b in perf.by_strategy.items()],
            by_symbol=[pnl_pb(b, symbol=s) for s, b in perf.by_symbol.items()],
            total=pnl_pb(perf.total),
            brinson=[
                pb.PortfolioBrinsonSegment(
                    segment=s.segment,
                    allocation=s.allocation,
                    selection=s.selection,
                    interaction=s.interaction,
                )
                for s in (brinson.segments if brinson else ())
            ],
            portfolio_return=brinson.portfolio_return if brinson else 0.0,
            benchmark_return=brinson.benchmark_return if brinson else 0.0,
            rolling_sharpe=[_finite(x) for x in perf.rolling_sharpe],
            rolling_volatility=[_finite(x) for x in perf.rolling_volatility],
            note=perf.note,
        )


def _finite(value: float) -> float:
    return value if math.isfinite(value) else 0.0


def _spec(
    message: pb.OptimizationSpec, extra: dict[str, Any]
) -> tuple[OptimizationSpec, tuple[list[str], Any] | CandleRequest]:
    if message.expected_returns not in RETURNS:
        raise InvalidInput("spec.expected_returns", "unknown estimator")
    if message.covariance not in COVARIANCES:
        raise InvalidInput("spec.covariance", "unknown estimator")
    source: tuple[list[str], Any] | CandleRequest
    which = message.WhichOneof("source")
    if which == "prices":
        source = _price_table(message.prices)
        default_ppy = 252.0
    elif which == "candles":
        source = _candles(message.candles)
        default_ppy = periods_per_year(source.timeframe)
    else:
        raise InvalidInput("spec.source", "give prices or candles")
    for name in ("risk_free_rate", "periods_per_year"):
        if not math.isfinite(getattr(message, name)):
            raise InvalidInput(f"spec.{name}", "must be finite")
    options: dict[str, Any] = {
        "expected_returns": RETURNS[message.expected_returns],
        "covariance": COVARIANCES[message.covariance],
        "risk_free_rate": message.risk_free_rate,
        "periods_per_year": message.periods_per_year or default_ppy,
        "long_short": message.long_short,
        "max_weight": message.max_weight if message.HasField("max_weight") else None,
        "gross_leverage": message.gross_leverage if message.HasField("gross_leverage") else None,
        **extra,
    }
    try:
        return OptimizationSpec(**options), source
    except InvalidInput as error:
        raise InvalidInput(f"spec.{error.field}", error.reason) from None


def _price_table(table: pb.PortfolioPriceTable) -> tuple[list[str], Any]:
    assets = list(table.assets)
    if len(assets) < 2 or len(set(assets)) != len(assets) or not all(assets):
        raise InvalidInput("spec.prices.assets", "need two or more unique, non-empty names")
    rows = []
    for i, row in enumerate(table.rows):
        if len(row.prices) != len(assets):
            raise InvalidInput(
                f"spec.prices.rows[{i}]", f"has {len(row.prices)} prices for {len(assets)} assets"
            )
        if not all(math.isfinite(p) and p > 0 for p in row.prices):
            raise InvalidInput(f"spec.prices.rows[{i}]", "prices must be finite and > 0")
        rows.append(list(row.prices))
    if len(rows) < 3:
        raise InvalidInput("spec.prices.rows", f"need at least 3 rows, got {len(rows)}")
    return assets, np.array(rows, dtype=np.float64)


def _candles(source: pb.PortfolioCandleSource) -> CandleRequest:
    try:
        timeframe = Timeframe(source.timeframe or "1d")
    except ValueError:
        raise InvalidInput(
            "spec.candles.timeframe", f"unknown timeframe {source.timeframe!r}"
        ) from None
    bars = source.bars or 365
    if not 3 <= bars <= MAX_BARS:
        raise InvalidInput("spec.candles.bars", f"must be between 3 and {MAX_BARS}, got {bars}")
    symbols = tuple(source.symbols)
    if len(symbols) < 2 or len(set(symbols)) != len(symbols):
        raise InvalidInput("spec.candles.symbols", "name two or more different symbols")
    return CandleRequest(symbols, timeframe, bars)


def portfolio_pb(portfolio: OptimalPortfolio) -> pb.PortfolioResult:
    return pb.PortfolioResult(
        weights=dict(portfolio.weights),
        expected_return=portfolio.expected_return,
        volatility=portfolio.volatility,
        sharpe=_finite(portfolio.sharpe),
    )


def pnl_pb(b: PnlBreakdown, strategy: str = "", symbol: str = "") -> pb.PortfolioPnlLine:
    return pb.PortfolioPnlLine(
        strategy=strategy,
        symbol=symbol,
        price=_money(b.price),
        funding=_money(b.funding),
        fees=_money(b.fees),
        total=_money(b.total),
    )


def _money(value: Decimal) -> str:
    return format(round(value, 8).normalize(), "f")
