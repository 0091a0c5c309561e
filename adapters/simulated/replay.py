"""Price sources for paper trading and backtests: a seeded synthetic path and row replays.

The synthetic price is a pure function of (seed, symbol, ts), so a process that
restarts at any time continues on exactly the path it left.
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from adapters.simulated.instruments import default_instruments
from domain.errors import InvalidInput
from domain.instrument import Instrument
from domain.numbers import parse_decimal, parse_positive, round_to

# (period in ms, amplitude of the log-price): a few minutes up to a week.
_WAVES = (
    (5 * 60_000, 0.0008),
    (60 * 60_000, 0.003),
    (8 * 3_600_000, 0.008),
    (24 * 3_600_000, 0.015),
    (7 * 24 * 3_600_000, 0.04),
)
_NOISE = 0.0004
_NOISE_BUCKET_MS = 1_000
_TWO_PI = 2 * math.pi
_UNIT = float(1 << 64)

DEFAULT_START_PRICES: Mapping[str, Decimal] = {
    "BTCUSDT": Decimal("60000"),
    "ETHUSDT": Decimal("3000"),
    "BNBUSDT": Decimal("550"),
    "SOLUSDT": Decimal("150"),
    "XRPUSDT": Decimal("0.55"),
}

PriceRow = tuple[str, Decimal, int]


class DeterministicPriceReplay:
    """A synthetic last price per symbol: start × exp(seeded sinusoids + hashed noise)."""

    def __init__(
        self,
        symbols: Iterable[str],
        seed: int,
        start_prices: Mapping[str, Decimal] = DEFAULT_START_PRICES,
        instruments: Iterable[Instrument] | None = None,
    ) -> None:
        ticks = {i.symbol: i.tick_size for i in instruments or default_instruments()}
        self._symbols = tuple(symbols)
        self._seed = seed
        self._paths: dict[str, tuple[float, Decimal, tuple[tuple[int, float, float], ...]]] = {}
        for symbol in self._symbols:
            if symbol not in ticks:
                raise InvalidInput("symbols", f"no instrument (tick size) for {symbol!r}")
            start = parse_positive(start_prices.get(symbol), f"start_prices.{symbol}")
            waves = tuple(
                (period, amplitude * (0.5 + _unit(seed, symbol, "amp", k)), _phase(seed, symbol, k))
                for k, (period, amplitude) in enumerate(_WAVES)
            )
            self._paths[symbol] = (float(start), ticks[symbol], waves)

    @property
    def symbols(self) -> Sequence[str]:
        return self._symbols

    def price_at(self, symbol: str, ts: int) -> Decimal:
        """Return the price of `symbol` at `ts` (ms), rounded to the instrument tick."""
        path = self._paths.get(symbol)
        if path is None:
            raise InvalidInput("symbol", f"{symbol!r} is not replayed")
        start, tick, waves = path
        exponent = sum(
            amplitude * math.sin(_TWO_PI * (ts % period) / period + phase)
            for period, amplitude, phase in waves
        )
        noise = _unit(self._seed, symbol, "noise", ts // _NOISE_BUCKET_MS) * 2 - 1
        value = start * math.exp(exponent + noise * _NOISE)
        return max(round_to(Decimal(repr(value)), tick), tick)


def _unit(seed: int, symbol: str, kind: str, index: int) -> float:
    """Return a number in [0, 1) that depends only on the arguments."""
    key = f"{seed}:{symbol}:{kind}:{index}".encode()
    digest = hashlib.blake2b(key, digest_size=8).digest()
    return int.from_bytes(digest, "big") / _UNIT


def _phase(seed: int, symbol: str, index: int) -> float:
    return _TWO_PI * _unit(seed, symbol, "phase", index)


class RowReplay:
    """Replay recorded (symbol, price, ts) rows in order, checking each one.

    A row is a mapping with `symbol`, `price` and `ts` keys or a sequence in that
    order; timestamps must never go backwards.
    """

    def __init__(self, rows: Iterable[Mapping[str, object] | Sequence[object]]) -> None:
        self._rows = rows

    @classmethod
    def from_csv(cls, path: str | Path) -> RowReplay:
        """Replay a CSV file with a `symbol,price,ts` header; it is read lazily."""
        return cls(_CsvRows(Path(path)))

    def __iter__(self) -> Iterator[PriceRow]:
        previous = -1
        for number, row in enumerate(self._rows, start=1):
            symbol, price, ts = _parse_row(row, number)
            if ts < previous:
                raise InvalidInput("ts", f"row {number} goes back in time ({ts} < {previous})")
            previous = ts
            yield symbol, price, ts


class _CsvRows:
    def __init__(self, path: Path) -> None:
        self._path = path

    def __iter__(self) -> Iterator[Mapping[str, object]]:
        with self._path.open(newline="") as handle:
            yield from csv.DictReader(handle)


def _parse_row(row: Mapping[str, object] | Sequence[object], number: int) -> PriceRow:
    fields: tuple[object, ...]
    if isinstance(row, Mapping):
        fields = (row.get("symbol"), row.get("price"), row.get("ts"))
    else:
        fields = tuple(row)
    if len(fields) != 3:
        raise InvalidInput("row", f"row {number} needs symbol, price and ts")
    symbol, price, ts = fields
    if not isinstance(symbol, str) or not symbol:
        raise InvalidInput("symbol", f"row {number} has no symbol")
    stamp = parse_decimal(ts, f"row {number} ts")
    if stamp != stamp.to_integral_value():
        raise InvalidInput("ts", f"row {number}: {ts!r} is not whole milliseconds")
    return symbol, parse_positive(price, f"row {number} price"), int(stamp)
