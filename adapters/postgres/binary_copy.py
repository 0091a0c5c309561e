"""PostgreSQL's binary COPY format to and from numpy, without a Python object per row.

A binary COPY stream is a header, then per row an int16 field count and, per field,
an int32 byte length and the big-endian value, then an int16 -1 trailer. Rows whose
fields all have a fixed width share one layout, so a whole stream is one numpy
structured array. Text columns vary in width, so `encode` groups rows by their text
values (a handful of symbols) and lays each group out as one array.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
TRAILER = b"\xff\xff"
# timestamptz travels as microseconds since 2000-01-01 UTC.
PG_EPOCH_MS = 946_684_800_000

Kind = Literal["text", "ts", "f8", "i8", "bool"]
_WIRE: dict[str, str] = {"ts": ">i8", "f8": ">f8", "i8": ">i8", "bool": "?"}
_NATIVE: dict[str, str] = {"ts": "int64", "f8": "float64", "i8": "int64", "bool": "bool"}


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its name (the same in frames and in the table) and its wire kind."""

    name: str
    kind: Kind


def encode(frame: pd.DataFrame, columns: Sequence[Column]) -> bytes:
    """Return `frame` as one binary COPY stream of `columns`, timestamps given in ms."""
    texts = [c.name for c in columns if c.kind == "text"]
    parts = [HEADER]
    groups = frame.groupby(texts, sort=False) if texts else [((), frame)]
    for key, rows in groups:
        values = dict(zip(texts, key if isinstance(key, tuple) else (key,), strict=True))
        parts.append(_encode_group(rows, columns, values))
    parts.append(TRAILER)
    return b"".join(parts)


def _encode_group(rows: pd.DataFrame, columns: Sequence[Column], texts: Mapping[str, str]) -> bytes:
    fields: list[tuple[str, str]] = [("count", ">i2")]
    widths: dict[str, int] = {}
    for column in columns:
        if column.kind == "text":
            widths[column.name] = len(texts[column.name].encode())
            wire = f"S{widths[column.name]}"
        else:
            wire = _WIRE[column.kind]
        fields += [(f"{column.name}__len", ">i4"), (column.name, wire)]
    out = np.empty(len(rows), dtype=np.dtype(fields))
    out["count"] = len(columns)
    for column in columns:
        out[f"{column.name}__len"] = (
            widths[column.name] if column.kind == "text" else out.dtype[column.name].itemsize
        )
        out[column.name] = _wire_values(rows, column, texts)
    return out.tobytes()


def _wire_values(rows: pd.DataFrame, column: Column, texts: Mapping[str, str]) -> object:
    if column.kind == "text":
        return texts[column.name].encode()
    values = rows[column.name].to_numpy()
    if column.kind == "ts":
        return (values.astype(np.int64) - PG_EPOCH_MS) * 1000
    return values


def decode(data: bytes, columns: Sequence[Column]) -> dict[str, npt.NDArray[np.generic]]:
    """Return the columns of a binary COPY stream of fixed-width `columns`, ts in ms."""
    fields: list[tuple[str, str]] = [("count", ">i2")]
    for column in columns:
        if column.kind == "text":
            raise ValueError(f"cannot decode the text column {column.name!r} as a fixed layout")
        fields += [(f"{column.name}__len", ">i4"), (column.name, _WIRE[column.kind])]
    layout = np.dtype(fields)
    body = len(data) - len(HEADER) - len(TRAILER)
    if data[: len(HEADER)] != HEADER or body < 0 or body % layout.itemsize:
        raise ValueError("not a binary COPY stream of the expected columns (a NULL value?)")
    rows = np.frombuffer(data, dtype=layout, count=body // layout.itemsize, offset=len(HEADER))
    result: dict[str, npt.NDArray[np.generic]] = {}
    for column in columns:
        values = rows[column.name].astype(_NATIVE[column.kind])
        if column.kind == "ts":
            values = values // 1000 + PG_EPOCH_MS
        result[column.name] = values
    return result
