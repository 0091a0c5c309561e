"""Validation shared by the performance metrics: fail at the boundary, not inside numpy."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from domain.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def as_floats(values: npt.ArrayLike, name: str) -> FloatArray:
    """Return `values` as a 1-D float array, rejecting NaN and infinity by argument name."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(name, f"must be numeric: {exc}") from exc
    if array.ndim != 1:
        raise InvalidInput(name, f"must be one-dimensional, got shape {array.shape}")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise InvalidInput(name, f"non-finite value ({array[bad[0]]}) at index {bad[0]}")
    return array


def as_equity(values: npt.ArrayLike, name: str = "equity") -> FloatArray:
    """Return a validated equity curve: finite and strictly positive, so returns exist."""
    array = as_floats(values, name)
    bad = np.flatnonzero(array <= 0.0)
    if bad.size:
        raise InvalidInput(name, f"must be positive, got {array[bad[0]]} at index {bad[0]}")
    return array


def as_timestamps(values: npt.ArrayLike, size: int, name: str = "timestamps_ms") -> IntArray:
    """Return epoch milliseconds as int64, checked to be strictly increasing and of `size`."""
    stamps = as_floats(values, name)
    if stamps.size != size:
        raise InvalidInput(name, f"has {stamps.size} values but the series has {size}")
    if np.any(stamps != np.round(stamps)):
        raise InvalidInput(name, "must hold whole milliseconds")
    steps = np.flatnonzero(np.diff(stamps) <= 0)
    if steps.size:
        raise InvalidInput(name, f"must be strictly increasing; index {steps[0] + 1} is not")
    return stamps.astype(np.int64)
