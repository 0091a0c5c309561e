"""PostgreSQL binary COPY encoding and decoding with numpy, checked byte by byte."""

from __future__ import annotations

import struct

import numpy as np
import pandas as pd
import pytest

from adapters.postgres.binary_copy import HEADER, PG_EPOCH_MS, TRAILER, Column, decode, encode

COLUMNS = (Column("symbol", "text"), Column("ts", "ts"), Column("px", "f8"), Column("b", "bool"))


def test_one_row_is_laid_out_as_postgresql_expects() -> None:
    frame = pd.DataFrame({"symbol": ["BTC"], "ts": [PG_EPOCH_MS + 1], "px": [1.5], "b": [True]})
    data = encode(frame, COLUMNS)
    row = struct.pack(">h", 4)
    row += struct.pack(">i", 3) + b"BTC"
    row += struct.pack(">iq", 8, 1000)  # microseconds since 2000-01-01
    row += struct.pack(">id", 8, 1.5)
    row += struct.pack(">i?", 1, True)
    assert data == HEADER + row + TRAILER


def test_rows_of_different_symbols_all_come_through() -> None:
    frame = pd.DataFrame(
        {"symbol": ["A", "BB", "A"], "ts": [0, 60_000, 120_000], "px": [1.0, 2.0, 3.0], "b": False}
    )
    data = encode(frame, COLUMNS)
    per_row = 2 + 4 + (4 + 8) + (4 + 8) + (4 + 1)  # count, symbol length, ts, px, b
    assert len(data) == len(HEADER) + len(TRAILER) + 3 * per_row + len("A" + "BB" + "A")


def test_decode_returns_native_arrays() -> None:
    frame = pd.DataFrame({"ts": np.array([0, 60_000], np.int64), "px": [1.25, -2.5]})
    columns = (Column("ts", "ts"), Column("px", "f8"))
    got = decode(encode(frame, columns), columns)
    assert got["ts"].tolist() == [0, 60_000]
    assert got["px"].dtype == np.float64
    assert got["px"].tolist() == [1.25, -2.5]


def test_decode_refuses_a_stream_of_another_shape() -> None:
    columns = (Column("ts", "ts"), Column("px", "f8"))
    data = encode(pd.DataFrame({"ts": [0], "px": [1.0]}), columns)
    with pytest.raises(ValueError, match="expected columns"):
        decode(data, (Column("ts", "ts"),))
