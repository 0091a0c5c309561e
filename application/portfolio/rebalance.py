"""Move positions to target weights through the normal order path."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from application.instruments import InstrumentCatalog
from application.risk.book import BookReader
from application.use_cases.place_order import PlaceOrder
from domain.errors import InvalidInput
from domain.order import Order, OrderRequest, OrderType, Side
from domain.portfolio.rebalance import RebalanceInputs, RebalanceOrder, rebalance_orders
from domain.portfolio.rebalance import Side as RebalanceSide


@dataclass(frozen=True, slots=True)
class RebalanceLeg:
    """One computed trade and, unless it was a dry run, the order it became."""

    plan: RebalanceOrder
    order: Order | None
    error: str = ""


@dataclass(frozen=True, slots=True)
class RebalanceResult:
    equity: Decimal
    legs: tuple[RebalanceLeg, ...]


class Rebalance:
    """Compute the trades to target weights of equity and place them as market orders.

    Quantities are rounded down to each instrument's step; trades below the minimum
    trade notional (default: the instrument's minimum notional) are skipped. Reducing
    trades go first and are sent reduce-only. Every order passes PlaceOrder, so the
    risk chain applies exactly as for a manual order.
    """

    def __init__(self, instruments: InstrumentCatalog, book: BookReader, place: PlaceOrder) -> None:
        self._instruments = instruments
        self._book = book
        self._place = place

    async def execute(
        self,
        targets: Mapping[str, Decimal],
        min_trade_notional: Decimal | None = None,
        dry_run: bool = False,
    ) -> RebalanceResult:
        for symbol in targets:
            self._instruments.get(symbol)  # unknown symbols are bad input
        book = await self._book.read()
        symbols = set(targets) | set(book.positions)
        missing = sorted(s for s in symbols if s not in book.marks)
        if missing:
            raise InvalidInput("targets", f"no mark price yet for {', '.join(missing)}")
        steps = {s: self._instruments.get(s).step_size for s in symbols}
        floor = min_trade_notional
        if floor is None:
            floor = max(
                (self._instruments.get(s).min_notional for s in symbols), default=Decimal(0)
            )
        plan = rebalance_orders(
            RebalanceInputs(
                positions=dict(book.positions),
                prices={s: book.marks[s] for s in symbols},
                equity=book.equity,
                targets=dict(targets),
                step_sizes=steps,
                min_notional=floor,
            )
        )
        legs = [await self._leg(p, dry_run) for p in plan]
        return RebalanceResult(book.equity, tuple(legs))

    async def _leg(self, plan: RebalanceOrder, dry_run: bool) -> RebalanceLeg:
        if dry_run:
            return RebalanceLeg(plan, None)
        request = OrderRequest(
            symbol=plan.symbol,
            side=Side.BUY if plan.side is RebalanceSide.BUY else Side.SELL,
            type=OrderType.MARKET,
            quantity=plan.quantity,
            reduce_only=plan.reduces,
        )
        try:
            order, _ = await self._place.execute(request)
        except InvalidInput as error:
            return RebalanceLeg(plan, None, str(error))
        return RebalanceLeg(plan, order)
