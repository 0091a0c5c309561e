"""Clocks and id generators: the wall clock for paper/live, a settable one for tests."""

from __future__ import annotations

import itertools
import time
import uuid


class WallClock:
    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class ManualClock:
    """A clock that moves only when told to: backtests and tests."""

    def __init__(self, start_ms: int = 0) -> None:
        self._now = start_ms

    def now_ms(self) -> int:
        return self._now

    def set(self, ms: int) -> None:
        self._now = ms

    def advance(self, ms: int) -> None:
        self._now += ms


class UuidIds:
    def new_id(self) -> str:
        return uuid.uuid4().hex


class SequentialIds:
    """Deterministic ids (`prefix-1`, `prefix-2`, ...) for backtests and tests."""

    def __init__(self, prefix: str = "id") -> None:
        self._prefix = prefix
        self._counter = itertools.count(1)

    def new_id(self) -> str:
        return f"{self._prefix}-{next(self._counter)}"
