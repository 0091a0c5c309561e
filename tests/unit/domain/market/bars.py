"""Builders of valid candles for the market tests."""

from __future__ import annotations

import numpy as np

from domain.market.candles import Candle, Timeframe

START = 1_700_000_040_000 - 1_700_000_040_000 % 86_400_000  # a UTC midnight


def random_minutes(
    n: int, seed: int = 7, symbol: str = "BTCUSDT", start: int = START
) -> list[Candle]:
    """Return n consecutive closed 1m candles of a random walk near 30 000."""
    rng = np.random.default_rng(seed)
    closes = 30_000.0 * np.exp(np.cumsum(rng.normal(0.0, 0.001, n)))
    opens = np.concatenate([[30_000.0], closes[:-1]])
    highs = np.maximum(opens, closes) * (1 + rng.uniform(0, 0.001, n))
    lows = np.minimum(opens, closes) * (1 - rng.uniform(0, 0.001, n))
    volumes = rng.uniform(0.0, 5.0, n)
    return [
        Candle(
            symbol,
            Timeframe.M1,
            start + i * 60_000,
            float(o),
            float(h),
            float(lo),
            float(c),
            float(v),
            float(v * c),
        )
        for i, (o, h, lo, c, v) in enumerate(zip(opens, highs, lows, closes, volumes, strict=True))
    ]
