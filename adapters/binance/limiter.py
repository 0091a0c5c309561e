"""Binance's request-weight budget, and the pauses 429/418 with Retry-After impose."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

MINUTE_S = 60.0

# IP weights from Binance's USDⓈ-M documentation, per operation our adapter performs.
WEIGHTS: dict[str, int] = {
    "time": 1,
    "exchange_info": 1,
    "leverage_brackets": 1,
    "klines": 5,
    "depth": 10,
    "mark_price": 1,
    "create_order": 1,
    "cancel_order": 1,
    "query_order": 1,
    "open_orders": 40,  # without a symbol
    "user_trades": 5,
    "position_risk": 5,
    "account": 5,
    "set_leverage": 1,
    "set_margin_type": 1,
    "income": 30,
    "spot_account": 20,
    "listen_key": 1,
}


class WeightLimiter:
    """Spend at most `per_minute` weight in each clock minute; stop entirely while banned.

    The server's own count (X-MBX-USED-WEIGHT-1M) replaces ours when it is
    higher, so other processes sharing the IP are accounted for.
    """

    def __init__(
        self,
        per_minute: int = 2400,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be > 0")
        self._limit = per_minute
        self._now = now
        self._sleep = sleep
        self._on_wait = on_wait  # told how long each wait for weight or a ban lasts
        self._window = -1
        self._used = 0
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    @property
    def used(self) -> int:
        return self._used

    @property
    def paused_until(self) -> float:
        return self._paused_until

    async def acquire(self, weight: int) -> None:
        """Wait until `weight` fits the current minute and no ban is running, then spend it."""
        async with self._lock:
            while True:
                now = self._now()
                if now < self._paused_until:
                    await self._wait(self._paused_until - now)
                    continue
                window = int(now // MINUTE_S)
                if window != self._window:
                    self._window, self._used = window, 0
                if self._used + weight <= self._limit or self._used == 0:
                    self._used += weight
                    return
                await self._wait((window + 1) * MINUTE_S - now)

    async def _wait(self, seconds: float) -> None:
        if self._on_wait is not None:
            self._on_wait(seconds)
        await self._sleep(seconds)

    def observe(self, used_weight: int) -> None:
        """Take the server's count of weight used this minute."""
        self._used = max(self._used, used_weight)

    def pause(self, seconds: float) -> None:
        """Send nothing for `seconds` (Retry-After of a 429 or a 418 ban)."""
        self._paused_until = max(self._paused_until, self._now() + seconds)
