"""The strategy engine's configuration (config/strategies.yaml), validated on load."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from domain.errors import InvalidInput
from domain.strategies import (
    STRATEGIES,
    Regime,
    RegimeParams,
    StrategyConfigError,
    build_strategy,
    default_weights,
)


class StrategySlot(BaseModel):
    """One configured strategy: what it trades, its capital, its switch and parameters."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    symbols: tuple[str, ...] = Field(min_length=1)
    capital: float = Field(
        default=1.0, ge=0, le=10, description="allocated capital, as a fraction of equity"
    )
    enabled: bool = False
    params: dict[str, Any] = Field(default_factory=dict)


class EngineConfig(BaseModel):
    """Every strategy slot, the regime detector, the allocator and the sizing limits."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    strategies: dict[str, StrategySlot] = Field(default_factory=dict)
    regime: RegimeParams = Field(default_factory=RegimeParams)
    high_vol_scale: float = Field(default=0.25, ge=0, le=1)
    weights: dict[Regime, dict[str, float]] | None = None
    max_leverage: float = Field(default=1.0, gt=0, le=20, description="cap on |target|·equity")
    warmup_bars: int = Field(default=300, ge=0, le=100_000)
    rebalance_tolerance: float = Field(default=0.1, ge=0, le=1)

    @field_validator("strategies")
    @classmethod
    def _known_and_buildable(cls, slots: dict[str, StrategySlot]) -> dict[str, StrategySlot]:
        for name, slot in slots.items():
            if name not in STRATEGIES:
                known = ", ".join(sorted(STRATEGIES))
                raise ValueError(f"unknown strategy {name!r}; known: {known}")
            try:
                build_strategy(name, slot.symbols, slot.params)
            except StrategyConfigError as error:
                raise ValueError(str(error)) from error
        return slots

    def allocator_weights(self) -> dict[Regime, dict[str, float]]:
        """Return the regime weights scaled by each strategy's capital."""
        base = self.weights if self.weights is not None else default_weights(self.high_vol_scale)
        capital = {name: slot.capital for name, slot in self.strategies.items()}
        return {
            regime: {name: w * capital.get(name, 0.0) for name, w in by_name.items()}
            for regime, by_name in base.items()
        }


def parse_engine_config(document: Mapping[str, Any] | None) -> EngineConfig:
    """Validate a parsed strategies.yaml; raise InvalidInput naming the first bad field."""
    try:
        return EngineConfig.model_validate(dict(document or {}))
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "strategies"
        raise InvalidInput(field, first["msg"]) from error
