"""Orders that move current positions to target weights, in exact Decimal arithmetic."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from domain.portfolio.errors import RebalanceError

_ZERO = Decimal(0)

Weight = Decimal | float | int


class Side(StrEnum):
    """Direction of a rebalance order."""

    BUY = "buy"
    SELL = "sell"


@dataclass(frozen=True, slots=True)
class RebalanceOrder:
    """One order of a rebalance: a positive quantity, a whole number of step sizes."""

    symbol: str
    side: Side
    quantity: Decimal
    reduces: bool

    def __post_init__(self) -> None:
        if not self.quantity.is_finite() or self.quantity <= _ZERO:
            raise RebalanceError("quantity", f"must be > 0, got {self.quantity}")


@dataclass(frozen=True, slots=True)
class RebalanceInputs:
    """Everything a rebalance needs; every mapping is keyed by symbol.

    `targets` are signed weights of `equity` (a short is negative); symbols held but
    absent from `targets` are closed. `min_notional` is the venue's smallest order value.
    """

    positions: Mapping[str, Decimal]
    prices: Mapping[str, Decimal]
    equity: Decimal
    targets: Mapping[str, Weight]
    step_sizes: Mapping[str, Decimal]
    min_notional: Decimal = _ZERO

    def __post_init__(self) -> None:
        _finite(self.equity, "equity")
        if self.equity <= _ZERO:
            raise RebalanceError("equity", f"must be > 0 to size targets, got {self.equity}")
        if _finite(self.min_notional, "min_notional") < _ZERO:
            raise RebalanceError("min_notional", f"must be >= 0, got {self.min_notional}")


def rebalance_orders(inputs: RebalanceInputs) -> tuple[RebalanceOrder, ...]:
    """Return the orders that bring each position to its target weight.

    Each trade is rounded down (toward zero) to the symbol's step size, so no order
    overshoots its target, and trades worth less than `min_notional` are skipped.
    Orders that reduce exposure come first, as they free margin for the others.
    """
    symbols = sorted(set(inputs.positions) | set(inputs.targets))
    orders = [order for symbol in symbols if (order := _order_for(inputs, symbol)) is not None]
    return tuple(sorted(orders, key=lambda o: (not o.reduces, o.symbol)))


def target_quantity(equity: Decimal, weight: Weight, price: Decimal) -> Decimal:
    """Return the signed quantity worth `weight` x `equity` at `price` (unrounded)."""
    return equity * to_weight(weight, "weight") / price


def to_weight(value: Weight, name: str) -> Decimal:
    """Return a weight as a Decimal; floats go through their shortest repr, not binary."""
    if isinstance(value, bool):
        raise RebalanceError(name, f"expected a number, got {value!r}")
    weight = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return _finite(weight, name)


def floor_to_step(quantity: Decimal, step: Decimal) -> Decimal:
    """Round a non-negative quantity down to a whole number of `step`."""
    return (quantity / step).to_integral_value(rounding=ROUND_DOWN) * step


def _order_for(inputs: RebalanceInputs, symbol: str) -> RebalanceOrder | None:
    price = _price(inputs, symbol)
    step = _step(inputs, symbol)
    current = _finite(inputs.positions.get(symbol, _ZERO), f"positions[{symbol!r}]")
    weight = inputs.targets.get(symbol, 0)
    target = target_quantity(inputs.equity, to_weight(weight, f"targets[{symbol!r}]"), price)
    quantity = floor_to_step(abs(target - current), step)
    if quantity == _ZERO or quantity * price < inputs.min_notional:
        return None
    side = Side.BUY if target > current else Side.SELL
    # A trade reduces exposure when it moves toward flat without crossing through it.
    reduces = (side is Side.SELL) == (current > _ZERO) and quantity <= abs(current)
    return RebalanceOrder(symbol, side, quantity, reduces and current != _ZERO)


def _price(inputs: RebalanceInputs, symbol: str) -> Decimal:
    if symbol not in inputs.prices:
        raise RebalanceError("prices", f"no price for {symbol}")
    price = _finite(inputs.prices[symbol], f"prices[{symbol!r}]")
    if price <= _ZERO:
        raise RebalanceError(f"prices[{symbol!r}]", f"must be > 0, got {price}")
    return price


def _step(inputs: RebalanceInputs, symbol: str) -> Decimal:
    if symbol not in inputs.step_sizes:
        raise RebalanceError("step_sizes", f"no step size for {symbol}")
    step = _finite(inputs.step_sizes[symbol], f"step_sizes[{symbol!r}]")
    if step <= _ZERO:
        raise RebalanceError(f"step_sizes[{symbol!r}]", f"must be > 0, got {step}")
    return step


def _finite(value: Decimal, name: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise RebalanceError(name, f"must be a finite Decimal, got {value!r}")
    return value
