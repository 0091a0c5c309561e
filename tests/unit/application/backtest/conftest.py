"""Small, fast backtest specs shared by the backtest tests."""

from __future__ import annotations

from typing import Any

from application.backtest.spec import BacktestSpec, parse_spec

START = 1_704_067_200_000  # 2024-01-01
DAY = 86_400_000
FAST = {"timeframe": "5m", "fast": 3, "slow": 8, "atr_period": 5}
FAST_REGIME = {"adx_period": 3, "vol_period": 3, "vol_rank_period": 10}
LOOSE = {"max_order_notional": 10**7, "max_position_notional": 10**7}


def small_spec(days: float = 2, **extra: Any) -> BacktestSpec:
    values: dict[str, Any] = {
        "strategy": "trend",
        "symbols": ["BTCUSDT"],
        "start_ms": START,
        "end_ms": START + int(days * DAY),
        "params": FAST,
        "regime": FAST_REGIME,
        "seed": 11,
        "capital": 0.5,
        "risk": LOOSE,
        **extra,
    }
    return parse_spec(values)
