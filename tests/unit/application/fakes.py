"""Hand-written fakes of the ports, and one function that wires the use cases to them.

Storage is adapters.memory.storage, the in-memory store with transaction semantics
that the storage contract tests hold to the same standard as the SQL adapters.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from adapters.memory.clock import ManualClock, SequentialIds
from adapters.memory.event_bus import InMemoryEventBus
from adapters.memory.prices import InMemoryPriceCache
from adapters.memory.storage import InMemoryStore
from application.events import Event
from application.instruments import InstrumentCatalog
from application.ledger import Ledger, PositionDefaults
from application.ports.events import EventSubscription
from application.ports.market_data import PriceUpdate
from application.ports.risk import RiskVerdict
from application.ports.storage import UnitOfWork
from application.ports.venue import ExecutionReport, ReportKind, VenueEventHandler
from application.risk import RiskChain
from application.use_cases.cancel_order import CancelOrder
from application.use_cases.place_order import PlaceOrder
from application.use_cases.queries import GetOrder, ListFills, ListOrders, Valuation
from domain.fill import Fill, Liquidity
from domain.instrument import Instrument, MarginBracket
from domain.order import Order
from domain.position import Position

D = Decimal

BTC = Instrument(
    symbol="BTCUSDT",
    base="BTC",
    quote="USDT",
    tick_size=D("0.1"),
    step_size=D("0.001"),
    min_qty=D("0.001"),
    min_notional=D(100),
    max_leverage=125,
    brackets=(
        MarginBracket(D(0), D(50_000), D("0.004"), D(0), 125),
        MarginBracket(D(50_000), D(250_000), D("0.005"), D(50), 100),
    ),
)
ETH = Instrument(
    symbol="ETHUSDT",
    base="ETH",
    quote="USDT",
    tick_size=D("0.01"),
    step_size=D("0.001"),
    min_qty=D("0.001"),
    min_notional=D(20),
    max_leverage=100,
    brackets=(MarginBracket(D(0), D(1_000_000), D("0.005"), D(0), 100),),
)


# --- the venue ---------------------------------------------------------------

Responder = Callable[[Order], Sequence[ExecutionReport]]


def accepted(order: Order, ts: int | None = None) -> ExecutionReport:
    return ExecutionReport(
        ReportKind.ACCEPTED, order.client_order_id, _ts(order, ts), f"x-{order.order_id}"
    )


def rejected(order: Order, reason: str, ts: int | None = None) -> ExecutionReport:
    return ExecutionReport(
        ReportKind.REJECTED, order.client_order_id, _ts(order, ts), reason=reason
    )


def canceled(order: Order, ts: int | None = None) -> ExecutionReport:
    return ExecutionReport(
        ReportKind.CANCELED, order.client_order_id, _ts(order, ts), f"x-{order.order_id}"
    )


def filled(
    order: Order,
    price: object,
    fee: object = 0,
    quantity: object = None,
    fill_id: str | None = None,
    ts: int | None = None,
) -> ExecutionReport:
    """A FILL report for `quantity` (all of the order by default) at `price`."""
    fill = Fill(
        fill_id=fill_id or f"{order.order_id}-f1",
        order_id=order.order_id,
        client_order_id=order.client_order_id,
        symbol=order.symbol,
        side=order.side,
        quantity=order.quantity if quantity is None else D(str(quantity)),
        price=D(str(price)),
        fee=D(str(fee)),
        liquidity=Liquidity.TAKER,
        ts=_ts(order, ts),
    )
    return ExecutionReport(
        ReportKind.FILL, order.client_order_id, fill.ts, f"x-{order.order_id}", fill=fill
    )


def _ts(order: Order, ts: int | None) -> int:
    return order.created_at + 1 if ts is None else ts


def rest(order: Order) -> Sequence[ExecutionReport]:
    return [accepted(order)]


def fill_at(price: object, fee: object = 0) -> Responder:
    return lambda order: [accepted(order), filled(order, price, fee)]


class FakeExchange:
    """A venue whose answers are set by the test; it remembers every call."""

    venue = "fake"

    def __init__(self, instruments: Sequence[Instrument] = (BTC, ETH)) -> None:
        self._instruments = list(instruments)
        self.on_submit: Responder = rest
        self.on_cancel: Responder = lambda order: [canceled(order)]
        self.submitted: list[Order] = []
        self.cancel_requests: list[Order] = []
        self.handlers: list[VenueEventHandler] = []

    async def load_instruments(self) -> Sequence[Instrument]:
        return list(self._instruments)

    async def submit_order(self, order: Order) -> Sequence[ExecutionReport]:
        self.submitted.append(copy.copy(order))
        return self.on_submit(order)

    async def cancel_order(self, order: Order) -> Sequence[ExecutionReport]:
        self.cancel_requests.append(copy.copy(order))
        return self.on_cancel(order)

    def subscribe(self, handler: VenueEventHandler) -> None:
        self.handlers.append(handler)


# --- risk --------------------------------------------------------------------


class RecordingCheck:
    """A pre-trade check that gives a fixed verdict and remembers what it saw."""

    def __init__(self, verdict: RiskVerdict | None = None) -> None:
        self.verdict = verdict or RiskVerdict.accept()
        self.seen: list[Order] = []

    async def check(self, order: Order, instrument: Instrument) -> RiskVerdict:
        self.seen.append(copy.copy(order))
        return self.verdict


# --- the application, wired --------------------------------------------------


@dataclass
class App:
    store: InMemoryStore
    bus: InMemoryEventBus
    prices: InMemoryPriceCache
    clock: ManualClock
    exchange: FakeExchange
    risk: RiskChain
    ledger: Ledger
    place: PlaceOrder
    cancel: CancelOrder
    get_order: GetOrder
    list_orders: ListOrders
    list_fills: ListFills
    valuation: Valuation
    subscription: EventSubscription | None = None

    def uow(self) -> UnitOfWork:
        return self.store.unit_of_work()

    async def orders(self) -> list[Order]:
        """Return the committed orders, oldest first."""
        async with self.uow() as uow:
            return list(reversed(await uow.orders.list(limit=10_000)))

    async def order(self, order_id: str) -> Order:
        async with self.uow() as uow:
            order = await uow.orders.get(order_id)
        assert order is not None
        return order

    async def fills(self) -> list[Fill]:
        async with self.uow() as uow:
            return await uow.fills.list(limit=10_000)

    async def position(self, symbol: str = "BTCUSDT") -> Position | None:
        async with self.uow() as uow:
            return await uow.positions.get(symbol)

    async def wallet(self) -> Decimal:
        async with self.uow() as uow:
            account = await uow.accounts.get()
        assert account is not None
        return account.wallet_balance

    async def journal(self) -> list[Event]:
        async with self.uow() as uow:
            return await uow.events.after(0)

    async def is_empty(self) -> bool:
        """Tell whether nothing but the account was ever stored."""
        async with self.uow() as uow:
            return not (
                await uow.orders.list()
                or await uow.fills.list()
                or await uow.positions.list()
                or await uow.events.last_sequence()
            )

    def set_mark(self, symbol: str, price: object) -> None:
        self.prices.set_mark(PriceUpdate(symbol, D(str(price)), self.clock.now_ms()))

    def listen(self) -> None:
        self.subscription = self.bus.subscribe()

    async def published(self) -> list[Event]:
        """Return what was published since the last call (or `listen`)."""
        subscription = self.subscription
        assert subscription is not None
        self.listen()
        await subscription.close()
        return [event async for event in subscription]


def make_app(defaults: PositionDefaults | None = None) -> App:
    """Wire the use cases to fakes, as the composition root wires them to adapters."""
    store = InMemoryStore()
    bus = InMemoryEventBus()
    prices = InMemoryPriceCache()
    clock = ManualClock(1_000)
    exchange = FakeExchange()
    catalog = InstrumentCatalog([BTC, ETH])
    risk = RiskChain()

    uow = store.unit_of_work
    ledger = Ledger(uow, bus, defaults or PositionDefaults())
    app = App(
        store=store,
        bus=bus,
        prices=prices,
        clock=clock,
        exchange=exchange,
        risk=risk,
        ledger=ledger,
        place=PlaceOrder(catalog, prices, risk, exchange, ledger, clock, SequentialIds("ord")),
        cancel=CancelOrder(exchange, ledger, uow),
        get_order=GetOrder(uow),
        list_orders=ListOrders(uow),
        list_fills=ListFills(uow),
        valuation=Valuation(uow, prices, catalog),
    )
    app.listen()
    return app
