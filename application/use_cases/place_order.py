"""Place an order: check it, pass the risk chain, send it, record what happened."""

from __future__ import annotations

from application import telemetry
from application.instruments import InstrumentCatalog
from application.ledger import Ledger
from application.ports.clock import Clock, IdGenerator
from application.ports.market_data import PriceCache
from application.ports.risk import RiskVerdict
from application.ports.venue import Exchange
from application.risk import RiskChain
from domain.instrument import Instrument
from domain.order import Order, OrderRequest, new_order


class PlaceOrder:
    """Validate → risk → persist NEW → exchange → apply reports.

    The order is stored before the venue sees it, so a crash between the two
    leaves a NEW order that reconciliation resolves by its client order id:
    nothing is ever sent that we have no record of.
    """

    def __init__(
        self,
        instruments: InstrumentCatalog,
        prices: PriceCache,
        risk: RiskChain,
        exchange: Exchange,
        ledger: Ledger,
        clock: Clock,
        ids: IdGenerator,
    ) -> None:
        self._instruments = instruments
        self._prices = prices
        self._risk = risk
        self._exchange = exchange
        self._ledger = ledger
        self._clock = clock
        self._ids = ids

    async def execute(self, request: OrderRequest) -> tuple[Order, bool]:
        """Return the order and whether it already existed (a repeated client id)."""
        with telemetry.span(
            "order.place",
            symbol=request.symbol,
            side=request.side,
            quantity=request.quantity,
            order_type=request.type,
            client_order_id=request.client_order_id,
        ) as span:
            order, duplicate = await self._place(request)
            span.set_attributes(telemetry.order_attributes(order))
            span.set_attributes(telemetry.attributes({"status": order.status}))
            span.set_attribute("duplicate", duplicate)
            return order, duplicate

    async def _place(self, request: OrderRequest) -> tuple[Order, bool]:
        instrument = self._instruments.get(request.symbol)
        instrument.check_request(request, self._prices.mark(request.symbol))
        if request.client_order_id is not None:
            existing = await self._ledger.order(request.client_order_id)
            if existing is not None:
                return existing, True
        now = self._clock.now_ms()
        order_id = self._ids.new_id()
        client_order_id = request.client_order_id or f"at-{order_id[:32]}"
        order = new_order(request, order_id, client_order_id, now)
        telemetry.ORDER_TRACES.remember(client_order_id)
        # Check and store as one step: an order the checks let through is in the book
        # (as NEW) before the next order is checked, so concurrent orders cannot all
        # pass a limit that only one of them fits under.
        async with self._ledger.admission:
            verdict = await self._check_risk(order, instrument)
            if not verdict.accepted:
                order.reject(f"{verdict.code}: {verdict.message}", now)
            stored = await self._ledger.record_new(order)
        if stored is not order:
            return stored, True
        if verdict.accepted:
            await self._route(order)
        return await self._ledger.order(client_order_id) or order, False

    async def _check_risk(self, order: Order, instrument: Instrument) -> RiskVerdict:
        with telemetry.span("risk.check", telemetry.order_attributes(order)) as span:
            verdict = await self._risk.check(order, instrument)
            span.set_attributes(telemetry.verdict_attributes(verdict))
            return verdict

    async def _route(self, order: Order) -> None:
        venue = self._exchange.venue
        with telemetry.span("order.route", telemetry.order_attributes(order), venue=venue):
            with telemetry.span(
                "exchange.submit", venue=venue, client_order_id=order.client_order_id
            ) as span:
                reports = await self._exchange.submit_order(order)
                span.set_attribute("reports", len(reports))
            await self._ledger.apply(reports)
