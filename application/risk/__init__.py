"""The risk engine: pre-trade checks, limits, halts and the risk report."""

from application.risk.chain import RiskChain

__all__ = ["RiskChain"]
