"""The weight budget and Retry-After pauses, on a hand-driven clock."""

from __future__ import annotations

from adapters.binance.limiter import WeightLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_weight_beyond_the_minute_waits_for_the_next_minute() -> None:
    clock = Clock()
    limiter = WeightLimiter(10, now=clock, sleep=clock.sleep)
    for _ in range(5):
        await limiter.acquire(2)
    assert clock.slept == []
    clock.now = 12.5
    await limiter.acquire(2)
    assert clock.slept == [47.5]
    assert limiter.used == 2


async def test_the_servers_count_is_taken_when_higher() -> None:
    clock = Clock()
    limiter = WeightLimiter(10, now=clock, sleep=clock.sleep)
    await limiter.acquire(1)
    limiter.observe(10)
    await limiter.acquire(1)
    assert clock.slept == [60.0]


async def test_retry_after_pauses_every_caller() -> None:
    clock = Clock()
    limiter = WeightLimiter(100, now=clock, sleep=clock.sleep)
    limiter.pause(3)
    await limiter.acquire(1)
    assert clock.slept == [3.0]


async def test_one_call_heavier_than_the_budget_still_goes_alone() -> None:
    clock = Clock()
    limiter = WeightLimiter(5, now=clock, sleep=clock.sleep)
    await limiter.acquire(40)
    assert clock.slept == []
