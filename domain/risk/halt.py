"""Trading halts: the operator's kill switch and the drawdown circuit breaker.

Both halt only orders that add risk; reducing a position stays possible. The
breaker watches equity (wallet plus unrealised PnL): it trips when the loss since
the start of the UTC day reaches the daily loss limit, or when equity falls the
maximum drawdown below its peak. It stays tripped until an operator re-arms it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from domain.numbers import ZERO
from domain.risk.limits import RiskLimits

DAY_MS = 86_400_000
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class KillSwitch:
    """Whether the operator halted new risk, who did it, when and why."""

    engaged: bool = False
    by: str = ""
    at: int = 0
    reason: str = ""


@dataclass(frozen=True, slots=True)
class BreakerState:
    """The drawdown breaker's memory: peak equity, the day's opening equity, the trip."""

    peak_equity: Decimal = ZERO
    day: int = -1
    day_start_equity: Decimal = ZERO
    tripped: bool = False
    reason: str = ""
    tripped_at: int = 0

    def rearmed(self, equity: Decimal, now_ms: int) -> BreakerState:
        """Return the breaker reset: not tripped, peak and day start at `equity`."""
        return BreakerState(equity, now_ms // DAY_MS, equity)


def evaluate_breaker(
    state: BreakerState, equity: Decimal, now_ms: int, limits: RiskLimits
) -> BreakerState:
    """Return the breaker after seeing `equity` at `now_ms`; trip it on a breach."""
    day = now_ms // DAY_MS
    if day != state.day:
        state = replace(state, day=day, day_start_equity=equity)
    state = replace(state, peak_equity=max(state.peak_equity, equity))
    if state.tripped:
        return state
    reason = breach_reason(state, equity, limits)
    if reason is None:
        return state
    return replace(state, tripped=True, reason=reason, tripped_at=now_ms)


def breach_reason(state: BreakerState, equity: Decimal, limits: RiskLimits) -> str | None:
    """Say which loss limit `equity` breaches, or None."""
    daily_loss = state.day_start_equity - equity
    if daily_loss >= limits.daily_loss_limit:
        return (
            f"daily loss {daily_loss:.2f} reached the limit {limits.daily_loss_limit} "
            f"(equity {equity:.2f}, day start {state.day_start_equity:.2f})"
        )
    if state.peak_equity > ZERO:
        drawdown = (state.peak_equity - equity) / state.peak_equity * _HUNDRED
        if drawdown >= limits.max_drawdown_pct:
            return (
                f"drawdown {drawdown:.2f}% from peak equity {state.peak_equity:.2f} reached "
                f"the limit {limits.max_drawdown_pct}%"
            )
    return None
