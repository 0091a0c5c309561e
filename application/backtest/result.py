"""A finished backtest: its curve, orders, fills, trades, costs and metrics."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from application.backtest.account import AccountTracker
from application.backtest.loop import Curve
from application.backtest.spec import BacktestSpec
from application.backtest.trades import round_trips
from application.ports.venue import FundingPayment
from domain.fill import Fill
from domain.order import Order
from domain.performance import ClosedTrade, PerformanceReport, compute_report

CURVE_POINTS = 2000  # equity points kept in the stored JSON
RUIN = 1e-6  # the floor of the equity curve once the account is wiped out


@dataclass(slots=True)
class BacktestResult:
    """Everything a run produced; `report` holds the metrics of domain/performance.

    `final_equity` is exact (wallet + unrealised PnL at the last marks, Decimal); the
    curve is a float sample at every minute's close, floored at `RUIN` (a liquidation can
    gap the account below zero; returns need a positive curve), and `ruined` says so.
    """

    spec: BacktestSpec
    timestamps: npt.NDArray[np.int64]
    equity: npt.NDArray[np.float64]
    closes: npt.NDArray[np.float64]
    notional: npt.NDArray[np.float64]
    orders: list[Order]
    fills: list[Fill]
    trades: list[ClosedTrade]
    fees: Decimal
    funding: Decimal
    final_equity: Decimal
    liquidations: int
    rejected: int
    report: PerformanceReport
    stats: dict[str, int] = field(default_factory=dict)
    run_id: str = ""
    ruined: bool = False
    funding_payments: list[FundingPayment] = field(default_factory=list)

    def metrics(self) -> dict[str, float]:
        """Return the headline metrics as plain floats (nan where undefined)."""
        r = self.report
        stats = r.trade_stats
        values: dict[str, float] = {
            "total_return": r.total_return,
            "cagr": r.cagr,
            "annual_volatility": r.annual_volatility,
            "sharpe": r.sharpe,
            "sortino": r.sortino,
            "calmar": r.calmar,
            "max_drawdown": r.max_drawdown,
            "longest_drawdown_periods": float(r.longest_drawdown_periods),
            "exposure": r.exposure,
            "turnover": r.turnover,
        }
        if stats is not None:
            values |= {
                "trades": float(stats.trades),
                "win_rate": stats.win_rate,
                "profit_factor": stats.profit_factor,
                "expectancy": stats.expectancy,
            }
        return values

    def summary(self) -> dict[str, Any]:
        """Return the JSON document stored and printed for this run."""
        step = max(1, math.ceil(self.timestamps.size / CURVE_POINTS))
        return {
            "run_id": self.run_id,
            "spec": self.spec.model_dump(mode="json"),
            "metrics": {k: _json_float(v) for k, v in self.metrics().items()},
            "final_equity": str(self.final_equity),
            "fees": str(self.fees),
            "funding": str(self.funding),
            "orders": len(self.orders),
            "fills": len(self.fills),
            "trades": len(self.trades),
            "rejected": self.rejected,
            "liquidations": self.liquidations,
            "ruined": self.ruined,
            "bars": int(self.timestamps.size),
            "stats": self.stats,
            "equity_curve": {
                "timestamps": self.timestamps[::step].tolist(),
                "equity": [round(float(v), 2) for v in self.equity[::step]],
            },
        }


def _json_float(value: float) -> float | None:
    return value if math.isfinite(value) else None


def build_result(
    spec: BacktestSpec,
    curve: Curve,
    tracker: AccountTracker,
    exact_marks: dict[str, Decimal],
    stats: dict[str, int],
) -> BacktestResult:
    """Collect the tracker's records and compute the metrics of the equity curve."""
    stamps, raw = curve.arrays()
    equity = np.maximum(raw, RUIN)
    notional = np.frombuffer(curve.notional)
    funding: dict[str, list[tuple[int, Decimal]]] = {}
    for payment in tracker.funding:
        funding.setdefault(payment.symbol, []).append((payment.ts, payment.amount))
    trades = round_trips(tracker.fills, funding)
    report = compute_report(equity, stamps, trades, positions_notional=notional)
    orders = sorted(tracker.orders.values(), key=lambda o: (o.created_at, o.order_id))
    return BacktestResult(
        spec=spec,
        timestamps=stamps,
        equity=equity,
        closes=np.frombuffer(curve.closes),
        notional=notional,
        orders=orders,
        fills=list(tracker.fills),
        trades=trades,
        fees=tracker.fees,
        funding=tracker.funding_total,
        final_equity=tracker.exact_equity(exact_marks),
        liquidations=sum(1 for f in tracker.fills if f.client_order_id.startswith("liq-")),
        rejected=sum(1 for o in orders if o.status.value == "REJECTED"),
        report=report,
        stats=stats,
        ruined=bool(raw.size and raw.min() <= RUIN),
        funding_payments=list(tracker.funding),
    )
