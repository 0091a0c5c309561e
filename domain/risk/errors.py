"""Errors the risk and portfolio analytics raise for unusable inputs."""

from __future__ import annotations


class AnalyticsInputError(ValueError):
    """An argument is unusable; `argument` names it and `reason` says why."""

    def __init__(self, argument: str, reason: str) -> None:
        super().__init__(f"{argument}: {reason}")
        self.argument = argument
        self.reason = reason


class SizingError(AnalyticsInputError):
    """A position-sizing input is unusable (NaN, negative volatility, p outside [0, 1], ...)."""


class RiskMeasureError(AnalyticsInputError):
    """A value-at-risk or backtest input is unusable."""


class ExposureError(AnalyticsInputError):
    """A position or account figure given to the exposure report is unusable."""
