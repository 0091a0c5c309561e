"""Resting orders per symbol, in time priority, with the prices at which any of them fires."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from adapters.simulated.quotes import fires_on_fall, trigger_price
from domain.order import Order

_NO_BOUNDS = (Decimal("-Infinity"), Decimal("Infinity"))


class RestingBook:
    """The venue's resting limit, stop and take-profit orders.

    For each symbol it keeps the highest trigger among orders that fire on a fall
    and the lowest among those that fire on a rise, so a price between the two is
    known to fire nothing after two comparisons.
    """

    def __init__(self, symbols: Iterable[str]) -> None:
        self._symbols = tuple(symbols)
        self.clear()

    def clear(self) -> None:
        self._by_symbol: dict[str, dict[str, Order]] = {s: {} for s in self._symbols}
        self._by_client_id: dict[str, Order] = {}
        self._bounds = dict.fromkeys(self._symbols, _NO_BOUNDS)

    def add(self, order: Order) -> None:
        self._by_symbol[order.symbol][order.client_order_id] = order
        self._by_client_id[order.client_order_id] = order
        self._rebound(order.symbol)

    def remove(self, order: Order) -> None:
        del self._by_symbol[order.symbol][order.client_order_id]
        del self._by_client_id[order.client_order_id]
        self._rebound(order.symbol)

    def get(self, client_order_id: str) -> Order | None:
        return self._by_client_id.get(client_order_id)

    def __contains__(self, client_order_id: object) -> bool:
        return client_order_id in self._by_client_id

    def __iter__(self) -> Iterator[Order]:
        """Iterate over every resting order, oldest first."""
        return iter(self._by_client_id.values())

    def orders(self, symbol: str) -> list[Order]:
        """Return a snapshot of the symbol's orders, oldest first, safe to mutate against."""
        return list(self._by_symbol[symbol].values())

    def may_fire(self, symbol: str, price: Decimal) -> bool:
        """Tell whether some order in `symbol` could fire at `price` (never a false no)."""
        low, high = self._bounds.get(symbol, _NO_BOUNDS)
        return price <= low or price >= high

    def _rebound(self, symbol: str) -> None:
        low, high = _NO_BOUNDS
        for order in self._by_symbol[symbol].values():
            if fires_on_fall(order):
                low = max(low, trigger_price(order))
            else:
                high = min(high, trigger_price(order))
        self._bounds[symbol] = (low, high)
