"""The default catalogue: Binance USDⓈ-M perpetuals with their real filters and brackets.

Each bracket table is written as (notional floor, notional cap, maintenance margin
rate, max leverage); the "cum" maintenance amount is derived from the table so the
maintenance margin is continuous across tiers, as Binance defines it:
cum_n = cum_{n-1} + floor_n × (mmr_n − mmr_{n-1}).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import cache

from domain.instrument import Instrument, MarginBracket
from domain.numbers import ZERO

_Tier = tuple[int, int, str, int]

_BTC_TIERS: tuple[_Tier, ...] = (
    (0, 50_000, "0.004", 125),
    (50_000, 250_000, "0.005", 100),
    (250_000, 1_000_000, "0.01", 50),
    (1_000_000, 10_000_000, "0.025", 20),
    (10_000_000, 20_000_000, "0.05", 10),
    (20_000_000, 50_000_000, "0.10", 5),
    (50_000_000, 100_000_000, "0.125", 4),
    (100_000_000, 200_000_000, "0.15", 3),
    (200_000_000, 300_000_000, "0.25", 2),
    (300_000_000, 500_000_000, "0.50", 1),
)
_ETH_TIERS: tuple[_Tier, ...] = (
    (0, 10_000, "0.005", 100),
    (10_000, 100_000, "0.0065", 75),
    (100_000, 500_000, "0.01", 50),
    (500_000, 1_000_000, "0.02", 25),
    (1_000_000, 2_000_000, "0.05", 10),
    (2_000_000, 5_000_000, "0.10", 5),
    (5_000_000, 10_000_000, "0.125", 4),
    (10_000_000, 20_000_000, "0.15", 3),
    (20_000_000, 50_000_000, "0.25", 2),
    (50_000_000, 100_000_000, "0.50", 1),
)
# The large altcoins share Binance's usual 75x/50x tier shape.
_ALT_TIERS: tuple[_Tier, ...] = (
    (0, 5_000, "0.0065", 75),
    (5_000, 25_000, "0.01", 50),
    (25_000, 100_000, "0.02", 25),
    (100_000, 250_000, "0.05", 10),
    (250_000, 1_000_000, "0.10", 5),
    (1_000_000, 5_000_000, "0.125", 4),
    (5_000_000, 10_000_000, "0.15", 3),
    (10_000_000, 20_000_000, "0.25", 2),
    (20_000_000, 50_000_000, "0.50", 1),
)


def brackets_from_tiers(tiers: Sequence[_Tier]) -> tuple[MarginBracket, ...]:
    """Build a bracket table, deriving each tier's cum so the margin has no jumps."""
    brackets: list[MarginBracket] = []
    cum = ZERO
    previous_rate = ZERO
    for floor, cap, rate_text, leverage in tiers:
        rate = Decimal(rate_text)
        cum += Decimal(floor) * (rate - previous_rate)
        brackets.append(MarginBracket(Decimal(floor), Decimal(cap), rate, cum, leverage))
        previous_rate = rate
    return tuple(brackets)


def _perpetual(
    base: str,
    tick: str,
    step: str,
    min_notional: str,
    max_qty: str,
    tiers: Sequence[_Tier],
) -> Instrument:
    brackets = brackets_from_tiers(tiers)
    return Instrument(
        symbol=f"{base}USDT",
        base=base,
        quote="USDT",
        tick_size=Decimal(tick),
        step_size=Decimal(step),
        min_qty=Decimal(step),
        min_notional=Decimal(min_notional),
        max_leverage=brackets[0].max_leverage,
        brackets=brackets,
        max_qty=Decimal(max_qty),
    )


@cache
def default_instruments() -> tuple[Instrument, ...]:
    """Return the perpetuals the simulated venue lists by default."""
    return (
        _perpetual("BTC", "0.10", "0.001", "100", "1000", _BTC_TIERS),
        _perpetual("ETH", "0.01", "0.001", "20", "10000", _ETH_TIERS),
        _perpetual("BNB", "0.01", "0.01", "5", "2000", _ALT_TIERS),
        _perpetual("SOL", "0.01", "1", "5", "1000000", _ALT_TIERS),
        _perpetual("XRP", "0.0001", "0.1", "5", "10000000", _ALT_TIERS),
    )


def default_instrument(symbol: str) -> Instrument:
    """Return one instrument of the default catalogue, or raise KeyError."""
    for instrument in default_instruments():
        if instrument.symbol == symbol:
            return instrument
    raise KeyError(symbol)
