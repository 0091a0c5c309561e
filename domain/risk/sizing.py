"""Position sizing: Kelly, volatility targeting and fixed-fractional risk.

Every sizer returns a fraction of equity to hold as notional (1.0 = fully invested,
2.0 = two times levered); `to_quantity` turns a fraction into contracts at a price.
`size_target` lets each strategy choose its sizer by configuration.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.risk.checks import finite, in_closed_unit, non_negative, positive
from domain.risk.errors import SizingError

# Notionals are settled to 8 decimals, as USDT amounts are on Binance.
_NOTIONAL_QUANTUM = Decimal("0.00000001")


def kelly_fraction(win_probability: float, payoff_ratio: float) -> float:
    """Return the discrete Kelly fraction f* = p - (1 - p) / b of a repeated binary bet.

    `payoff_ratio` (b) is the average win divided by the average loss. A negative result
    means the bet has a negative edge and should not be taken.
    """
    p = in_closed_unit(win_probability, "win_probability", SizingError)
    b = positive(payoff_ratio, "payoff_ratio", SizingError)
    return p - (1.0 - p) / b


def continuous_kelly_fraction(
    mean_return: float, volatility: float, risk_free_rate: float = 0.0
) -> float:
    """Return the continuous Kelly leverage (mu - r) / sigma^2; negative means short.

    `mean_return`, `volatility` and `risk_free_rate` must share one period (all annual, say).
    """
    mu = finite(mean_return, "mean_return", SizingError)
    sigma = _volatility(volatility, "volatility")
    rate = finite(risk_free_rate, "risk_free_rate", SizingError)
    if sigma == 0.0:
        raise SizingError("volatility", "must be > 0 for Kelly sizing, got 0")
    return (mu - rate) / (sigma * sigma)


def fractional_kelly(full_kelly: float, multiplier: float = 0.5, cap: float = 1.0) -> float:
    """Scale a Kelly fraction by `multiplier` (half Kelly by default) and clip it to +/- `cap`.

    Full Kelly maximises log growth only if the edge is known exactly; a fraction of it
    gives up a little growth for much less drawdown when the edge is over-estimated.
    """
    kelly = finite(full_kelly, "full_kelly", SizingError)
    scale = _unit_multiplier(multiplier, "multiplier")
    limit = non_negative(cap, "cap", SizingError)
    return _clip(kelly * scale, limit)


def volatility_target_leverage(
    target_volatility: float, realised_volatility: float, max_leverage: float
) -> float:
    """Return target_vol / realised_vol, capped at `max_leverage` (both vols annualised).

    A realised volatility of zero (a flat series) gets `max_leverage`, the cap's whole point.
    """
    target = non_negative(target_volatility, "target_volatility", SizingError)
    realised = _volatility(realised_volatility, "realised_volatility")
    cap = non_negative(max_leverage, "max_leverage", SizingError)
    if realised == 0.0:
        return cap
    return min(target / realised, cap)


def fixed_fractional(
    risk_fraction: float, stop_distance: float, max_leverage: float = math.inf
) -> float:
    """Return the notional fraction that loses `risk_fraction` of equity if the stop is hit.

    `stop_distance` is the relative distance from entry to stop (0.02 for a stop 2 % away),
    so the fraction is risk_fraction / stop_distance, capped at `max_leverage`.
    """
    risk = in_closed_unit(risk_fraction, "risk_fraction", SizingError)
    distance = positive(stop_distance, "stop_distance", SizingError)
    cap = _cap(max_leverage)
    return min(risk / distance, cap)


def fixed_fractional_quantity(
    equity: float, risk_fraction: float, entry_price: float, stop_price: float
) -> float:
    """Return the quantity that loses risk_fraction x equity from `entry_price` to `stop_price`."""
    capital = non_negative(equity, "equity", SizingError)
    risk = in_closed_unit(risk_fraction, "risk_fraction", SizingError)
    entry = positive(entry_price, "entry_price", SizingError)
    stop = positive(stop_price, "stop_price", SizingError)
    if entry == stop:
        raise SizingError("stop_price", "must differ from entry_price")
    return capital * risk / abs(entry - stop)


def to_quantity(fraction: float, equity: float, price: float) -> float:
    """Return the signed quantity worth `fraction` x `equity` at `price`."""
    share = finite(fraction, "fraction", SizingError)
    capital = non_negative(equity, "equity", SizingError)
    unit_price = positive(price, "price", SizingError)
    return share * capital / unit_price


class SizingMethod(StrEnum):
    """How a strategy turns its target into a position size."""

    FIXED = "fixed"
    KELLY = "kelly"
    CONTINUOUS_KELLY = "continuous_kelly"
    VOLATILITY_TARGET = "volatility_target"
    FIXED_FRACTIONAL = "fixed_fractional"


@dataclass(frozen=True, slots=True)
class SizingConfig:
    """A strategy's sizing choice and its parameters, as read from configuration.

    `max_leverage` caps every method. `kelly_multiplier` applies to both Kelly forms,
    `target_volatility` to volatility targeting, `risk_fraction` to fixed fractional;
    `fixed_fraction` is the allocation of the FIXED method.
    """

    method: SizingMethod
    max_leverage: float = 1.0
    fixed_fraction: float = 1.0
    kelly_multiplier: float = 0.5
    target_volatility: float = 0.2
    risk_fraction: float = 0.01

    def __post_init__(self) -> None:
        if not isinstance(self.method, SizingMethod):
            raise SizingError("method", f"unknown sizing method {self.method!r}")
        non_negative(self.max_leverage, "max_leverage", SizingError)
        non_negative(self.fixed_fraction, "fixed_fraction", SizingError)
        _unit_multiplier(self.kelly_multiplier, "kelly_multiplier")
        non_negative(self.target_volatility, "target_volatility", SizingError)
        in_closed_unit(self.risk_fraction, "risk_fraction", SizingError)


@dataclass(frozen=True, slots=True)
class MarketStats:
    """The estimates a sizing method may need; each method reads only its own.

    Volatilities and returns are annualised; `stop_distance` is relative to the entry price.
    """

    win_probability: float | None = None
    payoff_ratio: float | None = None
    mean_return: float | None = None
    volatility: float | None = None
    risk_free_rate: float = 0.0
    stop_distance: float | None = None


def allocation(config: SizingConfig, stats: MarketStats) -> float:
    """Return the capped fraction of equity a full-conviction target gets under `config`."""
    method = config.method
    if method is SizingMethod.FIXED:
        return min(config.fixed_fraction, config.max_leverage)
    if method is SizingMethod.KELLY:
        full = kelly_fraction(
            _need(stats.win_probability, "win_probability"),
            _need(stats.payoff_ratio, "payoff_ratio"),
        )
        # A negative discrete edge means "skip the bet", not "take the opposite bet".
        return max(fractional_kelly(full, config.kelly_multiplier, config.max_leverage), 0.0)
    if method is SizingMethod.CONTINUOUS_KELLY:
        full = continuous_kelly_fraction(
            _need(stats.mean_return, "mean_return"),
            _need(stats.volatility, "volatility"),
            stats.risk_free_rate,
        )
        return fractional_kelly(full, config.kelly_multiplier, config.max_leverage)
    if method is SizingMethod.VOLATILITY_TARGET:
        return volatility_target_leverage(
            config.target_volatility, _need(stats.volatility, "volatility"), config.max_leverage
        )
    return fixed_fractional(
        config.risk_fraction, _need(stats.stop_distance, "stop_distance"), config.max_leverage
    )


def size_target(
    config: SizingConfig, target: float, equity: Decimal, stats: MarketStats
) -> Decimal:
    """Turn a strategy's target in [-1, 1] into a signed notional under its sizing method.

    The target carries direction and conviction; the method decides how much equity
    full conviction is worth. The result is in the equity's currency, to 8 decimals.
    """
    conviction = finite(target, "target", SizingError)
    if not -1.0 <= conviction <= 1.0:
        raise SizingError("target", f"must lie in [-1, 1], got {target!r}")
    if not isinstance(equity, Decimal) or not equity.is_finite() or equity < 0:
        raise SizingError("equity", f"must be a finite Decimal >= 0, got {equity!r}")
    fraction = conviction * allocation(config, stats)
    return (Decimal(repr(fraction)) * equity).quantize(_NOTIONAL_QUANTUM)


def _need(value: float | None, name: str) -> float:
    if value is None:
        raise SizingError(name, "is required by this sizing method")
    return value


def _volatility(value: float, name: str) -> float:
    sigma = finite(value, name, SizingError)
    if sigma < 0.0:
        raise SizingError(name, f"a volatility cannot be negative, got {value!r}")
    return sigma


def _unit_multiplier(value: float, name: str) -> float:
    multiplier = finite(value, name, SizingError)
    if not 0.0 < multiplier <= 1.0:
        raise SizingError(name, f"must lie in (0, 1], got {value!r}")
    return multiplier


def _cap(value: float) -> float:
    if isinstance(value, float) and value == math.inf:
        return value
    return non_negative(value, "max_leverage", SizingError)


def _clip(value: float, limit: float) -> float:
    return max(-limit, min(value, limit))
