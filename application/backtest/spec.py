"""What a backtest runs: strategy, data, period, account and venue assumptions."""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from domain.errors import InvalidInput
from domain.risk.limits import RiskLimits
from domain.strategies import (
    InvalidStrategyParams,
    Regime,
    StrategyConfigError,
    UnknownStrategy,
    build_strategy,
)

QUICK_REGIME = {"adx_period": 2, "vol_period": 2, "vol_rank_period": 10}


class BacktestSpec(BaseModel):
    """One backtest's inputs; every field is validated, bad ones raise InvalidInput.

    Costs: maker/taker fee rates per side; the taker pays half of `spread_ticks` plus
    `slippage_bps` plus a size-dependent impact of `impact_bps` × sqrt(notional /
    `impact_notional`). Orders reach the venue at the first price at or after decision
    time + `latency_ms`. Funding settles every 8 hours at `funding_rate` (per interval), or at
    the historical `funding_rates` ((time ms, rate) pairs: each applies from its time on).
    `fixed_quantity`, when set, sizes every entry at that many contracts instead of
    the engine's equity fraction.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    strategy: str = "trend"
    symbols: tuple[str, ...] = Field(default=("BTCUSDT",), min_length=1)
    params: dict[str, Any] = Field(default_factory=dict)
    start_ms: int = Field(ge=0)
    end_ms: int = Field(gt=0)
    data: Literal["synthetic", "db"] = "synthetic"
    seed: int = 7
    balance: Decimal = Field(default=Decimal(100_000), gt=0)
    maker_fee_rate: Decimal = Field(default=Decimal("0.0002"), ge=0, lt=1)
    taker_fee_rate: Decimal = Field(default=Decimal("0.0004"), ge=0, lt=1)
    spread_ticks: Decimal = Field(default=Decimal(1), ge=0)
    slippage_bps: Decimal = Field(default=Decimal(0), ge=0)
    impact_bps: Decimal = Field(default=Decimal(0), ge=0)
    impact_notional: Decimal = Field(default=Decimal(1_000_000), gt=0)
    latency_ms: int = Field(default=0, ge=0, le=3_600_000)
    funding_rate: Decimal = Field(default=Decimal("0.0001"), gt=-1, lt=1)
    funding_rates: tuple[tuple[int, Decimal], ...] = ()
    leverage: int = Field(default=10, ge=1, le=125)
    max_leverage: float = Field(default=1.0, gt=0, le=20)
    capital: float = Field(default=0.1, gt=0, le=10)
    fixed_quantity: Decimal | None = Field(default=None, gt=0)
    regime: dict[str, Any] = Field(default_factory=dict)
    risk: dict[str, Any] = Field(default_factory=dict)
    warmup_minutes: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> BacktestSpec:
        if self.end_ms <= self.start_ms:
            raise ValueError("end must be after start")
        if len(set(self.symbols)) != len(self.symbols):
            raise ValueError("symbols must be distinct")
        times = [t for t, _ in self.funding_rates]
        if times != sorted(set(times)) or any(abs(r) >= 1 for _, r in self.funding_rates):
            raise ValueError("funding_rates must be (time, rate) in increasing time, |rate| < 1")
        return self

    def risk_limits(self) -> RiskLimits:
        """Return the default risk limits with `risk`'s overrides (the live defaults)."""
        known = {f.name: f.type for f in fields(RiskLimits)}
        values: dict[str, Any] = {}
        for name, value in self.risk.items():
            if name not in known:
                raise InvalidInput(f"risk.{name}", f"unknown limit; known: {', '.join(known)}")
            default = getattr(RiskLimits(), name)
            try:
                values[name] = (
                    type(default)(str(value))
                    if not isinstance(default, bool)
                    else (str(value).lower() in ("1", "true", "yes"))
                )
            except (ArithmeticError, ValueError) as error:
                raise InvalidInput(f"risk.{name}", f"not a number: {value!r}") from error
        return RiskLimits(**values)

    @property
    def timeframe(self) -> str:
        """Return the strategy's bar length (its params' timeframe)."""
        return build_strategy(self.strategy, self.symbols, self.params).params.timeframe.value

    @property
    def minutes(self) -> int:
        return (self.end_ms - self.start_ms) // 60_000

    def engine_document(self) -> dict[str, Any]:
        """Return the strategies.yaml document of a one-strategy engine."""
        timeframe = self.timeframe
        return {
            "strategies": {
                self.strategy: {
                    "symbols": list(self.symbols),
                    "capital": self.capital,
                    "enabled": True,
                    "params": self.params,
                }
            },
            "regime": {"timeframe": timeframe, **QUICK_REGIME, **self.regime},
            # The strategy alone decides: full weight in every regime, so the detector
            # only gates the start (no weight before its first regime): warm it quickly.
            "weights": {r.value: {self.strategy: 1.0} for r in Regime},
            "warmup_bars": 0,
            "max_leverage": self.max_leverage,
        }


def parse_spec(values: dict[str, Any]) -> BacktestSpec:
    """Validate `values`; raise InvalidInput naming the first bad field."""
    try:
        spec = BacktestSpec.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "spec"
        raise InvalidInput(field, first["msg"]) from error
    try:
        build_strategy(spec.strategy, spec.symbols, spec.params)
    except UnknownStrategy as error:
        raise InvalidInput("strategy", str(error)) from error
    except InvalidStrategyParams as error:
        raise InvalidInput(f"params.{error.field}", error.reason) from error
    except StrategyConfigError as error:
        raise InvalidInput("params", str(error)) from error
    spec.risk_limits()
    return spec
