"""The in-memory store, tuned for long backtests: same semantics, bounded per-bar cost.

`InMemoryStore` answers "which orders are open?" by scanning every order ever stored,
which a backtest placing tens of thousands of orders pays on every new order (the risk
chain and the valuation ask). This store keeps the open orders indexed on commit, and
does not keep the event journal (a backtest reads events from the ledger's publisher).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Self

from adapters.memory.storage import (
    InMemoryEventJournal,
    InMemoryOrderRepository,
    InMemoryStore,
    InMemoryUnitOfWork,
    _Rows,
)
from application.events import Event
from application.ports.storage import UnitOfWork
from domain.order import Order, OrderStatus


class _IndexedRows(_Rows):
    """Committed rows that also know which orders are unfinished (NEW, OPEN, PARTIALLY_FILLED)."""

    def __init__(self) -> None:
        super().__init__()
        self.open_ids: set[str] = set()

    def merge(self, changes: _Rows) -> None:
        for order_id, (_, order) in changes.orders.items():
            if not order.status.is_final:
                self.open_ids.add(order_id)
            else:
                self.open_ids.discard(order_id)
        super().merge(changes)


class _IndexedOrders(InMemoryOrderRepository):
    async def list(
        self,
        statuses: Sequence[OrderStatus] = (),
        symbol: str | None = None,
        limit: int = 100,
    ) -> list[Order]:
        committed = self._committed
        if not statuses or any(s.is_final for s in statuses):
            return await super().list(statuses, symbol, limit)
        assert isinstance(committed, _IndexedRows)
        rows = {i: committed.orders[i] for i in committed.open_ids} | self._changes.orders
        chosen = [
            (rank, order)
            for rank, order in rows.values()
            if order.status in statuses and (symbol is None or order.symbol == symbol)
        ]
        chosen.sort(key=lambda row: (row[1].created_at, row[0]), reverse=True)
        return [copy.copy(order) for _, order in chosen[:limit]]


class _PassingJournal(InMemoryEventJournal):
    """Numbers events and hands them back; keeps none (nothing reads a backtest's journal).

    The ledger builds every event from a snapshot already, so no copy is taken here.
    """

    async def append(self, event: Event) -> Event:
        return event.stored_as(self._store.next_sequence())

    async def append_many(self, events: Sequence[Event]) -> list[Event]:
        return [e.stored_as(self._store.next_sequence()) for e in events]


class BacktestStore(InMemoryStore):
    """InMemoryStore with an unfinished-order index and a journal that keeps nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.committed = _IndexedRows()

    def unit_of_work(self) -> UnitOfWork:
        return _BacktestUnitOfWork(self)


class _BacktestUnitOfWork(InMemoryUnitOfWork):
    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.orders = _IndexedOrders(self._store, self._changes)
        self.events = _PassingJournal(self._store, self._changes)
        return self
