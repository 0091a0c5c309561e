"""The REST client: ccxt's binanceusdm behind one limiter, one timeout and one retry loop.

Every REST call the adapter makes goes through `BinanceHttp.call`, the only
place that waits for request weight, honours Retry-After, resynchronises the
clock after -1021 and retries with jittered exponential backoff.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import ccxt.async_support as ccxt
import structlog

from adapters.binance.config import BinanceConfig
from adapters.binance.errors import TIMESTAMP_CODES, BinanceFailure, classify
from adapters.binance.limiter import WEIGHTS, WeightLimiter
from application.ports.venue import ExchangeError

T = TypeVar("T")
log = structlog.get_logger("binance.http")


class BinanceCallFailed(ExchangeError):
    """A REST call failed for good; `failure` says how (Binance code, safe message)."""

    def __init__(self, operation: str, failure: BinanceFailure) -> None:
        code = f" {failure.code}" if failure.code is not None else ""
        super().__init__(f"{operation} failed: Binance{code}: {failure.message}")
        self.operation = operation
        self.failure = failure


class OutcomeUnknown(ExchangeError):
    """A write may or may not have happened and the exchange could not be asked."""


class BinanceHttp:
    """Own the ccxt REST instance and run every call through the same safeguards."""

    def __init__(
        self,
        config: BinanceConfig,
        limiter: WeightLimiter | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self.exchange = ccxt.binanceusdm(config.ccxt_options())
        self.exchange.options["timeDifference"] = 0
        self.limiter = limiter or WeightLimiter(config.weight_per_minute)
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.retries = 0  # how many retries were made, for tests and metrics

    async def close(self) -> None:
        await self.exchange.close()

    @property
    def time_offset_ms(self) -> int:
        """Server time minus local time, as last measured."""
        return -int(self.exchange.options.get("timeDifference", 0))

    async def sync_time(self) -> int:
        """Measure the server clock's offset so signed requests carry its time."""
        before = time.time() * 1000
        server = await self._once("time", self.exchange.fetch_time)
        after = time.time() * 1000
        offset = int(server - (before + after) / 2)
        self.exchange.options["timeDifference"] = -offset
        return offset

    async def call(
        self,
        operation: str,
        request: Callable[[], Awaitable[T]],
        recover: Callable[[], Awaitable[T | None]] | None = None,
    ) -> T:
        """Run `request` with rate limiting, a timeout and retries.

        `recover` is asked before every retry; when it returns a value, that is the
        answer and nothing is sent again (a placement whose answer was lost).
        """
        attempt = 0
        while True:
            try:
                return await self._once(operation, request)
            except BinanceCallFailed as failed:
                failure = failed.failure
                if not failure.retryable or attempt >= self.config.max_retries:
                    raise
            attempt += 1
            self.retries += 1
            log.warning(
                "binance call retried",
                operation=operation,
                attempt=attempt,
                code=failure.code,
                reason=failure.message,
            )
            if failure.code in TIMESTAMP_CODES:
                await self._resync()
            if recover is not None:
                found = await self._recover(operation, recover)
                if found is not None:
                    return found
            await self._sleep(self._backoff(attempt))

    async def _once(self, operation: str, request: Callable[[], Awaitable[T]]) -> T:
        await self.limiter.acquire(WEIGHTS.get(operation, 1))
        try:
            result = await asyncio.wait_for(request(), self.config.timeout_s)
        except TimeoutError:
            self._observe()
            raise BinanceCallFailed(
                operation, BinanceFailure(None, "timed out", True, False)
            ) from None
        except ccxt.BaseError as error:
            self._observe()
            failure = classify(error)
            if failure.rate_limited:
                pause = self._retry_after()
                self.limiter.pause(pause)
                log.warning("binance rate limit", operation=operation, retry_after_s=pause)
            raise BinanceCallFailed(operation, failure) from None
        self._observe()
        return result

    async def _recover(
        self, operation: str, recover: Callable[[], Awaitable[T | None]]
    ) -> T | None:
        try:
            return await recover()
        except ExchangeError as error:
            raise OutcomeUnknown(
                f"{operation}: the answer was lost and the exchange could not be asked whether "
                f"it was executed ({error}); reconciliation will settle it"
            ) from None

    async def _resync(self) -> None:
        try:
            await self.sync_time()
        except ExchangeError:
            log.warning("binance time resync failed")

    def _backoff(self, attempt: int) -> float:
        # Full jitter: a random wait up to an exponentially growing cap.
        cap = min(self.config.backoff_cap_s, self.config.backoff_base_s * 2 ** (attempt - 1))
        return self._rng.uniform(cap / 2, cap)

    def _headers(self) -> Mapping[str, Any]:
        headers = self.exchange.last_response_headers or {}
        return {str(k).lower(): v for k, v in headers.items()}

    def _observe(self) -> None:
        used = self._headers().get("x-mbx-used-weight-1m")
        if used is not None and str(used).isdigit():
            self.limiter.observe(int(used))

    def _retry_after(self) -> float:
        value = self._headers().get("retry-after")
        try:
            return max(float(value), 0.0) if value is not None else 1.0
        except ValueError:
            return 1.0
