"""The fakes of tests/unit/application wired to the standard risk checks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from adapters.memory.risk import InMemoryRiskStore
from application.risk.book import BookReader
from application.risk.engine import standard_checks
from application.risk.flatten import Flatten
from application.risk.halts import DrawdownBreaker, SetKillSwitch
from application.risk.state import RiskState
from domain.order import Order, OrderRequest, OrderType, Side
from domain.risk.limits import RiskLimits
from tests.unit.application.fakes import App, accepted, filled, make_app

D = Decimal
START = D(10_000)


@dataclass
class RiskRig:
    app: App
    store: InMemoryRiskStore
    state: RiskState
    kill_switch: SetKillSwitch
    breaker: DrawdownBreaker

    async def place(self, request: OrderRequest) -> Order:
        order, _ = await self.app.place.execute(request)
        return order

    async def hold(self, symbol: str, quantity: str) -> None:
        """Open a position by a filled market order (signed quantity)."""
        q = D(quantity)
        side = Side.BUY if q > 0 else Side.SELL
        order = await self.place(market(side, str(abs(q)), symbol))
        assert order.status.value == "FILLED", order.reject_reason

    @property
    def sent(self) -> int:
        return len(self.app.exchange.submitted)


def fill_at_mark(app: App):  # type: ignore[no-untyped-def]
    def respond(order: Order) -> list[object]:
        mark = order.price or app.prices.mark(order.symbol)
        return [accepted(order), filled(order, mark)]

    return respond


def market(side: Side, quantity: str, symbol: str = "BTCUSDT", **extra: object) -> OrderRequest:
    return OrderRequest(symbol, side, OrderType.MARKET, D(quantity), **extra)  # type: ignore[arg-type]


def limit(side: Side, quantity: str, price: str, symbol: str = "BTCUSDT") -> OrderRequest:
    return OrderRequest(symbol, side, OrderType.LIMIT, D(quantity), D(price))


async def make_rig(limits: RiskLimits | None = None, fill: bool = True) -> RiskRig:
    app = make_app()
    store = InMemoryRiskStore()
    state = RiskState(store, limits or RiskLimits())
    for check in standard_checks(state, app.uow, app.prices, app.clock):
        app.risk.add(check)
    await app.ledger.open_account(START, at=0)
    app.set_mark("BTCUSDT", 50_000)
    app.set_mark("ETHUSDT", 3_000)
    if fill:
        app.exchange.on_submit = fill_at_mark(app)
    book = BookReader(app.uow, app.prices)
    flatten = Flatten(app.uow, app.place, app.cancel)
    return RiskRig(
        app=app,
        store=store,
        state=state,
        kill_switch=SetKillSwitch(state, flatten, book, app.clock),
        breaker=DrawdownBreaker(state, book, flatten, app.clock),
    )
