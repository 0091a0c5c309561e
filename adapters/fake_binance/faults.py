"""Faults a test or an operator injects into the fake Binance while it runs."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any


@dataclass(slots=True)
class Faults:
    """What goes wrong next. Counters count down as requests consume them.

    `server_errors`: the next N REST requests answer 503 without doing anything.
    `rate_limited`: the next N REST requests answer `rate_limit_status` (429 or 418)
    with a Retry-After of `retry_after_s` seconds.
    `lose_order_responses`: the next N order placements are executed, then the
    connection is closed before the answer is written.
    `outage_after_lost_response`: when a response is lost, the N requests after it
    answer 503 too (the client can then not even ask what happened).
    `max_fill_qty`: the largest quantity one match step fills (partial fills).
    `clock_skew_ms`: added to the server's clock (server time and timestamp checks).
    """

    latency_ms: int = 0
    server_errors: int = 0
    rate_limited: int = 0
    rate_limit_status: int = 429
    retry_after_s: int = 1
    lose_order_responses: int = 0
    outage_after_lost_response: int = 0
    max_fill_qty: Decimal | None = None
    clock_skew_ms: int = 0

    def take(self, name: str) -> bool:
        """Consume one unit of the counter `name`; tell whether one was left."""
        left: int = getattr(self, name)
        if left <= 0:
            return False
        setattr(self, name, left - 1)
        return True

    def update(self, values: dict[str, Any]) -> None:
        """Set the named faults; raise ValueError on an unknown name."""
        for name, raw in values.items():
            if name not in self.__slots__:  # type: ignore[attr-defined]
                raise ValueError(f"unknown fault {name!r}")
            if name == "max_fill_qty":
                setattr(self, name, None if raw is None else Decimal(str(raw)))
            else:
                setattr(self, name, int(raw))

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["max_fill_qty"] = None if self.max_fill_qty is None else str(self.max_fill_qty)
        return data
