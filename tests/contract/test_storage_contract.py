"""The storage contract: the in-memory fake, SQLite and PostgreSQL must all pass it."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.storage import InMemoryStore
from adapters.sql.engine import create_engine, dispose, migrate
from adapters.sql.tables import metadata
from adapters.sql.unit_of_work import SqlaUnitOfWorkFactory
from application.events import Event, EventKind
from application.ledger import UnitOfWorkFactory
from application.ports.reconciliation import Discrepancy, DiscrepancyKind
from application.ports.storage import StorageUnavailable
from application.ports.venue import FundingPayment
from domain.account import Account
from domain.errors import NotFound, PreconditionFailed
from domain.fill import Fill, Liquidity
from domain.order import Order, OrderStatus, OrderType, Side, TimeInForce
from domain.position import MarginMode, Position
from tests.contract import postgres_database, run_blocking

TINY = Decimal("0.00000001")
BIG = Decimal("123456789.123456789")
TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_database("autotrader_contract") as url:
        run_blocking(_migrate(url))
        yield url


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrate(engine)
    finally:
        await dispose(engine)


SQL = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=["memory", *SQL])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Name the implementation under test: "memory" or a database URL."""
    return _backend(request, tmp_path)


@pytest.fixture(params=SQL)
def sql_backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return _backend(request, tmp_path)


def _backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "memory":
        return "memory"
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'autotrader.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
async def uow(backend: str) -> AsyncIterator[UnitOfWorkFactory]:
    if backend == "memory":
        yield InMemoryStore().unit_of_work
        return
    async with _database(backend) as engine:
        yield SqlaUnitOfWorkFactory(engine)


@pytest.fixture
async def sql_uow(sql_backend: str) -> AsyncIterator[UnitOfWorkFactory]:
    async with _database(sql_backend) as engine:
        yield SqlaUnitOfWorkFactory(engine)


@asynccontextmanager
async def _database(url: str) -> AsyncIterator[AsyncEngine]:
    """Open an empty, migrated database: a new SQLite file, or the session's PostgreSQL."""
    engine = create_engine(url)
    try:
        if engine.dialect.name == "sqlite":
            await migrate(engine)
        else:
            await _empty(engine)
        yield engine
    finally:
        await dispose(engine)


