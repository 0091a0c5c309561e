"""Group commit: concurrent callers share one transaction, and nothing is lost or doubled."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from application.events import EventKind
from application.ledger import Ledger, PositionDefaults, UnitOfWorkFactory
from application.ports.storage import OrderRepository, UnitOfWork
from domain.order import Order, OrderRequest, OrderStatus, OrderType, Side, new_order
from tests.unit.application.fakes import App, accepted, filled, make_app

D = Decimal
START = D(10_000)


@pytest.fixture
async def app() -> App:
    app = make_app()
    await app.ledger.open_account(START, at=0)
    await app.published()
    return app


def _order(n: int, client_id: str | None = None) -> Order:
    request = OrderRequest("BTCUSDT", Side.BUY, OrderType.MARKET, D("0.01"))
    return new_order(request, f"o-{n}", client_id or f"c-{n}", at=10 + n)


async def test_concurrent_new_orders_share_one_commit(app: App) -> None:
    ledger = Ledger(_refusing(app, pause=0.001), app.bus, PositionDefaults())
    commits = app.store.commits

    stored = await asyncio.gather(*(ledger.record_new(_order(n)) for n in range(20)))

    assert [o.order_id for o in stored] == [f"o-{n}" for n in range(20)]
    assert app.store.commits - commits < 20  # batched: far fewer commits than orders
    assert len(await app.orders()) == 20
    events = await app.published()
    assert [e.subject.order_id for e in events] == [f"o-{n}" for n in range(20)]  # type: ignore[union-attr]
    assert [e.sequence for e in events] == sorted(e.sequence for e in events)


async def test_one_client_id_twice_in_one_batch_makes_one_order(app: App) -> None:
    first, second = await asyncio.gather(
        app.ledger.record_new(_order(1, "same")), app.ledger.record_new(_order(2, "same"))
    )

    assert first.order_id == second.order_id == "o-1"
    assert [o.order_id for o in await app.orders()] == ["o-1"]


async def test_concurrent_fills_all_land_in_position_and_wallet(app: App) -> None:
    orders = [await app.ledger.record_new(_order(n)) for n in range(10)]
    await app.published()

    await asyncio.gather(
        *(
            app.ledger.apply([accepted(o), filled(o, "10000", fee="0.05", fill_id=f"f-{n}")])
            for n, o in enumerate(orders)
        )
    )

    position = await app.position()
    assert position is not None
    assert position.quantity == D("0.10")
    assert await app.wallet() == START - D("0.50")
    assert {o.status for o in await app.orders()} == {OrderStatus.FILLED}
    kinds = [e.kind for e in await app.published()]
    assert kinds.count(EventKind.FILL_RECORDED) == 10


class _RefusingOrders:
    """An order repository that takes a while (like a real database) and refuses
    orders of zero quantity."""

    def __init__(self, inner: OrderRepository, pause: float) -> None:
        self._inner = inner
        self._pause = pause

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    async def add(self, order: Order) -> None:
        await asyncio.sleep(self._pause)
        if order.quantity == 0:
            raise RuntimeError("storage refused the order")
        await self._inner.add(order)


class _RefusingUnitOfWork:
    """The in-memory unit of work, with storage that refuses zero-quantity orders."""

    def __init__(self, inner: UnitOfWork, pause: float) -> None:
        self._inner = inner
        self._pause = pause

    async def __aenter__(self) -> _RefusingUnitOfWork:
        await self._inner.__aenter__()
        self.orders = _RefusingOrders(self._inner.orders, self._pause)
        self.fills = self._inner.fills
        self.positions = self._inner.positions
        self.accounts = self._inner.accounts
        self.events = self._inner.events
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._inner.__aexit__(*exc)  # type: ignore[arg-type]

    async def commit(self) -> None:
        await self._inner.commit()


def _refusing(app: App, pause: float = 0.0) -> UnitOfWorkFactory:
    return lambda: _RefusingUnitOfWork(app.store.unit_of_work(), pause)  # type: ignore[return-value]


async def test_a_failing_job_fails_alone_and_the_rest_of_its_batch_commits(app: App) -> None:
    ledger = Ledger(_refusing(app), app.bus, PositionDefaults())
    good = _order(1)
    bad = _order(2)
    bad.quantity = D(0)

    results = await asyncio.gather(
        ledger.record_new(good), ledger.record_new(bad), return_exceptions=True
    )

    assert isinstance(results[0], Order)
    assert results[0].order_id == "o-1"
    assert isinstance(results[1], RuntimeError)
    assert [o.order_id for o in await app.orders()] == ["o-1"]


async def test_a_caller_cancelled_mid_transaction_leaves_nothing_behind(app: App) -> None:
    ledger = Ledger(_refusing(app, pause=0.05), app.bus, PositionDefaults())
    task = asyncio.ensure_future(ledger.record_new(_order(1)))
    await asyncio.sleep(0.01)  # inside its transaction, waiting on storage
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    stored = await ledger.record_new(_order(2))  # the ledger is not stuck

    assert stored.order_id == "o-2"
    assert [o.order_id for o in await app.orders()] == ["o-2"]  # o-1 was rolled back
    assert await ledger.order("c-1") is None
