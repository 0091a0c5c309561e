"""Build higher-timeframe bars from 1m bars, and keep a clean rolling window of bars.

Aggregation rule. A bucket of the target timeframe is emitted:

* as soon as it holds every one of its 1m bars (`complete=True`), or
* when the first 1m bar of a later bucket arrives while it is still short of bars
  (`complete=False`, `minutes` says how many bars went in), or
* when the caller flushes it (end of a backtest, shutdown).

Waiting for the next bucket rather than closing a short bucket at its last minute gives a
back-fill of the missing minutes the chance to land first. A 1m bar of a bucket already
emitted is late: it is counted in `late` and otherwise ignored. Buckets with no 1m bar at
all are never invented; the `CandleSeries` of the higher timeframe reports them as gaps.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from domain.market.candles import Candle, Timeframe


@dataclass(frozen=True, slots=True)
class AggregatedCandle:
    """A higher-timeframe bar and how many 1m bars it was built from."""

    candle: Candle
    minutes: int

    def __post_init__(self) -> None:
        if not 1 <= self.minutes <= self.candle.timeframe.minutes:
            raise ValueError(f"minutes must be in [1, {self.candle.timeframe.minutes}]")

    @property
    def missing(self) -> int:
        return self.candle.timeframe.minutes - self.minutes

    @property
    def complete(self) -> bool:
        return self.missing == 0


class TimeframeAggregator:
    """Turn closed 1m bars of any number of symbols into closed bars of `target`."""

    __slots__ = ("_buckets", "_emitted_upto", "_late", "target")

    def __init__(self, target: Timeframe) -> None:
        if target is Timeframe.M1:
            raise ValueError("target must be longer than 1m")
        self.target = target
        self._buckets: dict[str, dict[int, Candle]] = {}
        self._emitted_upto: dict[str, int] = {}
        self._late = 0

    @property
    def late(self) -> int:
        """Count the 1m bars ignored because their bucket was already emitted."""
        return self._late

    def update(self, candle: Candle) -> AggregatedCandle | None:
        """Add a closed 1m bar; return the bucket it completes or the short one it ends."""
        if candle.timeframe is not Timeframe.M1 or not candle.closed:
            raise ValueError("the aggregator takes closed 1m candles only")
        start = self.target.floor(candle.open_time)
        pending = self._pending_start(candle.symbol)
        if start < max(pending, self._emitted_upto.get(candle.symbol, -1)):
            self._late += 1
            return None
        ended = self.flush(candle.symbol) if start > pending >= 0 else None
        bucket = self._buckets.setdefault(candle.symbol, {})
        bucket.setdefault(candle.open_time, candle)
        if len(bucket) == self.target.minutes:
            return self.flush(candle.symbol)
        return ended

    def _pending_start(self, symbol: str) -> int:
        bucket = self._buckets.get(symbol)
        return self.target.floor(next(iter(bucket))) if bucket else -1

    def flush(self, symbol: str) -> AggregatedCandle | None:
        """Emit the symbol's pending bucket, complete or not; None if nothing is pending."""
        bucket = self._buckets.pop(symbol, None)
        if not bucket:
            return None
        bars = sorted(bucket.values(), key=lambda bar: bar.open_time)
        merged = merge(bars, self.target)
        self._emitted_upto[symbol] = merged.open_time + self.target.ms
        return AggregatedCandle(merged, len(bars))


def merge(bars: list[Candle], target: Timeframe) -> Candle:
    """Merge time-ordered bars of one bucket: first open, max high, min low, last close."""
    first, last = bars[0], bars[-1]
    return Candle(
        symbol=first.symbol,
        timeframe=target,
        open_time=target.floor(first.open_time),
        open=first.open,
        high=max(bar.high for bar in bars),
        low=min(bar.low for bar in bars),
        close=last.close,
        volume=sum(bar.volume for bar in bars),
        quote_volume=sum(bar.quote_volume for bar in bars),
        closed=True,
    )


