"""Errors the portfolio analytics raise."""

from __future__ import annotations

from domain.errors import DomainError
from domain.risk.errors import AnalyticsInputError


class PortfolioInputError(AnalyticsInputError):
    """An argument given to a portfolio function is unusable."""


class EstimationError(PortfolioInputError):
    """The data cannot support the estimate asked for."""


class RebalanceError(PortfolioInputError):
    """Positions, prices, step sizes or targets cannot produce a rebalance."""


class AttributionError(PortfolioInputError):
    """Fills, funding payments, marks or returns cannot be attributed."""


class InfeasiblePortfolio(DomainError, ValueError):
    """No portfolio satisfies the constraints asked for; the message says which one fails."""


class SolverFailed(DomainError, RuntimeError):
    """The optimiser stopped without a verified solution to a feasible problem."""
