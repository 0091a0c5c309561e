"""Validate the numbers handed to the analytics, failing fast with the argument's name."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from domain.risk.errors import AnalyticsInputError

ErrorType = type[AnalyticsInputError]


def finite(value: float, name: str, error: ErrorType = AnalyticsInputError) -> float:
    """Return `value` as a float, or raise `error` if it is NaN, infinite or not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise error(name, f"expected a number, got {value!r}")
    result = float(value)
    if not math.isfinite(result):
        raise error(name, f"must be finite, got {value!r}")
    return result


def positive(value: float, name: str, error: ErrorType = AnalyticsInputError) -> float:
    """Return `value` if it is finite and strictly above zero."""
    result = finite(value, name, error)
    if result <= 0.0:
        raise error(name, f"must be > 0, got {value!r}")
    return result


def non_negative(value: float, name: str, error: ErrorType = AnalyticsInputError) -> float:
    """Return `value` if it is finite and not below zero."""
    result = finite(value, name, error)
    if result < 0.0:
        raise error(name, f"must be >= 0, got {value!r}")
    return result


def in_closed_unit(value: float, name: str, error: ErrorType = AnalyticsInputError) -> float:
    """Return `value` if it lies in [0, 1]."""
    result = finite(value, name, error)
    if not 0.0 <= result <= 1.0:
        raise error(name, f"must lie in [0, 1], got {value!r}")
    return result


def in_open_unit(value: float, name: str, error: ErrorType = AnalyticsInputError) -> float:
    """Return `value` if it lies strictly between 0 and 1 (a confidence level, a decay)."""
    result = finite(value, name, error)
    if not 0.0 < result < 1.0:
        raise error(name, f"must lie in (0, 1), got {value!r}")
    return result


def positive_int(value: int, name: str, error: ErrorType = AnalyticsInputError) -> int:
    """Return `value` if it is an int of at least one."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise error(name, f"must be an integer >= 1, got {value!r}")
    return int(value)


def vector(
    values: ArrayLike, name: str, error: ErrorType = AnalyticsInputError
) -> NDArray[np.float64]:
    """Return `values` as a finite, non-empty 1-D float array."""
    array = _finite_array(values, name, error)
    if array.ndim != 1 or array.size == 0:
        raise error(name, f"must be a non-empty 1-D array, got shape {array.shape}")
    return array


def matrix(
    values: ArrayLike, name: str, error: ErrorType = AnalyticsInputError, min_rows: int = 1
) -> NDArray[np.float64]:
    """Return `values` as a finite 2-D float array (rows are observations) of `min_rows` rows."""
    array = _finite_array(values, name, error)
    if array.ndim != 2 or array.shape[1] == 0:
        raise error(name, f"must be a 2-D array with at least one column, got {array.shape}")
    if array.shape[0] < min_rows:
        raise error(name, f"needs at least {min_rows} rows, got {array.shape[0]}")
    return array


def covariance_matrix(
    values: ArrayLike, name: str, error: ErrorType = AnalyticsInputError
) -> NDArray[np.float64]:
    """Return `values` if it is a finite, square, symmetric matrix with a non-negative diagonal."""
    array = _finite_array(values, name, error)
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.size == 0:
        raise error(name, f"must be a non-empty square matrix, got shape {array.shape}")
    scale = max(float(np.max(np.abs(array))), 1.0)
    if not np.allclose(array, array.T, rtol=1e-8, atol=1e-12 * scale):
        raise error(name, "must be symmetric")
    if np.any(np.diag(array) < 0.0):
        raise error(name, "variances on the diagonal must be >= 0")
    return array


def _finite_array(values: ArrayLike, name: str, error: ErrorType) -> NDArray[np.float64]:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise error(name, "must be an array of numbers") from None
    if not np.all(np.isfinite(array)):
        raise error(name, "must contain only finite numbers (no NaN or inf)")
    return array
