"""In-memory CandleStore: the fake for tests and the backtester's scratch store."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from application.ports.strategies import AccountSnapshot, StoredStrategy
from domain.market.candles import Candle, Timeframe


class InMemoryCandleStore:
    """CandleStore over sorted per-(symbol, timeframe) lists."""

    def __init__(self) -> None:
        self._times: dict[tuple[str, Timeframe], list[int]] = {}
        self._bars: dict[tuple[str, Timeframe], list[Candle]] = {}

    async def upsert(self, candles: Sequence[Candle]) -> int:
        for candle in candles:
            if not candle.closed:
                raise ValueError("only closed candles are stored")
            key = (candle.symbol, candle.timeframe)
            times = self._times.setdefault(key, [])
            bars = self._bars.setdefault(key, [])
            at = bisect.bisect_left(times, candle.open_time)
            if at < len(times) and times[at] == candle.open_time:
                bars[at] = candle
            else:
                times.insert(at, candle.open_time)
                bars.insert(at, candle)
        return len(candles)

    async def range(
        self, symbol: str, timeframe: Timeframe, start_ms: int, end_ms: int
    ) -> list[Candle]:
        key = (symbol, timeframe)
        times = self._times.get(key, [])
        lo, hi = bisect.bisect_left(times, start_ms), bisect.bisect_left(times, end_ms)
        return self._bars.get(key, [])[lo:hi]

    async def last_open_time(self, symbol: str, timeframe: Timeframe) -> int | None:
        times = self._times.get((symbol, timeframe))
        return times[-1] if times else None

    async def symbols(self) -> list[str]:
        return sorted({symbol for (symbol, _), times in self._times.items() if times})


class InMemoryStrategyStateStore:
    """StrategyStateStore in a dict."""

    def __init__(self) -> None:
        self._states: dict[str, StoredStrategy] = {}

    async def load(self) -> dict[str, StoredStrategy]:
        return dict(self._states)

    async def save(self, state: StoredStrategy) -> None:
        self._states[state.strategy_id] = state


class InMemorySnapshotStore:
    """SnapshotStore in a list."""

    def __init__(self) -> None:
        self._snapshots: list[AccountSnapshot] = []

    async def add(self, snapshot: AccountSnapshot) -> None:
        self._snapshots.append(snapshot)

    async def list(self, since_ms: int = 0, limit: int = 1000) -> list[AccountSnapshot]:
        return [s for s in self._snapshots if s.ts >= since_ms][:limit]
