"""Read a wide price CSV: a date column, then one column of prices per asset.

The first row is the header (the first cell names the date column, the others the
assets). Every other row is a date and one positive price per asset. Problems are
raised as InvalidInput naming the file, line and column.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from domain.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class PriceTable:
    assets: tuple[str, ...]
    dates: tuple[str, ...]
    prices: npt.NDArray[np.float64]


def read_price_table(path: Path) -> PriceTable:
    """Return the assets, dates and T x N prices of a wide CSV file."""
    rows = _rows(path)
    if not rows:
        raise InvalidInput("prices", f"{path}: the file is empty")
    header = [cell.strip() for cell in rows[0]]
    assets = tuple(header[1:])
    if len(assets) < 2:
        raise InvalidInput(
            "prices", f"{path}: need a date column and at least two asset columns in the header"
        )
    if any(not a for a in assets) or len(set(assets)) != len(assets):
        raise InvalidInput("prices", f"{path}: asset names in the header must be unique")
    dates: list[str] = []
    values: list[list[float]] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InvalidInput(
                "prices", f"{path}:{line}: {len(row)} cells, the header has {len(header)}"
            )
        dates.append(row[0].strip())
        values.append([_price(path, line, assets[i], cell) for i, cell in enumerate(row[1:])])
    if len(values) < 3:
        raise InvalidInput("prices", f"{path}: need at least 3 rows of prices, got {len(values)}")
    return PriceTable(assets, tuple(dates), np.array(values, dtype=np.float64))


def _rows(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput("prices", f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput("prices", f"{path}: cannot read: {error}") from None
    return list(csv.reader(text.splitlines()))


def _price(path: Path, line: int, asset: str, cell: str) -> float:
    try:
        value = float(cell.strip())
    except ValueError:
        raise InvalidInput(
            "prices", f"{path}:{line}: {asset} is not a number: {cell.strip()!r}"
        ) from None
    if not math.isfinite(value) or value <= 0:
        raise InvalidInput("prices", f"{path}:{line}: {asset} must be a positive price, got {cell}")
    return value
