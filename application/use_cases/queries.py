"""Read-side use cases: orders, positions with their risk figures, the account."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from application.events import Event
from application.instruments import InstrumentCatalog
from application.ledger import Ledger, PositionDefaults, UnitOfWorkFactory
from application.ports.market_data import PriceCache
from domain.account import Account, AccountSummary, summarize
from domain.errors import NotFound
from domain.fill import Fill
from domain.numbers import ZERO
from domain.order import OPEN_STATUSES, Order, OrderStatus
from domain.position import Position, liquidation_price


@dataclass(frozen=True, slots=True)
class PositionView:
    """A position valued at the current mark."""

    position: Position
    mark_price: Decimal | None
    unrealized_pnl: Decimal
    notional: Decimal
    maintenance_margin: Decimal
    liquidation_price: Decimal | None


class GetOrder:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, order_id: str) -> Order:
        """Find an order by our id or by its client order id."""
        async with self._uow() as uow:
            order = await uow.orders.get(order_id) or await uow.orders.get_by_client_id(order_id)
        if order is None:
            raise NotFound("order", order_id)
        return order


class ListOrders:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(
        self, statuses: Sequence[OrderStatus] = (), symbol: str | None = None, limit: int = 100
    ) -> list[Order]:
        async with self._uow() as uow:
            return await uow.orders.list(statuses, symbol, limit)


class ListFills:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, order_id: str | None = None, limit: int = 100) -> list[Fill]:
        async with self._uow() as uow:
            return await uow.fills.list(order_id, limit)


class Valuation:
    """Value positions and the account at the latest marks.

    With a ledger it reads the ledger's in-memory book (what was last committed), so
    frequent readers (risk, monitoring) cost no storage round trip; without one it
    reads storage.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        prices: PriceCache,
        instruments: InstrumentCatalog,
        defaults: PositionDefaults | None = None,
        ledger: Ledger | None = None,
    ) -> None:
        self._uow = uow
        self._prices = prices
        self._instruments = instruments
        self._defaults = defaults or PositionDefaults()
        self._ledger = ledger

    async def _book(self, with_orders: bool) -> tuple[Account | None, list[Position], list[Order]]:
        if self._ledger is not None:
            book = await self._ledger.snapshot()
            return book.account, list(book.positions), list(book.open_orders)
        async with self._uow() as uow:
            account = await uow.accounts.get()
            positions = await uow.positions.list()
            orders = await uow.orders.list(OPEN_STATUSES, None, 10_000) if with_orders else []
        return account, positions, orders

    async def positions(self, include_flat: bool = False) -> list[PositionView]:
        account, positions, _ = await self._book(with_orders=False)
        wallet = account.wallet_balance if account else ZERO
        open_positions = [p for p in positions if not p.is_flat]
        views = [self._view(p, open_positions, wallet) for p in open_positions]
        if include_flat:
            views += [self._view(p, [], wallet) for p in positions if p.is_flat]
        return views

    async def account(self) -> AccountSummary:
        account, positions, open_orders = await self._book(with_orders=True)
        if account is None:
            raise NotFound("account", "default")
        leverage = {p.symbol: p.leverage for p in positions}
        return summarize(
            account, positions, self._prices.marks(), self._order_margin(open_orders, leverage)
        )

    def _order_margin(self, orders: list[Order], leverage: dict[str, int]) -> Decimal:
        total = ZERO
        for order in orders:
            price = order.price or order.stop_price or self._prices.mark(order.symbol)
            if price is None or order.reduce_only:
                continue
            fallback = self._defaults.leverage_for(order.symbol)
            total += order.remaining * price / leverage.get(order.symbol, fallback)
        return total

    def _view(self, position: Position, book: list[Position], wallet: Decimal) -> PositionView:
        mark = self._prices.mark(position.symbol)
        value_at = mark if mark is not None else position.entry_price
        instrument = self._instruments.get(position.symbol)
        others = [p for p in book if p.symbol != position.symbol]
        other_mm = sum(
            (p.maintenance_margin(self._instruments.get(p.symbol), self._mark(p)) for p in others),
            ZERO,
        )
        other_upnl = sum((p.unrealized_pnl(self._mark(p)) for p in others), ZERO)
        return PositionView(
            position=position,
            mark_price=mark,
            unrealized_pnl=position.unrealized_pnl(value_at),
            notional=position.notional(value_at),
            maintenance_margin=position.maintenance_margin(instrument, value_at),
            liquidation_price=liquidation_price(position, instrument, wallet, other_mm, other_upnl),
        )

    def _mark(self, position: Position) -> Decimal:
        mark = self._prices.mark(position.symbol)
        return mark if mark is not None else position.entry_price


class ReadEvents:
    """Read the event journal by sequence number, for replays and resumption."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, after_sequence: int, limit: int = 1000) -> list[Event]:
        async with self._uow() as uow:
            return await uow.events.after(after_sequence, limit)

    async def last_sequence(self) -> int:
        async with self._uow() as uow:
            return await uow.events.last_sequence()
