"""The risk limits file: config/risk_limits.yaml, validated with pydantic."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from domain.risk.limits import RiskLimits

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "config" / "risk_limits.yaml"


class RiskLimitsFile(BaseModel):
    """The file's schema; see config/risk_limits.yaml for what each limit means."""

    model_config = ConfigDict(extra="forbid")

    max_order_notional: Decimal = Field(gt=0, allow_inf_nan=False)
    max_position_notional: Decimal = Field(gt=0, allow_inf_nan=False)
    max_gross_exposure: Decimal = Field(gt=0, allow_inf_nan=False)
    max_net_exposure: Decimal = Field(gt=0, allow_inf_nan=False)
    max_leverage: Decimal = Field(gt=0, allow_inf_nan=False)
    price_band_pct: Decimal = Field(gt=0, allow_inf_nan=False)
    symbol_order_rate: Decimal = Field(gt=0, allow_inf_nan=False)
    symbol_order_burst: int = Field(ge=1)
    account_order_rate: Decimal = Field(gt=0, allow_inf_nan=False)
    account_order_burst: int = Field(ge=1)
    daily_loss_limit: Decimal = Field(gt=0, allow_inf_nan=False)
    max_drawdown_pct: Decimal = Field(gt=0, le=100, allow_inf_nan=False)
    flatten_on_breaker: bool = False

    def to_limits(self) -> RiskLimits:
        return RiskLimits(**self.model_dump())


class RiskConfigError(Exception):
    """The limits file is missing or invalid; the message says where."""


def load_risk_limits(path: Path | None = None) -> RiskLimits:
    """Read and validate the limits file (the packaged default when `path` is None)."""
    source = path or DEFAULT_FILE
    if not source.is_file():
        if path is None:
            return RiskLimits()
        raise RiskConfigError(f"risk limits file not found: {source}")
    try:
        document = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
        defaults = RiskLimits().as_text()
        return RiskLimitsFile.model_validate({**defaults, **document}).to_limits()
    except (yaml.YAMLError, ValidationError, TypeError) as error:
        raise RiskConfigError(f"invalid risk limits file {source}:\n{error}") from error
