"""Calendar-month returns of an equity curve."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from domain.performance._arrays import as_equity, as_timestamps


def monthly_returns(
    equity: npt.ArrayLike, timestamps_ms: npt.ArrayLike
) -> dict[tuple[int, int], float]:
    """Return each UTC calendar month's return, keyed by ``(year, month)``.

    A month's return is its last equity over the previous month's last equity, minus one;
    the first month is measured from the first point of the curve, so a partial month is
    reported as partial. Months without any point are absent; an empty curve gives ``{}``.
    """
    curve = as_equity(equity)
    stamps = as_timestamps(timestamps_ms, curve.size)
    if curve.size == 0:
        return {}
    months = stamps.astype("datetime64[ms]").astype("datetime64[M]").astype(np.int64)
    last = np.append(np.flatnonzero(np.diff(months)), curve.size - 1)
    closes = curve[last]
    bases = np.concatenate(([curve[0]], closes[:-1]))
    # datetime64[M] counts months since 1970-01.
    return {
        (int(m) // 12 + 1970, int(m) % 12 + 1): float(close / base - 1.0)
        for m, close, base in zip(months[last], closes, bases, strict=True)
    }
