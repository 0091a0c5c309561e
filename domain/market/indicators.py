"""Incremental indicators: O(1) work per update, `None` until warmed up.

Each indicator is a small object fed one observation at a time with `update(...)`, which
returns the new value (or None while warming up); `value` repeats the last one. Nothing
looks back over history, so a strategy costs the same on bar ten and on bar ten million.
"""

from __future__ import annotations

import bisect
import math
from collections import deque

from domain.market._rolling import CoMoments, Moments, Sums


def _require_period(period: int, minimum: int = 1) -> None:
    if isinstance(period, bool) or not isinstance(period, int) or period < minimum:
        raise ValueError(f"period must be an int >= {minimum}, got {period!r}")


def _true_range(high: float, low: float, prev_close: float | None) -> float:
    if prev_close is None:
        return high - low
    return max(high - low, abs(high - prev_close), abs(low - prev_close))


class SMA:
    """Simple moving average of the last `period` values."""

    __slots__ = ("_moments", "_value")

    def __init__(self, period: int) -> None:
        _require_period(period)
        self._moments = Moments(period)
        self._value: float | None = None

    @property
    def value(self) -> float | None:
        return self._value

    def update(self, x: float) -> float | None:
        self._moments.push(x)
        if self._moments.full:
            self._value = self._moments.mean
        return self._value


class EMA:
    """Exponential moving average, alpha = 2 / (period + 1), seeded with the first value.

    The recursion matches pandas' `ewm(span=period, adjust=False)`; values are withheld
    until `period` observations have gone in, so the seed has mostly washed out.
    """

    __slots__ = ("_alpha", "_count", "_ema", "_period")

    def __init__(self, period: int) -> None:
        _require_period(period)
        self._period = period
        self._alpha = 2.0 / (period + 1)
        self._ema: float | None = None
        self._count = 0

    @property
    def value(self) -> float | None:
        return self._ema if self._count >= self._period else None

    def update(self, x: float) -> float | None:
        self._ema = x if self._ema is None else self._ema + self._alpha * (x - self._ema)
        self._count += 1
        return self.value


class WilderAverage:
    """Wilder's smoothing: the mean of the first `period` values, then (prev·(n-1) + x) / n."""

    __slots__ = ("_count", "_period", "_seed", "_value")

    def __init__(self, period: int) -> None:
        _require_period(period)
        self._period = period
        self._seed = 0.0
        self._count = 0
        self._value: float | None = None

    @property
    def value(self) -> float | None:
        return self._value

    def update(self, x: float) -> float | None:
        n = self._period
        if self._value is not None:
            self._value = (self._value * (n - 1) + x) / n
            return self._value
        self._seed += x
        self._count += 1
        if self._count == n:
            self._value = self._seed / n
        return self._value


class RSI:
    """Wilder's relative strength index in [0, 100]; 50 when the price has not moved."""

    __slots__ = ("_gain", "_loss", "_prev", "_value")

    def __init__(self, period: int = 14) -> None:
        self._gain = WilderAverage(period)
        self._loss = WilderAverage(period)
        self._prev: float | None = None
        self._value: float | None = None

    @property
    def value(self) -> float | None:
        return self._value

    def update(self, price: float) -> float | None:
        prev, self._prev = self._prev, price
        if prev is None:
            return None
        change = price - prev
        gain = self._gain.update(max(change, 0.0))
        loss = self._loss.update(max(-change, 0.0))
        if gain is None or loss is None:
            return None
        if loss == 0.0:
            self._value = 100.0 if gain > 0.0 else 50.0
        else:
            self._value = 100.0 - 100.0 / (1.0 + gain / loss)
        return self._value


class ATR:
    """Wilder's average true range; the first bar's true range is its high - low."""

    __slots__ = ("_average", "_prev_close")

    def __init__(self, period: int = 14) -> None:
        self._average = WilderAverage(period)
        self._prev_close: float | None = None

    @property
    def value(self) -> float | None:
        return self._average.value

    def update(self, high: float, low: float, close: float) -> float | None:
        true_range = _true_range(high, low, self._prev_close)
        self._prev_close = close
        return self._average.update(true_range)


class Bollinger:
    """Bollinger bands: `value` is the middle band; the bands are mean ± k·std (ddof=0)."""

    __slots__ = ("_k", "_last", "_mean", "_moments", "_std")

    def __init__(self, period: int = 20, k: float = 2.0) -> None:
        _require_period(period, 2)
        if not k > 0:
            raise ValueError("k must be > 0")
        self._k = k
        self._moments = Moments(period)
        self._mean: float | None = None
        self._std = math.nan
        self._last = math.nan

    @property
    def value(self) -> float | None:
        return self._mean

    @property
    def upper(self) -> float | None:
        return None if self._mean is None else self._mean + self._k * self._std

    @property
    def lower(self) -> float | None:
        return None if self._mean is None else self._mean - self._k * self._std

    @property
    def zscore(self) -> float | None:
        """Return how many standard deviations the last value sits from the mean."""
        if self._mean is None:
            return None
        return _z(self._last, self._mean, self._std)

    def update(self, x: float) -> float | None:
        moments = self._moments
        moments.push(x)
        self._last = x
        if moments.full:
            self._mean = moments.mean
            self._std = math.sqrt(moments.variance())
        return self._mean


