"""What the monitoring side reads from the risk and strategy engines, and reports to metrics.

The dashboard and /metrics read risk and strategy state through these small ports,
so they show "n/a" until an engine provides one and need no change when it does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True, slots=True)
class LimitUsage:
    """One risk limit: how much of it is used (same unit as `limit`)."""

    name: str
    used: Decimal
    limit: Decimal

    @property
    def ratio(self) -> float:
        return float(self.used / self.limit) if self.limit else 0.0


@dataclass(frozen=True, slots=True)
class RiskStatus:
    """The risk engine's state: halts, limit usage and value at risk."""

    kill_switch: bool
    halted_reason: str | None = None
    limits: Sequence[LimitUsage] = ()
    var: Decimal | None = None  # one-day value at risk, in the quote asset


class RiskStatusSource(Protocol):
    async def risk_status(self) -> RiskStatus: ...


@dataclass(frozen=True, slots=True)
class StrategyStatus:
    """One strategy as an operator sees it."""

    strategy_id: str
    state: str  # "running", "stopped" or "error"
    symbols: Sequence[str] = ()
    regimes: Mapping[str, str] = field(default_factory=dict)
    targets: Mapping[str, float] = field(default_factory=dict)
    last_signal: str | None = None
    error: str | None = None


class StrategyStatusSource(Protocol):
    def strategy_statuses(self) -> Sequence[StrategyStatus]: ...


class OperationalMetrics(Protocol):
    """Counters only an adapter can see: call these from the Binance, Redis and outbox code.

    Everything the event bus already says (orders, fills, positions, PnL) is counted by
    observing events; these are for what never becomes an event.
    """

    def market_data_lag(self, symbol: str, seconds: float) -> None:
        """A price or candle arrived `seconds` after its exchange timestamp."""
        ...

    def websocket_reconnected(self, venue: str, stream: str) -> None: ...

    def rate_limit_waited(self, venue: str, seconds: float) -> None: ...

    def outbox_backlog(self, messages: int) -> None: ...


class NoMetrics:
    """The default OperationalMetrics: records nothing (tests, tools)."""

    def market_data_lag(self, symbol: str, seconds: float) -> None:
        return None

    def websocket_reconnected(self, venue: str, stream: str) -> None:
        return None

    def rate_limit_waited(self, venue: str, seconds: float) -> None:
        return None

    def outbox_backlog(self, messages: int) -> None:
        return None
