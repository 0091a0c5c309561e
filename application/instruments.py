"""The instruments the venue trades, looked up by symbol."""

from __future__ import annotations

from collections.abc import Iterable

from domain.errors import InvalidInput
from domain.instrument import Instrument


class InstrumentCatalog:
    """Every tradable instrument, loaded once from the venue at start."""

    def __init__(self, instruments: Iterable[Instrument] = ()) -> None:
        self._by_symbol = {i.symbol: i for i in instruments}

    def replace_all(self, instruments: Iterable[Instrument]) -> None:
        self._by_symbol = {i.symbol: i for i in instruments}

    def get(self, symbol: str) -> Instrument:
        """Return the instrument, or raise InvalidInput naming the symbol field."""
        instrument = self._by_symbol.get(symbol)
        if instrument is None:
            known = ", ".join(sorted(self._by_symbol)) or "none"
            raise InvalidInput("symbol", f"unknown symbol {symbol!r} (known: {known})")
        return instrument

    def symbols(self) -> list[str]:
        return sorted(self._by_symbol)

    def __iter__(self) -> Iterable[Instrument]:
        return iter(self._by_symbol.values())
