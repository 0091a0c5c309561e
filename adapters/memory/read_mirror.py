"""Keep serving reads while the database is down: a mirror kept from the event stream.

`ReadMirror` holds the last known account, positions, recent orders, fills and events,
seeded from the database at start and then kept current by every published event.
`FallbackUnitOfWorkFactory` wraps the real unit of work: when the database cannot be
reached, reads come from the mirror and any write raises StorageUnavailable, so the
service stops accepting orders but still answers queries. Nothing is configured to
recover: the next unit of work simply tries the database again.
"""

from __future__ import annotations

import copy
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Self

from application.events import Event
from application.ports.storage import StorageUnavailable, UnitOfWork
from domain.account import Account
from domain.fill import Fill
from domain.order import Order, OrderStatus
from domain.position import Position

READ_METHODS = frozenset({"get", "get_by_client_id", "list", "after", "last_sequence"})


class ReadMirror:
    """The last known state, as events described it; bounded to recent orders and events."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self.orders: OrderedDict[str, Order] = OrderedDict()
        self.fills: deque[Fill] = deque(maxlen=capacity)
        self.positions: dict[str, Position] = {}
        self.account: Account | None = None
        self.events: deque[Event] = deque(maxlen=capacity)
        self.last_sequence = 0

    async def seed(self, uow: Callable[[], UnitOfWork]) -> None:
        """Load the current state from the database (at start, while it is up)."""
        async with uow() as u:
            self.account = await u.accounts.get()
            for position in await u.positions.list():
                self.positions[position.symbol] = position
            for order in reversed(await u.orders.list((), None, self._capacity)):
                self._keep_order(order)
            self.fills.extend(reversed(await u.fills.list(None, self._capacity)))
            self.last_sequence = await u.events.last_sequence()
            start = max(self.last_sequence - 1000, 0)
            self.events.extend(await u.events.after(start, 1000))

    def apply(self, event: Event) -> None:
        """Take in a published event (in sequence order); older than the seed is ignored."""
        if 0 < event.sequence <= self.last_sequence:
            return
        subject = copy.copy(event.subject)
        if isinstance(subject, Order):
            self._keep_order(subject)
        elif isinstance(subject, Fill):
            self.fills.append(subject)
        elif isinstance(subject, Position):
            self.positions[subject.symbol] = subject
        elif isinstance(subject, Account):
            self.account = subject
        if event.sequence > 0:
            self.last_sequence = event.sequence
            self.events.append(event)

    def _keep_order(self, order: Order) -> None:
        self.orders[order.order_id] = order
        self.orders.move_to_end(order.order_id)
        while len(self.orders) > self._capacity:
            oldest = next(iter(self.orders))
            if not self.orders[oldest].status.is_final:
                break  # never forget an open order
            del self.orders[oldest]

    def unit_of_work(self) -> MirrorUnitOfWork:
        return MirrorUnitOfWork(self)


def _down(*_: Any, **__: Any) -> Any:
    raise StorageUnavailable("the database is down; serving reads from the cache only")


class _MirrorOrders:
    def __init__(self, mirror: ReadMirror) -> None:
        self._m = mirror

    add = update = _down

    async def get(self, order_id: str) -> Order | None:
        return copy.copy(self._m.orders.get(order_id))

    async def get_by_client_id(self, client_order_id: str) -> Order | None:
        for order in self._m.orders.values():
            if order.client_order_id == client_order_id:
                return copy.copy(order)
        return None

    async def list(
        self, statuses: Sequence[OrderStatus] = (), symbol: str | None = None, limit: int = 100
    ) -> list[Order]:
        found = [
            copy.copy(o)
            for o in reversed(self._m.orders.values())
            if (not statuses or o.status in statuses) and (symbol is None or o.symbol == symbol)
        ]
        return sorted(found, key=lambda o: o.created_at, reverse=True)[:limit]


class _MirrorFills:
    def __init__(self, mirror: ReadMirror) -> None:
        self._m = mirror

    add = _down

    async def list(self, order_id: str | None = None, limit: int = 100) -> list[Fill]:
        fills = [f for f in reversed(self._m.fills) if order_id is None or f.order_id == order_id]
        return fills[:limit]


class _MirrorPositions:
    def __init__(self, mirror: ReadMirror) -> None:
        self._m = mirror

    save = _down

    async def get(self, symbol: str) -> Position | None:
        return copy.copy(self._m.positions.get(symbol))

    async def list(self) -> list[Position]:
        return [copy.copy(p) for _, p in sorted(self._m.positions.items())]


class _MirrorAccount:
    def __init__(self, mirror: ReadMirror) -> None:
        self._m = mirror

    save = _down

    async def get(self) -> Account | None:
        return copy.copy(self._m.account)


class _MirrorEvents:
    def __init__(self, mirror: ReadMirror) -> None:
        self._m = mirror

    append = _down

    async def after(self, sequence: int, limit: int = 1000) -> list[Event]:
        return [e for e in self._m.events if e.sequence > sequence][:limit]

    async def last_sequence(self) -> int:
        return self._m.last_sequence


class MirrorUnitOfWork:
    """A read-only UnitOfWork over the mirror: every write raises StorageUnavailable."""

    def __init__(self, mirror: ReadMirror) -> None:
        self.orders: Any = _MirrorOrders(mirror)
        self.fills: Any = _MirrorFills(mirror)
        self.positions: Any = _MirrorPositions(mirror)
        self.accounts: Any = _MirrorAccount(mirror)
        self.events: Any = _MirrorEvents(mirror)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_: object) -> None:
        return None

    commit = _down


class _Either:
    """A repository that reads from the mirror once a database read has failed.

    After one failure the connection is unusable for the rest of the unit of work,
    so every later read goes to the mirror too.
    """

    def __init__(self, primary: Any, fallback: Any, owner: FallbackUnitOfWork) -> None:
        self._primary = primary
        self._fallback = fallback
        self._owner = owner

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._primary, name)
        if name not in READ_METHODS:
            return method

        async def read(*args: Any, **kwargs: Any) -> Any:
            if not self._owner.degraded:
                try:
                    return await method(*args, **kwargs)
                except StorageUnavailable:
                    self._owner.degraded = True
            return await getattr(self._fallback, name)(*args, **kwargs)

        return read


class FallbackUnitOfWork:
    """The database's unit of work, or the mirror's when the database is out of reach."""

    def __init__(self, primary: UnitOfWork, mirror: ReadMirror) -> None:
        self._primary = primary
        self._mirror = mirror.unit_of_work()
        self._active: Any = None
        self.degraded = False

    async def __aenter__(self) -> Self:
        names = ("orders", "fills", "positions", "accounts", "events")
        try:
            await self._primary.__aenter__()
            self._active = self._primary
            for name in names:
                primary, mirror = getattr(self._primary, name), getattr(self._mirror, name)
                setattr(self, name, _Either(primary, mirror, self))
        except StorageUnavailable:
            self.degraded = True
            self._active = self._mirror
            for name in names:
                setattr(self, name, getattr(self._mirror, name))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._active.__aexit__(exc_type, exc, tb)

    async def commit(self) -> None:
        if self.degraded:
            _down()
        await self._active.commit()


class FallbackUnitOfWorkFactory:
    """Make FallbackUnitOfWorks over a database factory and one mirror."""

    def __init__(self, primary: Callable[[], UnitOfWork], mirror: ReadMirror) -> None:
        self._primary = primary
        self.mirror = mirror

    def __call__(self) -> UnitOfWork:
        uow: UnitOfWork = FallbackUnitOfWork(self._primary(), self.mirror)  # type: ignore[assignment]
        return uow
