"""BacktestExchange: the Exchange port over the matching core, with decision-to-venue latency.

With no latency an order reaches the core at once, exactly like the paper
`SimulatedExchange`. With latency it waits and reaches the core at the first price
update at or after its decision time + latency: the order stays NEW in the ledger until
then, and its acceptance or rejection (by the core's own rules, as live) and fills come
back as venue events of that price update.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from adapters.simulated.matching import LIQUIDATION_PREFIX, SimulatedVenue
from application.backtest.ports import SettableClock
from application.ports.venue import ExecutionReport, ReportKind, VenueEvent, VenueEventHandler
from domain.instrument import Instrument
from domain.order import Order, OrderRequest, OrderType, new_order


class BacktestExchange:
    """Exchange + SimulatedMarket for the backtest loop."""

    def __init__(
        self,
        core: SimulatedVenue,
        clock: SettableClock,
        latency_ms: int = 0,
        funding_rates: Sequence[tuple[int, Decimal]] = (),
    ) -> None:
        self._core = core
        self._clock = clock
        self._latency = latency_ms
        # Historical funding: (time, rate) in time order; a settlement at or after a
        # time uses its rate, before the first one the configured rate.
        self._rates = list(funding_rates)
        self._next_rate = 0
        self._handlers: list[VenueEventHandler] = []
        self._pending: list[tuple[int, Order]] = []

    @property
    def venue(self) -> str:
        return "simulated"

    @property
    def core(self) -> SimulatedVenue:
        return self._core

    async def load_instruments(self) -> Sequence[Instrument]:
        return self._core.instruments

    async def submit_order(self, order: Order) -> Sequence[ExecutionReport]:
        now = self._clock.now_ms()
        if self._latency == 0:
            return self._core.submit(order, now)
        self._pending.append((now + self._latency, order))
        return []

    def subscribe(self, handler: VenueEventHandler) -> None:
        """Keep `handler`: unused, the backtest loop hands `on_price` events to the ledger."""
        self._handlers.append(handler)

    async def cancel_order(self, order: Order) -> Sequence[ExecutionReport]:
        now = self._clock.now_ms()
        for item in self._pending:
            if item[1].client_order_id == order.client_order_id:
                self._pending.remove(item)
                return [ExecutionReport(ReportKind.CANCELED, order.client_order_id, now)]
        return self._core.cancel(order.client_order_id, now)

    def on_price(self, symbol: str, price: Decimal, ts: int) -> list[VenueEvent]:
        while self._next_rate < len(self._rates) and self._rates[self._next_rate][0] <= ts:
            self._core.set_funding_rate(self._rates[self._next_rate][1])
            self._next_rate += 1
        events = self._core.on_price(symbol, price, ts)
        if self._pending:
            due = [p for p in self._pending if p[0] <= ts and p[1].symbol == symbol]
            for item in due:
                self._pending.remove(item)
                events.extend(self._core.submit(item[1], ts))
        return events

    def venue_orders(self, events: Sequence[VenueEvent]) -> list[Order]:
        """Return the orders the venue itself placed in `events`: its liquidations.

        Live, Binance reports a liquidation as an order of its own; the ledger must hold
        that order before its fill can apply, so the loop records these first.
        """
        orders: list[Order] = []
        for event in events:
            fill = event.fill if isinstance(event, ExecutionReport) else None
            if fill is None or not fill.client_order_id.startswith(LIQUIDATION_PREFIX):
                continue
            request = OrderRequest(
                symbol=fill.symbol,
                side=fill.side,
                type=OrderType.MARKET,
                quantity=fill.quantity,
                reduce_only=True,
                client_order_id=fill.client_order_id,
            )
            orders.append(new_order(request, fill.client_order_id, fill.client_order_id, fill.ts))
        return orders
