"""Exact decimal parsing and rounding for prices, quantities and money."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal, InvalidOperation

from domain.errors import InvalidInput

ZERO = Decimal(0)
ONE = Decimal(1)
# Money is settled to 8 decimals, as USDT balances are on Binance.
MONEY_QUANTUM = Decimal("0.00000001")


def parse_decimal(value: object, field: str) -> Decimal:
    """Return `value` as a finite Decimal, or raise InvalidInput naming `field`."""
    if isinstance(value, bool) or value is None:
        raise InvalidInput(field, f"expected a number, got {value!r}")
    if isinstance(value, float):
        value = repr(value)
    try:
        parsed = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(field, f"not a number: {value!r}") from None
    if not parsed.is_finite():
        raise InvalidInput(field, f"must be finite, got {value!r}")
    return parsed


def parse_positive(value: object, field: str) -> Decimal:
    """Return `value` as a Decimal strictly above zero."""
    parsed = parse_decimal(value, field)
    if parsed <= ZERO:
        raise InvalidInput(field, f"must be > 0, got {parsed}")
    return parsed


def is_multiple(value: Decimal, increment: Decimal) -> bool:
    """Tell whether `value` is a whole number of `increment`s."""
    if increment == ZERO:
        return True
    try:
        return (value % increment) == ZERO
    except InvalidOperation:
        # The quotient needs more digits than the context has: far off any sane grid.
        return False


def floor_to(value: Decimal, increment: Decimal) -> Decimal:
    """Round `value` down (toward zero) to a multiple of `increment`."""
    if increment == ZERO:
        return value
    units = (value / increment).to_integral_value(rounding=ROUND_DOWN)
    return (units * increment).normalize() if units else ZERO


def round_to(value: Decimal, increment: Decimal) -> Decimal:
    """Round `value` to the nearest multiple of `increment` (half to even)."""
    if increment == ZERO:
        return value
    units = (value / increment).to_integral_value(rounding=ROUND_HALF_EVEN)
    return units * increment


def money(value: Decimal) -> Decimal:
    """Quantise a cash amount to the settlement precision."""
    return value.quantize(MONEY_QUANTUM, rounding=ROUND_HALF_EVEN)


def sign(value: Decimal) -> int:
    """Return -1, 0 or 1."""
    return (value > 0) - (value < 0)
