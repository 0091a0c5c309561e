"""Errors the risk and portfolio analytics raise for unusable inputs.

They derive from the domain's `InvalidInput`, so the entrypoints map them to a bad
argument like any other domain validation error.
"""

from __future__ import annotations

from domain.errors import InvalidInput


class AnalyticsInputError(InvalidInput):
    """An argument is unusable; `argument` (also `field`) names it and `reason` says why."""

    @property
    def argument(self) -> str:
        """Return the name of the bad argument."""
        return self.field


class SizingError(AnalyticsInputError):
    """A position-sizing input is unusable (NaN, negative volatility, p outside [0, 1], ...)."""


class RiskMeasureError(AnalyticsInputError):
    """A value-at-risk or backtest input is unusable."""


class ExposureError(AnalyticsInputError):
    """A position or account figure given to the exposure report is unusable."""