def _z(x: float, mean: float, std: float) -> float:
    # A flat window has std 0 and then x equals the mean: it sits at z = 0, not at ±inf.
    return 0.0 if std == 0.0 else (x - mean) / std


class RollingZScore:
    """Z-score of the latest value against the window that includes it."""

    __slots__ = ("_ddof", "_moments", "_value")

    def __init__(self, period: int, ddof: int = 0) -> None:
        _require_period(period, 2)
        if ddof not in (0, 1):
            raise ValueError("ddof must be 0 or 1")
        self._ddof = ddof
        self._moments = Moments(period)
        self._value: float | None = None

    @property
    def value(self) -> float | None:
        return self._value

    def update(self, x: float) -> float | None:
        moments = self._moments
        moments.push(x)
        if moments.full:
            std = math.sqrt(moments.variance(self._ddof))
            self._value = _z(x, moments.mean, std)
        return self._value


class _MonotonicExtreme:
    """Maximum of a sliding window via a monotonic deque (O(1) amortised)."""

    __slots__ = ("_count", "_items", "_period", "_sign")

    def __init__(self, period: int, *, maximum: bool) -> None:
        self._period = period
        self._sign = 1.0 if maximum else -1.0
        self._items: deque[tuple[int, float]] = deque()
        self._count = 0

    def push(self, x: float) -> float:
        key = self._sign * x
        items = self._items
        while items and items[-1][1] <= key:
            items.pop()
        items.append((self._count, key))
        self._count += 1
        if items[0][0] <= self._count - 1 - self._period:
            items.popleft()
        return self._sign * items[0][1]


class Donchian:
    """Donchian channel of the last `period` bars: `value` is the middle line."""

    __slots__ = ("_count", "_high", "_low", "_lower", "_period", "_upper")

    def __init__(self, period: int = 20) -> None:
        _require_period(period)
        self._period = period
        self._high = _MonotonicExtreme(period, maximum=True)
        self._low = _MonotonicExtreme(period, maximum=False)
        self._upper = self._lower = math.nan
        self._count = 0

    @property
    def ready(self) -> bool:
        return self._count >= self._period

    @property
    def upper(self) -> float | None:
        return self._upper if self.ready else None

    @property
    def lower(self) -> float | None:
        return self._lower if self.ready else None

    @property
    def value(self) -> float | None:
        return (self._upper + self._lower) / 2.0 if self.ready else None

    def update(self, high: float, low: float) -> float | None:
        self._upper = self._high.push(high)
        self._lower = self._low.push(low)
        self._count += 1
        return self.value


class ADX:
    """Wilder's average directional index with the +DI and -DI it is built from."""

    __slots__ = ("_adx", "_minus", "_minus_di", "_plus", "_plus_di", "_prev", "_range")

    def __init__(self, period: int = 14) -> None:
        self._range = WilderAverage(period)
        self._plus = WilderAverage(period)
        self._minus = WilderAverage(period)
        self._adx = WilderAverage(period)
        self._prev: tuple[float, float, float] | None = None
        self._plus_di: float | None = None
        self._minus_di: float | None = None

    @property
    def value(self) -> float | None:
        return self._adx.value

    @property
    def plus_di(self) -> float | None:
        return self._plus_di

    @property
    def minus_di(self) -> float | None:
        return self._minus_di

    def update(self, high: float, low: float, close: float) -> float | None:
        prev, self._prev = self._prev, (high, low, close)
        if prev is None:
            return None
        up, down = high - prev[0], prev[1] - low
        plus_dm = up if up > down and up > 0.0 else 0.0
        minus_dm = down if down > up and down > 0.0 else 0.0
        atr = self._range.update(_true_range(high, low, prev[2]))
        plus, minus = self._plus.update(plus_dm), self._minus.update(minus_dm)
        if atr is None or plus is None or minus is None:
            return None
        self._plus_di = 100.0 * plus / atr if atr > 0.0 else 0.0
        self._minus_di = 100.0 * minus / atr if atr > 0.0 else 0.0
        total = self._plus_di + self._minus_di
        dx = 100.0 * abs(self._plus_di - self._minus_di) / total if total > 0.0 else 0.0
        return self._adx.update(dx)


