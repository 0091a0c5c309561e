"""The in-process price cache (the embedded default for PriceCache)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from application.ports.market_data import PriceUpdate


class InMemoryPriceCache:
    def __init__(self) -> None:
        self._marks: dict[str, Decimal] = {}
        self._ts: dict[str, int] = {}

    def set_mark(self, update: PriceUpdate) -> None:
        if update.ts >= self._ts.get(update.symbol, 0):
            self._marks[update.symbol] = update.price
            self._ts[update.symbol] = update.ts

    def mark(self, symbol: str) -> Decimal | None:
        return self._marks.get(symbol)

    def marks(self) -> Mapping[str, Decimal]:
        return dict(self._marks)
