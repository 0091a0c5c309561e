"""Exposure report of a futures account: notionals, leverage, margin and liquidation distance.

Inputs may come as Decimal, int or str (exact) or float (converted through its shortest
repr); everything is converted once at the boundary and the report stays in Decimal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from domain.risk.errors import ExposureError

Number = Decimal | int | str | float

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_INFINITY = Decimal("Infinity")


@dataclass(frozen=True, slots=True)
class PositionSnapshot:
    """One open position as the venue reports it; a negative quantity is a short."""

    symbol: str
    quantity: Decimal
    mark_price: Decimal
    entry_price: Decimal
    leverage: Decimal
    maintenance_margin: Decimal
    liquidation_price: Decimal | None = None

    def __post_init__(self) -> None:
        if not self.symbol:
            raise ExposureError("symbol", "must not be empty")
        _set(self, "quantity", to_decimal(self.quantity, "quantity"))
        _set(self, "mark_price", _positive(self.mark_price, "mark_price"))
        _set(self, "entry_price", _positive(self.entry_price, "entry_price"))
        _set(self, "leverage", _positive(self.leverage, "leverage"))
        _set(
            self, "maintenance_margin", _non_negative(self.maintenance_margin, "maintenance_margin")
        )
        if self.liquidation_price is not None:
            _set(
                self,
                "liquidation_price",
                _non_negative(self.liquidation_price, "liquidation_price"),
            )

    @classmethod
    def of(
        cls,
        symbol: str,
        quantity: Number,
        mark_price: Number,
        entry_price: Number,
        leverage: Number,
        maintenance_margin: Number,
        liquidation_price: Number | None = None,
    ) -> PositionSnapshot:
        """Build a snapshot from any numbers, converting each to Decimal first."""
        liquidation = (
            None
            if liquidation_price is None
            else to_decimal(liquidation_price, "liquidation_price")
        )
        return cls(
            symbol,
            to_decimal(quantity, "quantity"),
            to_decimal(mark_price, "mark_price"),
            to_decimal(entry_price, "entry_price"),
            to_decimal(leverage, "leverage"),
            to_decimal(maintenance_margin, "maintenance_margin"),
            liquidation,
        )


@dataclass(frozen=True, slots=True)
class SymbolExposure:
    """Exposure of one symbol; notionals in the quote currency at the mark price."""

    symbol: str
    net_notional: Decimal
    long_notional: Decimal
    short_notional: Decimal
    gross_notional: Decimal
    unrealised_pnl: Decimal
    leverage: Decimal
    maintenance_margin: Decimal
    liquidation_distance_pct: Decimal | None


@dataclass(frozen=True, slots=True)
class ExposureReport:
    """Account-wide exposure: per-symbol lines and their totals.

    `leverage` is gross notional / equity and `net_leverage` net notional / equity;
    `margin_ratio` is total maintenance margin / equity (1 means liquidation). Both are
    Decimal infinity when equity is not positive but exposure remains, so any limit
    check trips instead of dividing by zero.
    """

    symbols: tuple[SymbolExposure, ...]
    equity: Decimal
    long_notional: Decimal
    short_notional: Decimal
    gross_notional: Decimal
    net_notional: Decimal
    leverage: Decimal
    net_leverage: Decimal
    margin_ratio: Decimal
    unrealised_pnl: Decimal


def exposure_report(positions: Iterable[PositionSnapshot], equity: Number) -> ExposureReport:
    """Summarise the positions' exposure against the account's equity (margin balance)."""
    lines = tuple(sorted((symbol_exposure(p) for p in positions), key=lambda e: e.symbol))
    _reject_duplicates(lines)
    capital = to_decimal(equity, "equity")
    long_ = sum((e.long_notional for e in lines), _ZERO)
    short = sum((e.short_notional for e in lines), _ZERO)
    net = long_ - short
    maintenance = sum((e.maintenance_margin for e in lines), _ZERO)
    return ExposureReport(
        symbols=lines,
        equity=capital,
        long_notional=long_,
        short_notional=short,
        gross_notional=long_ + short,
        net_notional=net,
        leverage=_ratio(long_ + short, capital),
        net_leverage=_ratio(net, capital),
        margin_ratio=_ratio(maintenance, capital),
        unrealised_pnl=sum((e.unrealised_pnl for e in lines), _ZERO),
    )


def symbol_exposure(position: PositionSnapshot) -> SymbolExposure:
    """Return the exposure line of one position."""
    notional = position.quantity * position.mark_price
    return SymbolExposure(
        symbol=position.symbol,
        net_notional=notional,
        long_notional=max(notional, _ZERO),
        short_notional=max(-notional, _ZERO),
        gross_notional=abs(notional),
        unrealised_pnl=position.quantity * (position.mark_price - position.entry_price),
        leverage=position.leverage,
        maintenance_margin=position.maintenance_margin,
        liquidation_distance_pct=liquidation_distance_pct(position),
    )


def liquidation_distance_pct(position: PositionSnapshot) -> Decimal | None:
    """Return how far the mark may move against the position before liquidation, in % of mark.

    None when flat or when the venue reports no liquidation price (0 on Binance when the
    margin covers any move); negative when the mark is already past the liquidation price.
    """
    liquidation = position.liquidation_price
    if position.quantity == _ZERO or liquidation is None or liquidation == _ZERO:
        return None
    move = (
        position.mark_price - liquidation
        if position.quantity > _ZERO
        else (liquidation - position.mark_price)
    )
    return move / position.mark_price * _HUNDRED


def to_decimal(value: Number, name: str) -> Decimal:
    """Return `value` as a finite Decimal; floats go through their shortest repr."""
    if isinstance(value, bool) or value is None:
        raise ExposureError(name, f"expected a number, got {value!r}")
    try:
        result = (
            value
            if isinstance(value, Decimal)
            else Decimal(repr(value) if isinstance(value, float) else str(value).strip())
        )
    except (InvalidOperation, ValueError):
        raise ExposureError(name, f"not a number: {value!r}") from None
    if not result.is_finite():
        raise ExposureError(name, f"must be finite, got {value!r}")
    return result


def _ratio(numerator: Decimal, equity: Decimal) -> Decimal:
    if equity > _ZERO:
        return numerator / equity
    if numerator == _ZERO:
        return _ZERO
    return _INFINITY if numerator > _ZERO else -_INFINITY


def _reject_duplicates(lines: tuple[SymbolExposure, ...]) -> None:
    symbols = [line.symbol for line in lines]
    repeated = sorted({s for s in symbols if symbols.count(s) > 1})
    if repeated:
        raise ExposureError("positions", f"one position per symbol expected; repeated {repeated}")


def _positive(value: Decimal, name: str) -> Decimal:
    result = to_decimal(value, name)
    if result <= _ZERO:
        raise ExposureError(name, f"must be > 0, got {result}")
    return result


def _non_negative(value: Decimal, name: str) -> Decimal:
    result = to_decimal(value, name)
    if result < _ZERO:
        raise ExposureError(name, f"must be >= 0, got {result}")
    return result


def _set(snapshot: PositionSnapshot, field: str, value: Decimal) -> None:
    # Normalising a field of a frozen instance during its own validation.
    object.__setattr__(snapshot, field, value)