async def _empty(engine: AsyncEngine) -> None:
    names = ", ".join(table.name for table in metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY"))


def make_order(n: int = 1, **changes: object) -> Order:
    order = Order(
        order_id=f"order-{n}",
        client_order_id=f"client-{n}",
        symbol="BTCUSDT",
        side=Side.BUY,
        type=OrderType.LIMIT,
        quantity=Decimal("0.010"),
        price=Decimal("65000.10"),
        stop_price=None,
        time_in_force=TimeInForce.GTC,
        reduce_only=False,
        created_at=1_700_000_000_000 + n,
        updated_at=1_700_000_000_000 + n,
    )
    return dataclasses.replace(order, **changes)  # type: ignore[arg-type]


def make_fill(n: int = 1, order: Order | None = None, **changes: object) -> Fill:
    order = order or make_order()
    fill = Fill(
        fill_id=f"fill-{n}",
        order_id=order.order_id,
        client_order_id=order.client_order_id,
        symbol=order.symbol,
        side=order.side,
        quantity=Decimal("0.004"),
        price=Decimal("65000.1"),
        fee=Decimal("0.10400016"),
        liquidity=Liquidity.MAKER,
        ts=1_700_000_001_000 + n,
    )
    return dataclasses.replace(fill, **changes)  # type: ignore[arg-type]


def make_position(symbol: str = "BTCUSDT", **changes: object) -> Position:
    position = Position(
        symbol=symbol,
        quantity=Decimal("-0.004"),
        entry_price=Decimal("65000.1"),
        realized_pnl=Decimal("-1.5"),
        fees=Decimal("0.10400016"),
        funding=TINY,
        leverage=20,
        margin_mode=MarginMode.ISOLATED,
        isolated_margin=Decimal("13.000020"),
        updated_at=1_700_000_002_000,
    )
    return dataclasses.replace(position, **changes)  # type: ignore[arg-type]


def every_event() -> list[Event]:
    order = make_order(
        status=OrderStatus.PARTIALLY_FILLED,
        stop_price=None,
        filled_quantity=Decimal("0.004"),
        average_price=BIG,
        fees=TINY,
        exchange_order_id="8389765",
        reject_reason="partly",
    )
    payment = FundingPayment("BTCUSDT", Decimal("0.0001"), BIG, Decimal("-0.004"), TINY, 9)
    return [
        Event(EventKind.ORDER_UPDATED, 1, order, trace=TRACE),
        Event(EventKind.FILL_RECORDED, 2, make_fill(order=order)),
        Event(EventKind.POSITION_CHANGED, 3, make_position()),
        Event(EventKind.FUNDING_SETTLED, 4, payment),
        Event(EventKind.BALANCE_CHANGED, 5, Account("USDT", BIG, 5)),
        Event(
            EventKind.DISCREPANCY_FOUND,
            6,
            Discrepancy(
                DiscrepancyKind.POSITION, "BTCUSDT", "qty 0.004", "qty 0.005", "watching", 6
            ),
        ),
    ]


# Orders


async def test_an_added_order_is_found_by_order_id_and_by_client_order_id(
    uow: UnitOfWorkFactory,
) -> None:
    order = make_order()
    async with uow() as tx:
        await tx.orders.add(order)
        await tx.commit()
    async with uow() as tx:
        assert await tx.orders.get("order-1") == order
        assert await tx.orders.get_by_client_id("client-1") == order
        assert await tx.orders.get("order-2") is None
        assert await tx.orders.get_by_client_id("client-2") is None


@pytest.mark.parametrize(
    "changes",
    [
        {"quantity": TINY, "price": BIG},
        {"quantity": BIG, "price": TINY, "fees": Decimal("-0.000000000000000001")},
        {"quantity": Decimal("0.0100"), "price": Decimal("100"), "fees": Decimal("0E-8")},
        {"type": OrderType.STOP_MARKET, "price": None, "stop_price": BIG, "reduce_only": True},
        {"average_price": Decimal("99999999999999999999.999999999999999999")},
    ],
)
async def test_decimals_and_enums_come_back_exactly(
    uow: UnitOfWorkFactory, changes: dict[str, object]
) -> None:
    order = make_order(**changes)
    async with uow() as tx:
        await tx.orders.add(order)
        await tx.commit()
    async with uow() as tx:
        stored = await tx.orders.get(order.order_id)
    assert stored == order
    assert stored is not None
    for name in ("quantity", "price", "stop_price", "filled_quantity", "average_price", "fees"):
        value = getattr(stored, name)
        assert value is None or type(value) is Decimal
    assert type(stored.side) is Side
    assert type(stored.status) is OrderStatus
    assert type(stored.reduce_only) is bool


async def test_update_replaces_the_stored_order(uow: UnitOfWorkFactory) -> None:
    order = make_order()
    async with uow() as tx:
        await tx.orders.add(order)
        await tx.commit()
    order.accept("8389765", at=order.created_at + 5)
    order.record_fill(Decimal("0.004"), Decimal("65000.1"), TINY, at=order.created_at + 9)
    async with uow() as tx:
        await tx.orders.update(order)
        await tx.commit()
    async with uow() as tx:
        stored = await tx.orders.get("order-1")
    assert stored == order
    assert stored is not None
    assert stored.status is OrderStatus.PARTIALLY_FILLED
    assert stored.exchange_order_id == "8389765"


async def test_updating_an_unknown_order_raises_not_found(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        with pytest.raises(NotFound):
            await tx.orders.update(make_order())


async def test_a_repeated_client_order_id_raises_and_keeps_the_first(
    uow: UnitOfWorkFactory,
) -> None:
    first = make_order(1)
    async with uow() as tx:
        await tx.orders.add(first)
        await tx.commit()
    async with uow() as tx:
        with pytest.raises(PreconditionFailed):
            await tx.orders.add(make_order(2, client_order_id="client-1"))
        # The transaction is still usable after the refusal.
        await tx.orders.add(make_order(3))
        await tx.commit()
    async with uow() as tx:
        assert await tx.orders.get_by_client_id("client-1") == first
        assert await tx.orders.get("order-2") is None
        assert await tx.orders.get("order-3") is not None


async def test_a_repeated_order_id_raises_within_one_unit_of_work(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        await tx.orders.add(make_order(1))
        with pytest.raises(PreconditionFailed):
            await tx.orders.add(make_order(1, client_order_id="another"))
        with pytest.raises(PreconditionFailed):
            await tx.orders.add(make_order(2, client_order_id="client-1"))


async def test_list_returns_newest_first_up_to_the_limit(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        for n in (3, 1, 5, 2, 4):
            await tx.orders.add(make_order(n))
        await tx.commit()
    async with uow() as tx:
        everything = await tx.orders.list()
        newest = await tx.orders.list(limit=2)
    assert [o.order_id for o in everything] == [f"order-{n}" for n in (5, 4, 3, 2, 1)]
    assert [o.order_id for o in newest] == ["order-5", "order-4"]


async def test_list_breaks_timestamp_ties_by_insertion(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        for n in (2, 9, 1):
            await tx.orders.add(make_order(n, created_at=42))
        await tx.commit()
    async with uow() as tx:
        listed = await tx.orders.list()
    assert [o.order_id for o in listed] == ["order-1", "order-9", "order-2"]


async def test_list_filters_by_status_and_symbol(uow: UnitOfWorkFactory) -> None:
    rows = [
        make_order(1, status=OrderStatus.NEW),
        make_order(2, status=OrderStatus.OPEN, symbol="ETHUSDT"),
        make_order(3, status=OrderStatus.OPEN),
        make_order(4, status=OrderStatus.FILLED),
        make_order(5, status=OrderStatus.CANCELED, symbol="ETHUSDT"),
    ]
    async with uow() as tx:
        for order in rows:
            await tx.orders.add(order)
        await tx.commit()
    async with uow() as tx:
        open_orders = await tx.orders.list([OrderStatus.NEW, OrderStatus.OPEN])
        eth = await tx.orders.list(symbol="ETHUSDT")
        open_eth = await tx.orders.list([OrderStatus.OPEN], "ETHUSDT")
        none = await tx.orders.list([OrderStatus.EXPIRED])
    assert [o.order_id for o in open_orders] == ["order-3", "order-2", "order-1"]
    assert [o.order_id for o in eth] == ["order-5", "order-2"]
    assert [o.order_id for o in open_eth] == ["order-2"]
    assert none == []


async def test_a_read_order_is_a_snapshot(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        await tx.orders.add(make_order())
        await tx.commit()
    async with uow() as tx:
        read = await tx.orders.get("order-1")
        assert read is not None
        read.status = OrderStatus.OPEN
        assert (await tx.orders.get("order-1")) == make_order()


# Fills


async def test_a_fill_id_is_stored_once(uow: UnitOfWorkFactory) -> None:
    fill = make_fill()
    async with uow() as tx:
        assert await tx.fills.add(fill) is True
        assert await tx.fills.add(fill) is False
        await tx.commit()
    async with uow() as tx:
        assert await tx.fills.add(make_fill(price=Decimal(1))) is False
        assert await tx.fills.list() == [fill]


async def test_fills_list_newest_first_by_order_up_to_the_limit(uow: UnitOfWorkFactory) -> None:
    first, second = make_order(1), make_order(2)
    fills = [
        make_fill(1, first, quantity=TINY, price=BIG),
        make_fill(2, second, ts=5),
        make_fill(3, first, liquidity=Liquidity.TAKER, fee=Decimal("-0.01"), fee_asset="BNB"),
    ]
    async with uow() as tx:
        for fill in fills:
            assert await tx.fills.add(fill)
        await tx.commit()
    async with uow() as tx:
        assert await tx.fills.list() == [fills[2], fills[0], fills[1]]
        assert await tx.fills.list("order-1") == [fills[2], fills[0]]
        assert await tx.fills.list("order-1", limit=1) == [fills[2]]
        assert await tx.fills.list("order-9") == []


# Positions and the account


async def test_positions_are_saved_by_symbol(uow: UnitOfWorkFactory) -> None:
    eth = make_position("ETHUSDT", margin_mode=MarginMode.CROSS, isolated_margin=Decimal(0))
    btc = make_position()
    async with uow() as tx:
        assert await tx.positions.get("BTCUSDT") is None
        await tx.positions.save(eth)
        await tx.positions.save(btc)
        await tx.commit()
    moved = make_position(quantity=Decimal(0), entry_price=Decimal(0), updated_at=7)
    async with uow() as tx:
        assert await tx.positions.get("BTCUSDT") == btc
        await tx.positions.save(moved)
        await tx.commit()
    async with uow() as tx:
        assert await tx.positions.get("BTCUSDT") == moved
        assert await tx.positions.list() == [moved, eth]


async def test_the_account_is_one_row(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        assert await tx.accounts.get() is None
        await tx.accounts.save(Account("USDT", Decimal("10000"), 1))
        await tx.commit()
    async with uow() as tx:
        account = await tx.accounts.get()
        assert account == Account("USDT", Decimal("10000"), 1)
        assert account is not None
        account.credit(-TINY, 2)
        await tx.accounts.save(account)
        await tx.commit()
    async with uow() as tx:
        assert await tx.accounts.get() == Account("USDT", Decimal("9999.99999999"), 2)


# The event journal


async def test_every_event_kind_and_subject_comes_back_equal(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        assert await tx.events.last_sequence() == 0
        stored = [await tx.events.append(event) for event in every_event()]
        await tx.commit()
    sequences = [event.sequence for event in stored]
    assert sequences == sorted(sequences)
    assert sequences[0] > 0
    assert len(set(sequences)) == len(sequences)
    assert [dataclasses.replace(e, sequence=0) for e in stored] == every_event()
    async with uow() as tx:
        assert await tx.events.after(0) == stored
        assert await tx.events.last_sequence() == sequences[-1]
    assert {event.kind for event in stored} == set(EventKind)


async def test_after_returns_the_events_past_a_sequence_oldest_first(
    uow: UnitOfWorkFactory,
) -> None:
    async with uow() as tx:
        stored = [await tx.events.append(event) for event in every_event()]
        await tx.commit()
    async with uow() as tx:
        assert await tx.events.after(stored[1].sequence) == stored[2:]
        assert await tx.events.after(stored[1].sequence, limit=2) == stored[2:4]
        assert await tx.events.after(stored[-1].sequence) == []


async def test_a_journal_subject_is_a_snapshot(uow: UnitOfWorkFactory) -> None:
    order = make_order()
    async with uow() as tx:
        await tx.events.append(Event(EventKind.ORDER_UPDATED, 1, order))
        order.status = OrderStatus.OPEN
        await tx.commit()
    async with uow() as tx:
        (event,) = await tx.events.after(0)
    assert event.subject == make_order()


# Transactions


async def test_leaving_without_commit_discards_everything(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        await tx.orders.add(make_order())
        await tx.fills.add(make_fill())
        await tx.positions.save(make_position())
        await tx.accounts.save(Account("USDT", BIG, 1))
        await tx.events.append(every_event()[0])
        assert await tx.orders.get("order-1") is not None  # a unit of work reads its own writes
    await _assert_empty(uow)


async def test_an_error_rolls_back_and_propagates(uow: UnitOfWorkFactory) -> None:
    with pytest.raises(LookupError):
        await _fail_midway(uow)
    await _assert_empty(uow)


async def _fail_midway(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        await tx.orders.add(make_order())
        await tx.events.append(every_event()[0])
        raise LookupError


async def _assert_empty(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        assert await tx.orders.get("order-1") is None
        assert await tx.orders.list() == []
        assert await tx.fills.list() == []
        assert await tx.positions.list() == []
        assert await tx.accounts.get() is None
        assert await tx.events.after(0) == []
        assert await tx.events.last_sequence() == 0


async def test_a_commit_is_visible_to_the_next_unit_of_work_only_once_made(
    uow: UnitOfWorkFactory,
) -> None:
    async with uow() as writer:
        await writer.orders.add(make_order())
        await writer.events.append(every_event()[0])
        async with uow() as reader:
            assert await reader.orders.get("order-1") is None
            assert await reader.events.last_sequence() == 0
        await writer.commit()
    async with uow() as reader:
        assert await reader.orders.get("order-1") == make_order()
        assert len(await reader.events.after(0)) == 1


async def test_work_after_a_commit_needs_its_own_commit(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        await tx.orders.add(make_order(1))
        await tx.commit()
        await tx.orders.add(make_order(2))
    async with uow() as tx:
        assert [o.order_id for o in await tx.orders.list()] == ["order-1"]


# What only the SQL adapters do


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        (Decimal("1.0000000000000000005"), Decimal("1")),
        (Decimal("1.0000000000000000015"), Decimal("1.000000000000000002")),
        (Decimal(1) / Decimal(3), Decimal("0.333333333333333333")),
        (Decimal("-2.5E-19"), Decimal("0")),
    ],
)
async def test_sql_keeps_18_decimal_places_rounding_half_even(
    sql_uow: UnitOfWorkFactory, given: Decimal, kept: Decimal
) -> None:
    async with sql_uow() as tx:
        await tx.orders.add(make_order(average_price=given))
        await tx.commit()
    async with sql_uow() as tx:
        stored = await tx.orders.get("order-1")
    assert stored is not None
    assert stored.average_price == kept


async def test_sql_journal_keeps_every_digit(sql_uow: UnitOfWorkFactory) -> None:
    event = Event(EventKind.BALANCE_CHANGED, 1, Account("USDT", Decimal(1) / Decimal(3)))
    async with sql_uow() as tx:
        stored = await tx.events.append(event)
        await tx.commit()
    async with sql_uow() as tx:
        assert await tx.events.after(0) == [stored]


@pytest.mark.postgres
async def test_a_connection_lost_mid_transaction_raises_storage_unavailable(
    postgres_url: str,
) -> None:
    async with _database(postgres_url) as engine:
        uow = SqlaUnitOfWorkFactory(engine)
        with pytest.raises(StorageUnavailable):
            await _lose_the_connection_midway(uow, engine)
        async with uow() as tx:  # the pool has let the dead connections go
            assert await tx.orders.list() == []


async def _lose_the_connection_midway(uow: UnitOfWorkFactory, engine: AsyncEngine) -> None:
    async with uow() as tx:
        await tx.orders.add(make_order())
        async with engine.connect() as admin:
            await admin.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        await tx.orders.get("order-1")


async def test_an_unreachable_server_raises_storage_unavailable() -> None:
    engine = create_engine("postgresql+asyncpg://postgres@127.0.0.1:9/nowhere")
    try:
        with pytest.raises(StorageUnavailable):
            async with SqlaUnitOfWorkFactory(engine)():
                pass
    finally:
        await dispose(engine)


async def test_an_unopenable_sqlite_file_raises_storage_unavailable(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}")  # a directory, not a file
    try:
        with pytest.raises(StorageUnavailable):
            await migrate(engine)
    finally:
        await dispose(engine)
        await _aiosqlite_threads_stopped()


async def _aiosqlite_threads_stopped() -> None:
    # After a failed connect aiosqlite stops its worker thread without awaiting it; the
    # thread then reports to the loop, which must still be open when it does.
    for thread in threading.enumerate():
        if thread.name.endswith("(_connection_worker_thread)"):
            await asyncio.to_thread(thread.join, 5)


def test_a_sqlite_directory_that_cannot_be_made_raises_storage_unavailable(
    tmp_path: Path,
) -> None:
    (tmp_path / "file").write_text("in the way of a directory")
    with pytest.raises(StorageUnavailable):
        create_engine(f"sqlite+aiosqlite:///{tmp_path / 'file' / 'autotrader.db'}")
