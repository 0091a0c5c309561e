"""Hand-written fakes of the ports, and one function that wires the use cases to them."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import TracebackType
from typing import Self

from adapters.memory.clock import ManualClock, SequentialIds
from adapters.memory.event_bus import InMemoryEventBus
from adapters.memory.prices import InMemoryPriceCache
from application.events import Event
from application.instruments import InstrumentCatalog
from application.ledger import Ledger, PositionDefaults
from application.ports.events import EventSubscription
from application.ports.market_data import PriceUpdate
from application.ports.risk import RiskVerdict
from application.ports.venue import ExecutionReport, ReportKind, VenueEventHandler
from application.risk import RiskChain
from application.use_cases.cancel_order import CancelOrder
from application.use_cases.place_order import PlaceOrder
from application.use_cases.queries import GetOrder, ListFills, ListOrders, Valuation
from domain.account import Account
from domain.fill import Fill, Liquidity
from domain.instrument import Instrument, MarginBracket
from domain.order import Order, OrderStatus
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


# --- storage -----------------------------------------------------------------


class DuplicateKey(Exception):
    """What a database's unique constraint would raise."""


@dataclass
class FakeDatabase:
    """Committed state only; a unit of work changes it on commit, all at once."""

    orders: dict[str, Order] = field(default_factory=dict)
    fills: dict[str, Fill] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    account: Account | None = None
    events: list[Event] = field(default_factory=list)
    commits: int = 0

    def is_empty(self) -> bool:
        return not (self.orders or self.fills or self.positions or self.events)


class FakeOrders:
    def __init__(self, rows: dict[str, Order]) -> None:
        self._rows = rows

    async def add(self, order: Order) -> None:
        if order.order_id in self._rows or await self.get_by_client_id(order.client_order_id):
            raise DuplicateKey(order.client_order_id)
        self._rows[order.order_id] = order

    async def update(self, order: Order) -> None:
        if order.order_id not in self._rows:
            raise KeyError(order.order_id)
        self._rows[order.order_id] = order

    async def get(self, order_id: str) -> Order | None:
        return self._rows.get(order_id)

    async def get_by_client_id(self, client_order_id: str) -> Order | None:
        return next((o for o in self._rows.values() if o.client_order_id == client_order_id), None)

    async def list(
        self, statuses: Sequence[OrderStatus] = (), symbol: str | None = None, limit: int = 100
    ) -> list[Order]:
        newest_first = reversed(list(self._rows.values()))
        rows = [
            o
            for o in newest_first
            if (not statuses or o.status in statuses) and (symbol is None or o.symbol == symbol)
        ]
        return rows[:limit]


class FakeFills:
    def __init__(self, rows: dict[str, Fill]) -> None:
        self._rows = rows

    async def add(self, fill: Fill) -> bool:
        if fill.fill_id in self._rows:
            return False
        self._rows[fill.fill_id] = fill
        return True

    async def list(self, order_id: str | None = None, limit: int = 100) -> list[Fill]:
        return [f for f in self._rows.values() if order_id in (None, f.order_id)][:limit]


class FakePositions:
    def __init__(self, rows: dict[str, Position]) -> None:
        self._rows = rows

    async def get(self, symbol: str) -> Position | None:
        return self._rows.get(symbol)

    async def save(self, position: Position) -> None:
        self._rows[position.symbol] = position

    async def list(self) -> list[Position]:
        return list(self._rows.values())


class FakeAccounts:
    def __init__(self, working: FakeDatabase) -> None:
        self._working = working

    async def get(self) -> Account | None:
        return self._working.account

    async def save(self, account: Account) -> None:
        self._working.account = account


class FakeJournal:
    def __init__(self, rows: list[Event]) -> None:
        self._rows = rows

    async def append(self, event: Event) -> Event:
        stored = event.stored_as(len(self._rows) + 1)
        self._rows.append(stored)
        return stored

    async def after(self, sequence: int, limit: int = 1000) -> list[Event]:
        return [e for e in self._rows if e.sequence > sequence][:limit]

    async def last_sequence(self) -> int:
        return self._rows[-1].sequence if self._rows else 0


class FakeUnitOfWork:
    """Works on a private copy of the database and writes it back on commit, so
    what is not committed is rolled back and nothing leaks between transactions."""

    def __init__(self, database: FakeDatabase) -> None:
        self._database = database
        self._working = FakeDatabase()

    async def __aenter__(self) -> Self:
        self._working = copy.deepcopy(self._database)
        self.orders = FakeOrders(self._working.orders)
        self.fills = FakeFills(self._working.fills)
        self.positions = FakePositions(self._working.positions)
        self.accounts = FakeAccounts(self._working)
        self.events = FakeJournal(self._working.events)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._working = FakeDatabase()

    async def commit(self) -> None:
        committed = copy.deepcopy(self._working)
        for name in ("orders", "fills", "positions", "account", "events"):
            setattr(self._database, name, getattr(committed, name))
        self._database.commits += 1


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
    database: FakeDatabase
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

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.database)

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
    database = FakeDatabase()
    bus = InMemoryEventBus()
    prices = InMemoryPriceCache()
    clock = ManualClock(1_000)
    exchange = FakeExchange()
    catalog = InstrumentCatalog([BTC, ETH])
    risk = RiskChain()

    def uow() -> FakeUnitOfWork:
        return FakeUnitOfWork(database)

    ledger = Ledger(uow, bus, defaults or PositionDefaults())
    app = App(
        database=database,
        bus=bus,
        prices=prices,
        clock=clock,
        exchange=exchange,
        risk=risk,
        ledger=ledger,
        place=PlaceOrder(catalog, prices, risk, exchange, ledger, uow, clock, SequentialIds("ord")),
        cancel=CancelOrder(exchange, ledger, uow),
        get_order=GetOrder(uow),
        list_orders=ListOrders(uow),
        list_fills=ListFills(uow),
        valuation=Valuation(uow, prices, catalog),
    )
    app.listen()
    return app