class RealizedVolatility:
    """Standard deviation (ddof=1) of the last `period` log returns, times √annualization."""

    __slots__ = ("_moments", "_prev", "_scale", "_value")

    def __init__(self, period: int = 20, annualization: float = 1.0) -> None:
        _require_period(period, 2)
        if not annualization > 0:
            raise ValueError("annualization must be > 0")
        self._scale = math.sqrt(annualization)
        self._moments = Moments(period)
        self._prev: float | None = None
        self._value: float | None = None

    @property
    def value(self) -> float | None:
        return self._value

    def update(self, price: float) -> float | None:
        prev, self._prev = self._prev, price
        if prev is None:
            return None
        self._moments.push(math.log(price / prev))
        if self._moments.full:
            self._value = math.sqrt(self._moments.variance(ddof=1)) * self._scale
        return self._value


class RollingVWAP:
    """Volume-weighted average price of the last `period` (price, volume) observations.

    Stays None while the window holds no volume at all: there is no price to report.
    """

    __slots__ = ("_sums", "_value")

    def __init__(self, period: int) -> None:
        _require_period(period)
        self._sums = Sums(period)
        self._value: float | None = None

    @property
    def value(self) -> float | None:
        return self._value

    def update(self, price: float, volume: float) -> float | None:
        if volume < 0:
            raise ValueError("volume must be >= 0")
        self._sums.push(price * volume, volume)
        notional, total = self._sums.totals
        if self._sums.full:
            self._value = notional / total if total > 0.0 else None
        return self._value


class RollingOLS:
    """Ordinary least squares of y on x over the last `period` pairs: y ≈ alpha + beta·x.

    `value` is beta, the hedge ratio; None while x has not varied in the window.
    """

    __slots__ = ("_alpha", "_beta", "_comoments", "_r_squared", "_residual_std")

    def __init__(self, period: int) -> None:
        _require_period(period, 3)
        self._comoments = CoMoments(period)
        self._alpha = self._residual_std = self._r_squared = math.nan
        self._beta: float | None = None

    @property
    def value(self) -> float | None:
        return self._beta

    @property
    def alpha(self) -> float | None:
        return None if self._beta is None else self._alpha

    @property
    def residual_std(self) -> float | None:
        """Return the standard error of the regression, √(SSR / (n - 2))."""
        return None if self._beta is None else self._residual_std

    @property
    def r_squared(self) -> float | None:
        return None if self._beta is None else self._r_squared

    def residual(self, x: float, y: float) -> float | None:
        """Return y - (alpha + beta·x) under the current fit."""
        return None if self._beta is None else y - self._alpha - self._beta * x

    def update(self, x: float, y: float) -> float | None:
        comoments = self._comoments
        comoments.push(x, y)
        sxx, syy, sxy = comoments.centred()
        if not comoments.full or sxx <= 0.0:
            self._beta = None
            return None
        beta = sxy / sxx
        ssr = max(syy - beta * sxy, 0.0)
        self._beta = beta
        self._alpha = comoments.mean_y - beta * comoments.mean_x
        self._residual_std = math.sqrt(ssr / (comoments.count - 2))
        self._r_squared = 1.0 - ssr / syy if syy > 0.0 else 1.0
        return beta


class PercentileRank:
    """Percentile rank in (0, 1] of the latest value within the last `period` values.

    Ties share the average rank (pandas' `rolling().rank(pct=True)`). The window is kept
    sorted with `bisect`: O(log n) search plus a memmove, not O(1), and fast at the window
    sizes used here (tens to a few thousand).
    """

    __slots__ = ("_sorted", "_value", "_values")

    def __init__(self, period: int) -> None:
        _require_period(period)
        self._values: deque[float] = deque(maxlen=period)
        self._sorted: list[float] = []
        self._value: float | None = None

    @property
    def value(self) -> float | None:
        return self._value

    def quantile(self, q: float) -> float | None:
        """Return the window value at quantile q in [0, 1] (nearest rank, lower); O(1)."""
        if not 0.0 <= q <= 1.0:
            raise ValueError("q must be in [0, 1]")
        if self._value is None:
            return None
        return self._sorted[int(q * (len(self._sorted) - 1))]

    def update(self, x: float) -> float | None:
        if math.isnan(x):
            raise ValueError("cannot rank NaN")
        values = self._values
        if len(values) == values.maxlen:
            del self._sorted[bisect.bisect_left(self._sorted, values[0])]
        values.append(x)
        bisect.insort(self._sorted, x)
        if len(values) == values.maxlen:
            below = bisect.bisect_left(self._sorted, x)
            equal = bisect.bisect_right(self._sorted, x) - below
            self._value = (below + (equal + 1) / 2.0) / len(values)
        return self._value
