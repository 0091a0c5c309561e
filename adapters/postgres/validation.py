"""Vectorised checks on a market-data frame before it is written: bad data fails fast."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from domain.errors import InvalidInput
from domain.market.candles import Timeframe

if TYPE_CHECKING:
    from adapters.postgres.market_data import Series

_POSITIVE = ("open", "high", "low", "close", "price", "qty", "mark", "index_price", "mark_price")
_LENGTHS = {tf.value: tf.ms for tf in Timeframe}


def check_frame(series: Series, frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` reduced to the series' columns, or raise InvalidInput on bad rows."""
    missing = [name for name in series.names if name not in frame.columns]
    if missing:
        raise InvalidInput("frame", f"missing columns {missing} for {series.table}")
    frame = frame.loc[:, list(series.names)]
    for column in series.columns:
        values = frame[column.name].to_numpy()
        if column.kind == "text":
            _check_text(column.name, values)
        elif column.kind in {"ts", "i8"}:
            _check_integers(column.name, values)
        elif column.kind == "f8":
            _check_numbers(column.name, values)
    if "timeframe" in frame.columns:
        _check_timeframes(frame)
    if "high" in frame.columns:
        _check_bars(frame)
    return frame


def _check_text(name: str, values: np.ndarray) -> None:
    # Few distinct values (symbols, timeframes): check those, not every row.
    for value in pd.unique(values):
        if not isinstance(value, str) or not value or value != value.strip():
            raise InvalidInput(name, f"must be a non-empty bare string, got {value!r}")


def _check_integers(name: str, values: np.ndarray) -> None:
    if not np.issubdtype(values.dtype, np.integer):
        raise InvalidInput(name, f"must be integer milliseconds, got dtype {values.dtype}")
    if values.size and values.min() < 0:
        raise InvalidInput(name, "must be >= 0")


def _check_numbers(name: str, values: np.ndarray) -> None:
    if not np.issubdtype(values.dtype, np.number):
        raise InvalidInput(name, f"must be numeric, got dtype {values.dtype}")
    if not np.isfinite(values).all():
        raise InvalidInput(name, "must be finite (no NaN or infinity)")
    if name in _POSITIVE and values.size and values.min() <= 0:
        raise InvalidInput(name, "must be > 0")
    if name in {"volume", "quote_volume"} and values.size and values.min() < 0:
        raise InvalidInput(name, "must be >= 0")


def _check_timeframes(frame: pd.DataFrame) -> None:
    unknown = set(pd.unique(frame["timeframe"])) - set(_LENGTHS)
    if unknown:
        raise InvalidInput("timeframe", f"unknown {sorted(unknown)}; known: {list(_LENGTHS)}")
    lengths = frame["timeframe"].map(_LENGTHS).to_numpy()
    if (frame["ts"].to_numpy() % lengths).any():
        raise InvalidInput("ts", "a candle's open time is not aligned to its timeframe")


def _check_bars(frame: pd.DataFrame) -> None:
    high, low = frame["high"].to_numpy(), frame["low"].to_numpy()
    body_top = np.maximum(frame["open"].to_numpy(), frame["close"].to_numpy())
    body_bottom = np.minimum(frame["open"].to_numpy(), frame["close"].to_numpy())
    if (high < body_top).any():
        raise InvalidInput("high", "below the open or the close")
    if (low > body_bottom).any():
        raise InvalidInput("low", "above the open or the close")