class SeriesStatus(StrEnum):
    """What `CandleSeries.add` did with a bar."""

    APPENDED = "APPENDED"  # a newer bar; `missing` lists any skipped open times
    REPLACED = "REPLACED"  # a newer version of the still-open last bar
    DUPLICATE = "DUPLICATE"  # identical to the last bar; ignored
    CONFLICT = "CONFLICT"  # differs from an already closed last bar; ignored
    LATE = "LATE"  # older than the last bar; dropped
    FILLED = "FILLED"  # a back-filled bar inserted into a gap


@dataclass(frozen=True, slots=True)
class SeriesUpdate:
    """The outcome of offering one bar to a `CandleSeries`."""

    status: SeriesStatus
    candle: Candle
    missing: tuple[int, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.status in _ACCEPTED

    @property
    def has_gap(self) -> bool:
        return bool(self.missing)


_ACCEPTED = frozenset({SeriesStatus.APPENDED, SeriesStatus.REPLACED, SeriesStatus.FILLED})


class CandleSeries:
    """A bounded, gap-aware, de-duplicated window of one symbol's bars of one timeframe."""

    __slots__ = ("_bars", "symbol", "timeframe")

    def __init__(self, symbol: str, timeframe: Timeframe, maxlen: int) -> None:
        if maxlen < 1:
            raise ValueError("maxlen must be >= 1")
        self.symbol = symbol
        self.timeframe = timeframe
        self._bars: deque[Candle] = deque(maxlen=maxlen)

    def __len__(self) -> int:
        return len(self._bars)

    def __iter__(self) -> Iterator[Candle]:
        return iter(self._bars)

    @property
    def last(self) -> Candle | None:
        return self._bars[-1] if self._bars else None

    def closes(self) -> tuple[float, ...]:
        return tuple(bar.close for bar in self._bars)

    def add(self, candle: Candle) -> SeriesUpdate:
        """Offer the next bar from the live or replayed stream."""
        self._check(candle)
        last = self.last
        if last is None or candle.open_time > last.open_time:
            missing = () if last is None else self._between(last.open_time, candle.open_time)
            self._bars.append(candle)
            return SeriesUpdate(SeriesStatus.APPENDED, candle, missing)
        if candle.open_time < last.open_time:
            return SeriesUpdate(SeriesStatus.LATE, candle)
        return self._same_bar(last, candle)

    def backfill(self, candle: Candle) -> SeriesUpdate:
        """Insert a bar fetched to fill a gap that `add` reported; O(maxlen)."""
        self._check(candle)
        bars = self._bars
        position = sum(1 for bar in bars if bar.open_time < candle.open_time)
        if position < len(bars) and bars[position].open_time == candle.open_time:
            return SeriesUpdate(SeriesStatus.DUPLICATE, candle)
        if position == len(bars):
            return self.add(candle)
        if len(bars) == bars.maxlen:
            if position == 0:
                # Older than the whole full window: it would be evicted at once.
                return SeriesUpdate(SeriesStatus.LATE, candle)
            bars.popleft()
            position -= 1
        bars.insert(position, candle)
        return SeriesUpdate(SeriesStatus.FILLED, candle)

    def gaps(self) -> tuple[int, ...]:
        """Return every open time missing between the first and the last bar held."""
        return tuple(
            ts for a, b in pairwise(self._bars) for ts in self._between(a.open_time, b.open_time)
        )

    def _same_bar(self, last: Candle, candle: Candle) -> SeriesUpdate:
        if candle == last:
            return SeriesUpdate(SeriesStatus.DUPLICATE, candle)
        if not last.closed:
            self._bars[-1] = candle
            return SeriesUpdate(SeriesStatus.REPLACED, candle)
        return SeriesUpdate(SeriesStatus.CONFLICT, candle)

    def _between(self, after: int, before: int) -> tuple[int, ...]:
        return tuple(range(after + self.timeframe.ms, before, self.timeframe.ms))

    def _check(self, candle: Candle) -> None:
        if candle.symbol != self.symbol or candle.timeframe is not self.timeframe:
            raise ValueError(
                f"series of {self.symbol} {self.timeframe} got {candle.symbol} {candle.timeframe}"
            )
