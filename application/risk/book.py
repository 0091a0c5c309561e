"""Gather what the pre-trade checks need (positions, marks, equity) once per order."""

from __future__ import annotations

from decimal import Decimal

from application.ledger import Ledger, UnitOfWorkFactory
from application.ports.market_data import PriceCache
from domain.numbers import ZERO
from domain.order import OPEN_STATUSES, Order, Side
from domain.risk.limits import BookState, OrderIntent


def intent_of(order: Order) -> OrderIntent:
    """Return what the limit checks need of `order`."""
    return OrderIntent(
        symbol=order.symbol,
        side=order.side,
        type=order.type,
        quantity=order.quantity,
        price=order.price,
        reduce_only=order.reduce_only,
    )


class BookReader:
    """Read positions and the wallet, value them at the marks; remember the last order's read.

    Several checks look at the same order; the cache keyed by order id makes that one
    storage read. A position without a mark is valued at its entry price.
    """

    def __init__(
        self, uow: UnitOfWorkFactory, prices: PriceCache, ledger: Ledger | None = None
    ) -> None:
        self._uow = uow
        self._prices = prices
        # The ledger's in-memory book, when given, spares every order a storage read.
        self._ledger = ledger
        self._cached: tuple[str, BookState] | None = None

    async def for_order(self, order: Order) -> BookState:
        if self._cached is not None and self._cached[0] == order.order_id:
            return self._cached[1]
        book = await self.read()
        self._cached = (order.order_id, book)
        return book

    async def read(self) -> BookState:
        """Return the current book from the ledger (or storage) and the price cache."""
        if self._ledger is not None:
            snapshot = await self._ledger.snapshot()
            account = snapshot.account
            positions = list(snapshot.positions)
            orders = list(snapshot.open_orders)
        else:
            async with self._uow() as uow:
                positions = await uow.positions.list()
                account = await uow.accounts.get()
                orders = await uow.orders.list(OPEN_STATUSES, None, 100_000)
        marks = dict(self._prices.marks())
        sizes: dict[str, Decimal] = {}
        upnl = ZERO
        for p in positions:
            if p.is_flat:
                continue
            mark = marks.setdefault(p.symbol, p.entry_price)
            sizes[p.symbol] = p.quantity
            upnl += p.unrealized_pnl(mark)
        wallet = account.wallet_balance if account is not None else ZERO
        return BookState(sizes, marks, wallet + upnl, _resting(orders))


def _resting(orders: list[Order]) -> dict[str, tuple[Decimal, Decimal]]:
    """Sum the unfilled buys and sells per symbol of open orders that may add risk."""
    totals: dict[str, tuple[Decimal, Decimal]] = {}
    for order in orders:
        if order.reduce_only:
            continue
        buys, sells = totals.get(order.symbol, (ZERO, ZERO))
        if order.side is Side.BUY:
            buys += order.remaining
        else:
            sells += order.remaining
        totals[order.symbol] = (buys, sells)
    return totals
