"""Perpetual futures instruments and their exchange filters."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.errors import InvalidInput
from domain.numbers import ZERO, is_multiple
from domain.order import OrderRequest


@dataclass(frozen=True, slots=True)
class MarginBracket:
    """One notional tier of Binance's maintenance-margin table.

    `maintenance_amount` is Binance's "cum": it makes the maintenance margin
    continuous across tiers (MM = notional × rate − cum).
    """

    notional_floor: Decimal
    notional_cap: Decimal
    maintenance_margin_rate: Decimal
    maintenance_amount: Decimal
    max_leverage: int

    def __post_init__(self) -> None:
        if self.notional_cap <= self.notional_floor:
            raise InvalidInput("notional_cap", "must exceed notional_floor")
        if not ZERO < self.maintenance_margin_rate < 1:
            raise InvalidInput("maintenance_margin_rate", "must be in (0, 1)")
        if self.max_leverage < 1:
            raise InvalidInput("max_leverage", "must be >= 1")

    def maintenance_margin(self, notional: Decimal) -> Decimal:
        """Return the maintenance margin Binance requires for `notional` in this tier."""
        return abs(notional) * self.maintenance_margin_rate - self.maintenance_amount


@dataclass(frozen=True, slots=True)
class Instrument:
    """A USDⓈ-M perpetual contract and the filters every order must pass."""

    symbol: str
    base: str
    quote: str
    tick_size: Decimal
    step_size: Decimal
    min_qty: Decimal
    min_notional: Decimal
    max_leverage: int
    brackets: tuple[MarginBracket, ...]
    max_qty: Decimal = Decimal("1000000")
    max_price: Decimal = Decimal("10000000")

    def __post_init__(self) -> None:
        if not self.symbol or not self.symbol.isalnum() or not self.symbol.isupper():
            raise InvalidInput("symbol", f"must be upper-case alphanumeric, got {self.symbol!r}")
        for name in ("tick_size", "step_size", "min_qty"):
            if getattr(self, name) <= ZERO:
                raise InvalidInput(name, "must be > 0")
        if not self.brackets:
            raise InvalidInput("brackets", "at least one maintenance-margin bracket is needed")

    def bracket_for(self, notional: Decimal) -> MarginBracket:
        """Return the maintenance-margin tier that holds `notional`."""
        size = abs(notional)
        for bracket in self.brackets:
            if size < bracket.notional_cap:
                return bracket
        return self.brackets[-1]

    def check_price(self, price: Decimal, field: str = "price") -> None:
        """Raise InvalidInput unless `price` is positive and on the tick."""
        if price <= ZERO:
            raise InvalidInput(field, f"must be > 0, got {price}")
        if price > self.max_price:
            raise InvalidInput(field, f"{price} is above the maximum {self.max_price}")
        if not is_multiple(price, self.tick_size):
            raise InvalidInput(field, f"{price} is not a multiple of tick size {self.tick_size}")

    def check_quantity(self, quantity: Decimal, field: str = "quantity") -> None:
        """Raise InvalidInput unless `quantity` is within bounds and on the step."""
        if quantity <= ZERO:
            raise InvalidInput(field, f"must be > 0, got {quantity}")
        if quantity > self.max_qty:
            raise InvalidInput(field, f"{quantity} is above the maximum {self.max_qty}")
        if not is_multiple(quantity, self.step_size):
            raise InvalidInput(field, f"{quantity} is not a multiple of step size {self.step_size}")
        if quantity < self.min_qty:
            raise InvalidInput(field, f"{quantity} is below the minimum {self.min_qty}")

    def check_notional(self, quantity: Decimal, price: Decimal) -> None:
        """Raise InvalidInput when quantity × price is below the minimum notional."""
        notional = quantity * price
        if notional < self.min_notional:
            raise InvalidInput(
                "quantity",
                f"notional {format(notional.normalize(), 'f')} {self.quote} is below the minimum "
                f"{self.min_notional} {self.quote}",
            )

    def check_request(self, request: OrderRequest, reference_price: Decimal | None) -> None:
        """Check an order request against every filter; `reference_price` prices
        orders without a limit price for the minimum-notional filter."""
        if request.symbol != self.symbol:
            raise InvalidInput("symbol", f"{request.symbol} is not {self.symbol}")
        self.check_quantity(request.quantity)
        if request.price is not None:
            self.check_price(request.price)
        if request.stop_price is not None:
            self.check_price(request.stop_price, "stop_price")
        notional_price = request.price or request.stop_price or reference_price
        if notional_price is not None and not request.reduce_only:
            self.check_notional(request.quantity, notional_price)
