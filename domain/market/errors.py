"""Errors raised for market data that cannot be trusted."""

from __future__ import annotations


class InvalidMarketData(ValueError):
    """A market data value is unusable; `field` names it and `reason` says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
