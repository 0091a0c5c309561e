"""Token buckets on the Clock port: deterministic in backtests, real-time in paper and live."""

from __future__ import annotations

from decimal import Decimal

from application.ports.clock import Clock

_MS = Decimal(1000)


class TokenBucket:
    """Hold up to `burst` tokens, refilled at `rate` per second of the injected clock."""

    def __init__(self, clock: Clock, rate: Decimal, burst: int) -> None:
        self._clock = clock
        self.rate = rate
        self.burst = burst
        self._tokens = Decimal(burst)
        self._at = clock.now_ms()

    def configure(self, rate: Decimal, burst: int) -> None:
        """Change the rate and size; the tokens held are kept, capped at the new burst."""
        self._refill()
        self.rate, self.burst = rate, burst
        self._tokens = min(self._tokens, Decimal(burst))

    def available(self) -> Decimal:
        self._refill()
        return self._tokens

    def take(self) -> bool:
        """Take one token; return False (taking nothing) when the bucket is empty."""
        self._refill()
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    def give_back(self) -> None:
        self._tokens = min(self._tokens + 1, Decimal(self.burst))

    def _refill(self) -> None:
        now = self._clock.now_ms()
        elapsed = max(now - self._at, 0)
        self._at = max(now, self._at)
        self._tokens = min(Decimal(self.burst), self._tokens + self.rate * elapsed / _MS)
