"""Strategies by name, and the one way to build one from untyped configuration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from pydantic import ValidationError

from domain.strategies.base import Strategy, StrategyParams
from domain.strategies.breakout import Breakout
from domain.strategies.mean_reversion import MeanReversion
from domain.strategies.pairs import PairsTrading
from domain.strategies.sma_cross import SmaCross
from domain.strategies.trend import TrendFollowing


class StrategyClass(Protocol):
    """A strategy class: its parameter model, and a constructor taking symbols and params."""

    @property
    def Params(self) -> type[StrategyParams]: ...  # noqa: N802 - mirrors the class attribute

    def __call__(self, symbols: Sequence[str], params: Any) -> Strategy: ...


STRATEGIES: dict[str, StrategyClass] = {
    TrendFollowing.name: TrendFollowing,
    MeanReversion.name: MeanReversion,
    Breakout.name: Breakout,
    PairsTrading.name: PairsTrading,
    SmaCross.name: SmaCross,
}


class StrategyConfigError(ValueError):
    """A strategy cannot be built from the configuration given."""


class UnknownStrategy(StrategyConfigError):
    """No strategy is registered under `name`."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown strategy {name!r}; known: {', '.join(sorted(STRATEGIES))}")
        self.name = name


class InvalidStrategyParams(StrategyConfigError):
    """A parameter is unusable; `field` names it (dotted for nested ones)."""

    def __init__(self, strategy: str, field: str, reason: str) -> None:
        super().__init__(f"{strategy}.{field}: {reason}")
        self.strategy = strategy
        self.field = field
        self.reason = reason


def build_strategy(
    name: str, symbols: Sequence[str], params: Mapping[str, Any] | None = None
) -> Strategy:
    """Build the named strategy; raise a StrategyConfigError naming what is wrong."""
    cls = STRATEGIES.get(name)
    if cls is None:
        raise UnknownStrategy(name)
    if isinstance(symbols, str):
        raise InvalidStrategyParams(name, "symbols", "must be a sequence of names, not a str")
    try:
        model = cls.Params.model_validate(dict(params or {}))
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "params"
        raise InvalidStrategyParams(name, field, first["msg"]) from error
    try:
        return cls(tuple(symbols), model)
    except ValueError as error:
        raise InvalidStrategyParams(name, "symbols", str(error)) from error
