"""Market data the trading path needs: the latest marks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True, slots=True)
class PriceUpdate:
    """A new mark price for a symbol."""

    symbol: str
    price: Decimal
    ts: int


PriceHandler = Callable[[PriceUpdate], Awaitable[None]]


class PriceFeed(Protocol):
    """A source of mark prices (the replay, a WebSocket stream)."""

    def subscribe_prices(self, handler: PriceHandler) -> None: ...


class PriceCache(Protocol):
    """The latest mark per symbol, shared by everything that values positions."""

    def set_mark(self, update: PriceUpdate) -> None: ...

    def mark(self, symbol: str) -> Decimal | None: ...

    def marks(self) -> Mapping[str, Decimal]: ...
