"""One consistent read of everything an operator watches: account, book, risk, strategies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from application.ports.clock import Clock
from application.ports.monitoring import (
    RiskStatus,
    RiskStatusSource,
    StrategyStatus,
    StrategyStatusSource,
)
from application.use_cases.queries import ListOrders, PositionView, Valuation
from domain.account import AccountSummary
from domain.numbers import ZERO
from domain.order import OPEN_STATUSES, Order


@dataclass(frozen=True, slots=True)
class MonitorSnapshot:
    """The state of the book at `ts`; risk and strategies are None until an engine reports."""

    ts: int
    account: AccountSummary
    positions: Sequence[PositionView]
    open_orders: Sequence[Order]
    pnl: Decimal  # realised − fees + funding over every position, plus unrealised
    risk: RiskStatus | None
    strategies: Sequence[StrategyStatus] | None

    @property
    def equity(self) -> Decimal:
        return self.account.margin_balance

    @property
    def open_positions(self) -> Sequence[PositionView]:
        return [view for view in self.positions if not view.position.is_flat]

    @property
    def gross_exposure(self) -> Decimal:
        return sum((abs(view.notional) for view in self.open_positions), ZERO)


class TakeSnapshot:
    """Read the account, positions, open orders and, when present, risk and strategies."""

    def __init__(
        self,
        valuation: Valuation,
        orders: ListOrders,
        clock: Clock,
        risk: RiskStatusSource | None = None,
        strategies: StrategyStatusSource | None = None,
        max_orders: int = 200,
    ) -> None:
        self._valuation = valuation
        self._orders = orders
        self._clock = clock
        self._risk = risk
        self._strategies = strategies
        self._max_orders = max_orders

    async def execute(self) -> MonitorSnapshot:
        account = await self._valuation.account()
        positions = await self._valuation.positions(include_flat=True)
        open_orders = await self._orders.execute(OPEN_STATUSES, None, self._max_orders)
        realized = sum(
            (v.position.realized_pnl - v.position.fees + v.position.funding for v in positions),
            ZERO,
        )
        return MonitorSnapshot(
            ts=self._clock.now_ms(),
            account=account,
            positions=positions,
            open_orders=open_orders,
            pnl=realized + account.unrealized_pnl,
            risk=await self._risk.risk_status() if self._risk is not None else None,
            strategies=self._strategies.strategy_statuses() if self._strategies else None,
        )
