"""Running sums over a sliding window that stay exact enough to trust for years of bars.

Sums are kept around a reference value close to the data, so that a variance does not
lose its digits to cancellation when prices sit far from zero, and they are recomputed
with `math.fsum` once every `maxlen` pushes, so rounding errors cannot accumulate.
Both keep every push O(1) amortised.
"""

from __future__ import annotations

import math
from collections import deque


class Moments:
    """Count, mean and variance of the last `maxlen` values."""

    __slots__ = ("_maxlen", "_pushes", "_ref", "_s1", "_s2", "_values")

    def __init__(self, maxlen: int) -> None:
        if maxlen < 1:
            raise ValueError("window must be >= 1")
        self._maxlen = maxlen
        self._values: deque[float] = deque(maxlen=maxlen)
        self._ref = 0.0
        self._s1 = 0.0
        self._s2 = 0.0
        self._pushes = 0

    @property
    def count(self) -> int:
        return len(self._values)

    @property
    def full(self) -> bool:
        return len(self._values) == self._maxlen

    @property
    def mean(self) -> float:
        return self._ref + self._s1 / len(self._values)

    def variance(self, ddof: int = 0) -> float:
        """Return the window variance; NaN when it has too few values for `ddof`."""
        n = len(self._values)
        if n <= ddof:
            return math.nan
        return max((self._s2 - self._s1 * self._s1 / n) / (n - ddof), 0.0)

    def push(self, x: float) -> None:
        values = self._values
        if not values:
            self._ref = x
        if len(values) == self._maxlen:
            old = values[0] - self._ref
            self._s1 -= old
            self._s2 -= old * old
        values.append(x)
        d = x - self._ref
        self._s1 += d
        self._s2 += d * d
        self._pushes += 1
        if self._pushes >= self._maxlen:
            self._resync()

    def _resync(self) -> None:
        values = self._values
        self._ref = math.fsum(values) / len(values)
        deviations = [v - self._ref for v in values]
        self._s1 = math.fsum(deviations)
        self._s2 = math.fsum(d * d for d in deviations)
        self._pushes = 0


class CoMoments:
    """Means, variances and covariance of the last `maxlen` (x, y) pairs."""

    __slots__ = ("_maxlen", "_pairs", "_pushes", "_rx", "_ry", "_sx", "_sxx", "_sxy", "_sy", "_syy")

    def __init__(self, maxlen: int) -> None:
        if maxlen < 2:
            raise ValueError("window must be >= 2")
        self._maxlen = maxlen
        self._pairs: deque[tuple[float, float]] = deque(maxlen=maxlen)
        self._rx = self._ry = 0.0
        self._sx = self._sy = self._sxx = self._syy = self._sxy = 0.0
        self._pushes = 0

    @property
    def count(self) -> int:
        return len(self._pairs)

    @property
    def full(self) -> bool:
        return len(self._pairs) == self._maxlen

    @property
    def mean_x(self) -> float:
        return self._rx + self._sx / len(self._pairs)

    @property
    def mean_y(self) -> float:
        return self._ry + self._sy / len(self._pairs)

    def centred(self) -> tuple[float, float, float]:
        """Return Σ(x-x̄)², Σ(y-ȳ)² and Σ(x-x̄)(y-ȳ) over the window."""
        n = len(self._pairs)
        sxx = max(self._sxx - self._sx * self._sx / n, 0.0)
        syy = max(self._syy - self._sy * self._sy / n, 0.0)
        return sxx, syy, self._sxy - self._sx * self._sy / n

    def push(self, x: float, y: float) -> None:
        pairs = self._pairs
        if not pairs:
            self._rx, self._ry = x, y
        if len(pairs) == self._maxlen:
            self._add(pairs[0][0], pairs[0][1], -1.0)
        pairs.append((x, y))
        self._add(x, y, 1.0)
        self._pushes += 1
        if self._pushes >= self._maxlen:
            self._resync()

    def _add(self, x: float, y: float, sign: float) -> None:
        dx, dy = x - self._rx, y - self._ry
        self._sx += sign * dx
        self._sy += sign * dy
        self._sxx += sign * dx * dx
        self._syy += sign * dy * dy
        self._sxy += sign * dx * dy

    def _resync(self) -> None:
        pairs = self._pairs
        n = len(pairs)
        self._rx = math.fsum(x for x, _ in pairs) / n
        self._ry = math.fsum(y for _, y in pairs) / n
        dxs = [x - self._rx for x, _ in pairs]
        dys = [y - self._ry for _, y in pairs]
        self._sx, self._sy = math.fsum(dxs), math.fsum(dys)
        self._sxx = math.fsum(d * d for d in dxs)
        self._syy = math.fsum(d * d for d in dys)
        self._sxy = math.fsum(a * b for a, b in zip(dxs, dys, strict=True))
        self._pushes = 0


class Sums:
    """Running sums of two non-negative columns over the last `maxlen` rows."""

    __slots__ = ("_a", "_b", "_maxlen", "_pushes", "_rows")

    def __init__(self, maxlen: int) -> None:
        if maxlen < 1:
            raise ValueError("window must be >= 1")
        self._maxlen = maxlen
        self._rows: deque[tuple[float, float]] = deque(maxlen=maxlen)
        self._a = self._b = 0.0
        self._pushes = 0

    @property
    def full(self) -> bool:
        return len(self._rows) == self._maxlen

    @property
    def totals(self) -> tuple[float, float]:
        # Subtraction can leave a tiny negative residue where the true sum is zero.
        return max(self._a, 0.0), max(self._b, 0.0)

    def push(self, a: float, b: float) -> None:
        rows = self._rows
        if len(rows) == self._maxlen:
            self._a -= rows[0][0]
            self._b -= rows[0][1]
        rows.append((a, b))
        self._a += a
        self._b += b
        self._pushes += 1
        if self._pushes >= self._maxlen:
            self._a = math.fsum(r[0] for r in rows)
            self._b = math.fsum(r[1] for r in rows)
            self._pushes = 0
