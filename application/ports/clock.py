"""Time and identity, injected so that backtests are deterministic."""

from __future__ import annotations

from typing import Protocol


class Clock(Protocol):
    def now_ms(self) -> int:
        """Return the current time in milliseconds since the epoch (UTC)."""
        ...


class IdGenerator(Protocol):
    def new_id(self) -> str:
        """Return an identifier never returned before."""
        ...
