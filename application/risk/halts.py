"""Halting new risk: the operator's kill switch and the drawdown circuit breaker."""

from __future__ import annotations

from dataclasses import dataclass

from application.ports.clock import Clock
from application.risk.book import BookReader
from application.risk.flatten import Flatten, FlattenOutcome
from application.risk.state import RiskState
from domain.risk.halt import KillSwitch, evaluate_breaker


@dataclass(frozen=True, slots=True)
class KillSwitchOutcome:
    kill_switch: KillSwitch
    flatten: FlattenOutcome


class SetKillSwitch:
    """Engage or release the kill switch.

    Engaging persists the halt first (so nothing new gets through), then cancels every
    open order and, with `flatten`, closes every position. Releasing also re-arms a
    tripped breaker from the current equity: the operator has looked at the book.
    """

    def __init__(self, state: RiskState, flatten: Flatten, book: BookReader, clock: Clock) -> None:
        self._state = state
        self._flatten = flatten
        self._book = book
        self._clock = clock

    async def execute(
        self, engaged: bool, by: str, reason: str = "", flatten: bool = False
    ) -> KillSwitchOutcome:
        now = self._clock.now_ms()
        switch = KillSwitch(engaged, by, now, reason)
        await self._state.set_kill_switch(switch)
        if engaged:
            return KillSwitchOutcome(switch, await self._flatten.execute(close=flatten))
        if self._state.breaker.tripped:
            equity = (await self._book.read()).equity
            await self._state.set_breaker(self._state.breaker.rearmed(equity, now))
        outcome = FlattenOutcome()
        if flatten:
            await self._flatten.close_positions(outcome)
        return KillSwitchOutcome(switch, outcome)


class DrawdownBreaker:
    """Watch equity on price and fill updates; trip on a daily loss or drawdown breach.

    Evaluations closer together than `interval_ms` of the clock are skipped (marks tick
    many times a second); a trip is persisted at once and, when the limits say so,
    cancels open orders and flattens.
    """

    def __init__(
        self,
        state: RiskState,
        book: BookReader,
        flatten: Flatten,
        clock: Clock,
        interval_ms: int = 1000,
    ) -> None:
        self._state = state
        self._book = book
        self._flatten = flatten
        self._clock = clock
        self._interval_ms = interval_ms
        self._last = -interval_ms
        self.flattened: FlattenOutcome | None = None

    async def on_update(self) -> None:
        """Evaluate unless the last evaluation was under `interval_ms` ago."""
        now = self._clock.now_ms()
        if now - self._last < self._interval_ms:
            return
        await self.evaluate()

    async def evaluate(self) -> None:
        now = self._clock.now_ms()
        self._last = now
        book = await self._book.read()
        before = self._state.breaker
        after = evaluate_breaker(before, book.equity, now, self._state.limits)
        if after == before:
            return
        await self._state.set_breaker(after)
        if after.tripped and not before.tripped and self._state.limits.flatten_on_breaker:
            self.flattened = await self._flatten.execute(close=True)
