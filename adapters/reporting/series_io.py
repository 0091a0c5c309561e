"""Read a user's equity or returns CSV into epoch-millisecond and value arrays.

The file needs a time column and a value column, with or without a header row:

* time: ISO 8601 dates or date-times (naive ones are taken as UTC), or epoch numbers in
  seconds, milliseconds, microseconds or nanoseconds, told apart by their size;
* value: a plain number; a returns file may also write percentages such as ``1.5%``.

Columns are found by name (``date``, ``timestamp``, ``equity``, ``return``...), else by
position when the file has exactly two. Rows must be in strictly increasing time order.
Every problem is reported as ``InvalidInput`` (a ``ValueError``) naming the file, line
and column.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from domain.errors import InvalidInput

TIME_NAMES = ("timestamp", "time", "date", "datetime", "ts", "open_time", "close_time")
EQUITY_NAMES = ("equity", "value", "nav", "balance", "portfolio_value")
RETURN_NAMES = ("return", "returns", "ret", "value", "pnl_pct")

# Epoch magnitude bounds: seconds stay below 1e11 until the year 5138, and each finer
# unit is a thousand times larger, so the size of a stamp tells its unit.
_UNITS = (
    (1e11, 1_000.0, "seconds"),
    (1e14, 1.0, "milliseconds"),
    (1e17, 1e-3, "microseconds"),
    (math.inf, 1e-6, "nanoseconds"),
)

Series = tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]
Check = Callable[[float], str | None]
TimeFormat = tuple[str, Callable[[str], int | None]]


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    cells: list[str]


@dataclass(frozen=True, slots=True)
class _Columns:
    time: int
    value: int
    names: tuple[str, ...]
    header: bool


def read_equity_csv(
    path: str | Path, time_column: str | None = None, value_column: str | None = None
) -> Series:
    """Read an equity curve: one positive account value per timestamp."""
    return _read(Path(path), EQUITY_NAMES, _positive, time_column, value_column, percent=False)


def read_returns_csv(
    path: str | Path, time_column: str | None = None, value_column: str | None = None
) -> Series:
    """Read periodic simple returns (0.01 or ``1%`` for one percent), each above -100%."""
    return _read(
        Path(path), RETURN_NAMES, _above_minus_one, time_column, value_column, percent=True
    )


def _read(
    path: Path,
    value_names: Sequence[str],
    check: Check,
    time_column: str | None,
    value_column: str | None,
    *,
    percent: bool,
) -> Series:
    rows = _rows(path)
    columns = _columns(path, rows, value_names, time_column, value_column)
    body = rows[1:] if columns.header else rows
    if not body:
        raise InvalidInput(str(path), "has no data rows")
    stamps = _times(path, body, columns)
    values = [_value(path, row, columns, check, percent) for row in body]
    return stamps, np.array(values, dtype=np.float64)


def _rows(path: Path) -> list[_Row]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(str(path), f"cannot be read: {exc}") from exc
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    rows = [_Row(reader.line_num, [cell.strip() for cell in cells]) for cells in reader]
    rows = [row for row in rows if any(row.cells)]
    if not rows:
        raise InvalidInput(str(path), "is empty")
    return rows


def _dialect(text: str) -> type[csv.Dialect]:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _columns(
    path: Path,
    rows: list[_Row],
    value_names: Sequence[str],
    time_column: str | None,
    value_column: str | None,
) -> _Columns:
    first = rows[0].cells
    header = not _is_data(first)
    names = tuple(first) if header else tuple(f"column {i + 1}" for i in range(len(first)))
    time = _pick(path, names, time_column, TIME_NAMES, fallback=0)
    others = [i for i in range(len(names)) if i != time]
    value = _pick(path, names, value_column, value_names, fallback=_only(others))
    return _Columns(time=time, value=value, names=names, header=header)


def _is_data(cells: list[str]) -> bool:
    # A header has at least one cell that is neither a number nor a date.
    return all(_is_number(cell) or _iso_ms(cell) is not None for cell in cells)


def _pick(
    path: Path,
    names: tuple[str, ...],
    wanted: str | None,
    known: Sequence[str],
    fallback: int | None,
) -> int:
    folded = [name.lower() for name in names]
    if wanted is not None:
        if wanted.lower() not in folded:
            raise InvalidInput(str(path), f"has no column {wanted!r}; columns are {list(names)}")
        return folded.index(wanted.lower())
    for name in known:
        if name in folded:
            return folded.index(name)
    if fallback is None:
        raise InvalidInput(
            str(path), f"cannot tell which column holds the values among {list(names)}"
        )
    return fallback


def _only(indices: list[int]) -> int | None:
    return indices[0] if len(indices) == 1 else None


def _times(path: Path, rows: list[_Row], columns: _Columns) -> npt.NDArray[np.int64]:
    first = _cell(path, rows[0], columns.time, columns)
    expected, parse = _epoch_format(float(first)) if _is_number(first) else _ISO_FORMAT
    stamps: list[int] = []
    for row in rows:
        cell = _cell(path, row, columns.time, columns)
        stamp = parse(cell)
        if stamp is None:
            raise _bad(path, row, columns.time, columns, f"{cell!r} is not {expected}")
        if stamps and stamp <= stamps[-1]:
            reason = f"{cell!r} is not after the row before it; sort the file, drop duplicates"
            raise _bad(path, row, columns.time, columns, reason)
        stamps.append(stamp)
    return np.array(stamps, dtype=np.int64)


def _epoch_format(sample: float) -> TimeFormat:
    index = next(i for i, (bound, _, _) in enumerate(_UNITS) if abs(sample) < bound)
    bound, to_ms, unit = _UNITS[index]
    floor = _UNITS[index - 1][0] if index else 0.0

    def parse(cell: str) -> int | None:
        if not _is_number(cell) or not floor <= abs(float(cell)) < bound:
            return None
        return round(float(cell) * to_ms)

    return f"epoch {unit} like the first row", parse


def _iso_ms(cell: str) -> int | None:
    try:
        moment = datetime.fromisoformat(cell)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


_ISO_FORMAT: TimeFormat = ("an ISO 8601 date or date-time", _iso_ms)


def _value(path: Path, row: _Row, columns: _Columns, check: Check, percent: bool) -> float:
    cell = _cell(path, row, columns.value, columns)
    text, scale = (cell[:-1].strip(), 0.01) if percent and cell.endswith("%") else (cell, 1.0)
    if not _is_number(text):
        raise _bad(path, row, columns.value, columns, f"{cell!r} is not a number")
    value = float(text) * scale
    problem = "is not finite" if not math.isfinite(value) else check(value)
    if problem is not None:
        raise _bad(path, row, columns.value, columns, f"{cell!r} {problem}")
    return value


def _cell(path: Path, row: _Row, index: int, columns: _Columns) -> str:
    if index >= len(row.cells):
        raise _bad(path, row, index, columns, f"is missing: the row has {len(row.cells)} cells")
    if not row.cells[index]:
        raise _bad(path, row, index, columns, "is empty")
    return row.cells[index]


def _bad(path: Path, row: _Row, index: int, columns: _Columns, reason: str) -> InvalidInput:
    return InvalidInput(f"{path.name}, line {row.line}, column {columns.names[index]!r}", reason)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _positive(value: float) -> str | None:
    return None if value > 0.0 else "must be positive for an equity curve"


def _above_minus_one(value: float) -> str | None:
    return None if value > -1.0 else "is a loss of 100% or more, which a return cannot be"
