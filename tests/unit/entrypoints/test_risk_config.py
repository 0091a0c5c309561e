"""config/risk_limits.yaml: the packaged defaults, and clear errors for a bad file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from domain.risk.limits import RiskLimits
from entrypoints.risk_config import DEFAULT_FILE, RiskConfigError, load_risk_limits


def test_the_packaged_file_holds_the_documented_defaults() -> None:
    assert DEFAULT_FILE.is_file()
    assert load_risk_limits() == RiskLimits()


def test_a_partial_file_keeps_the_defaults_for_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "limits.yaml"
    path.write_text("max_leverage: 3\nflatten_on_breaker: true\n", encoding="utf-8")
    limits = load_risk_limits(path)
    assert limits.max_leverage == Decimal(3)
    assert limits.flatten_on_breaker
    assert limits.max_order_notional == RiskLimits().max_order_notional


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("max_leverage: -1\n", "max_leverage"),
        ("max_drawdown_pct: 150\n", "max_drawdown_pct"),
        ("no_such_limit: 1\n", "no_such_limit"),
        ("max_leverage: [1\n", "invalid risk limits file"),
        ("- 1\n- 2\n", "invalid risk limits file"),
    ],
)
def test_a_bad_file_says_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "limits.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RiskConfigError, match=message):
        load_risk_limits(path)


def test_a_missing_file_named_explicitly_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RiskConfigError, match="not found"):
        load_risk_limits(tmp_path / "nope.yaml")
