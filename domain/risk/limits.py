"""Pre-trade risk limits and the pure checks that hold an order against them.

Everything here is exact (Decimal) and free of I/O: the application gathers the
positions, marks and equity, and these functions say whether an order may go out.
Notional, exposure and leverage limits bind only orders that add risk; an order
that only reduces a position (the way out of trouble) is never blocked by them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from domain.errors import InvalidInput
from domain.numbers import ZERO
from domain.order import OrderType, Side

_HUNDRED = Decimal(100)


class RejectCode(StrEnum):
    """Machine-readable reasons a pre-trade check refuses an order."""

    KILL_SWITCH = "KILL_SWITCH"
    CIRCUIT_BREAKER = "CIRCUIT_BREAKER"
    REDUCE_ONLY = "REDUCE_ONLY"
    NO_MARK_PRICE = "NO_MARK_PRICE"
    PRICE_BAND = "PRICE_BAND"
    MAX_ORDER_NOTIONAL = "MAX_ORDER_NOTIONAL"
    MAX_POSITION_NOTIONAL = "MAX_POSITION_NOTIONAL"
    MAX_GROSS_EXPOSURE = "MAX_GROSS_EXPOSURE"
    MAX_NET_EXPOSURE = "MAX_NET_EXPOSURE"
    MAX_LEVERAGE = "MAX_LEVERAGE"
    RATE_LIMIT_SYMBOL = "RATE_LIMIT_SYMBOL"
    RATE_LIMIT_ACCOUNT = "RATE_LIMIT_ACCOUNT"


@dataclass(frozen=True, slots=True)
class Breach:
    """Why an order was refused: `code` for machines, `message` for people."""

    code: RejectCode
    message: str


@dataclass(frozen=True, slots=True)
class RiskLimits:
    """The account's limits, in the quote currency (USDT) unless stated.

    Percentages are in percent (5 means 5 %). Rates are orders per second with a
    burst: a token bucket holding `burst` tokens refilled at `rate` per second.
    """

    max_order_notional: Decimal = Decimal(25_000)
    max_position_notional: Decimal = Decimal(50_000)
    max_gross_exposure: Decimal = Decimal(100_000)
    max_net_exposure: Decimal = Decimal(100_000)
    max_leverage: Decimal = Decimal(10)
    price_band_pct: Decimal = Decimal(5)
    symbol_order_rate: Decimal = Decimal(10)
    symbol_order_burst: int = 20
    account_order_rate: Decimal = Decimal(20)
    account_order_burst: int = 40
    daily_loss_limit: Decimal = Decimal(1_000)
    max_drawdown_pct: Decimal = Decimal(20)
    flatten_on_breaker: bool = False

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, bool):
                continue
            if isinstance(value, int) and value < 1:
                raise InvalidInput(spec.name, f"must be an integer >= 1, got {value}")
            if isinstance(value, Decimal) and (not value.is_finite() or value <= ZERO):
                raise InvalidInput(spec.name, f"must be a finite number > 0, got {value}")
        if self.max_drawdown_pct > _HUNDRED:
            raise InvalidInput("max_drawdown_pct", "must be at most 100")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Return the limit names, in declaration order."""
        return tuple(spec.name for spec in fields(cls))

    def as_text(self) -> dict[str, str]:
        """Return every limit as text, the form stored and shown."""
        return {name: _text(value) for name, value in asdict(self).items()}

    def with_changes(self, changes: Mapping[str, str]) -> RiskLimits:
        """Return a copy with the named limits parsed from text and validated."""
        parsed: dict[str, Any] = {name: _parse(self, name, raw) for name, raw in changes.items()}
        return replace(self, **parsed)

    @classmethod
    def from_text(cls, values: Mapping[str, str]) -> RiskLimits:
        """Build limits from stored text; unknown names are refused, missing ones default."""
        return cls().with_changes(values)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 1E+3 reads as 1000
    return str(value)


def _parse(limits: RiskLimits, name: str, raw: str) -> object:
    if name not in RiskLimits.names():
        raise InvalidInput(name, f"unknown limit; known: {', '.join(RiskLimits.names())}")
    current = getattr(limits, name)
    text = str(raw).strip()
    if isinstance(current, bool):
        if text.lower() not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
            raise InvalidInput(name, f"must be true or false, got {raw!r}")
        return text.lower() in ("true", "1", "yes", "on")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(name, f"not a number: {raw!r}") from None
    if isinstance(current, int):
        if not number.is_finite() or number != number.to_integral_value():
            raise InvalidInput(name, f"must be a whole number, got {raw!r}")
        return int(number)
    return number


@dataclass(frozen=True, slots=True)
class OrderIntent:
    """What a pre-trade check needs of an order: direction, size and prices."""

    symbol: str
    side: Side
    type: OrderType
    quantity: Decimal
    price: Decimal | None
    reduce_only: bool

    @property
    def signed_quantity(self) -> Decimal:
        return self.quantity * self.side.sign


@dataclass(frozen=True, slots=True)
class BookState:
    """The account as the checks see it: signed position sizes, marks and equity.

    `resting` holds, per symbol, the unfilled quantity of open orders that are not
    reduce-only, as (buys, sells); they count against the limits as if they filled.
    """

    positions: Mapping[str, Decimal]
    marks: Mapping[str, Decimal]
    equity: Decimal
    resting: Mapping[str, tuple[Decimal, Decimal]] = field(default_factory=dict)

    def position(self, symbol: str) -> Decimal:
        return self.positions.get(symbol, ZERO)

    def worst_case(self, order: OrderIntent) -> Decimal:
        """Return the order's symbol position once it and the resting orders on its side fill."""
        buys, sells = self.resting.get(order.symbol, (ZERO, ZERO))
        pending = buys if order.side is Side.BUY else -sells
        return self.position(order.symbol) + pending + order.signed_quantity


def adds_risk(order: OrderIntent, position: Decimal) -> bool:
    """Tell whether `order` can increase exposure: anything but a pure reduction."""
    if order.reduce_only:
        return False
    delta = order.signed_quantity
    reduces = position != ZERO and (delta > ZERO) != (position > ZERO)
    return not (reduces and abs(delta) <= abs(position))


def check_reduce_only(order: OrderIntent, position: Decimal) -> Breach | None:
    """Refuse a reduce-only order that would open, grow or flip a position."""
    if not order.reduce_only:
        return None
    if position == ZERO:
        return Breach(RejectCode.REDUCE_ONLY, f"reduce-only order but no {order.symbol} position")
    if (order.signed_quantity > ZERO) == (position > ZERO):
        return Breach(
            RejectCode.REDUCE_ONLY,
            f"reduce-only {order.side.value} would increase the {order.symbol} position {position}",
        )
    if order.quantity > abs(position):
        return Breach(
            RejectCode.REDUCE_ONLY,
            f"reduce-only quantity {order.quantity} exceeds the position {abs(position)}",
        )
    return None


def check_price_band(order: OrderIntent, mark: Decimal, limits: RiskLimits) -> Breach | None:
    """Refuse a limit price more than the band through the mark on the aggressive side.

    A buy far above the mark or a sell far below it is a fat finger that would sweep
    the book; a passive price far away merely rests and is allowed.
    """
    if order.price is None:
        return None
    band = limits.price_band_pct / _HUNDRED
    if order.side is Side.BUY:
        bound = mark * (1 + band)
        if order.price > bound:
            return _band(order, mark, limits, "above")
    elif order.price < mark * (1 - band):
        return _band(order, mark, limits, "below")
    return None


def _band(order: OrderIntent, mark: Decimal, limits: RiskLimits, where: str) -> Breach:
    deviation = abs(order.price - mark) / mark * _HUNDRED if order.price else ZERO
    return Breach(
        RejectCode.PRICE_BAND,
        f"{order.side.value} price {order.price} is {deviation:.2f}% {where} the mark {mark}; "
        f"the band is {limits.price_band_pct}%",
    )


def check_exposure(order: OrderIntent, book: BookState, limits: RiskLimits) -> Breach | None:
    """Hold a risk-adding order against the notional, exposure and leverage limits."""
    position = book.position(order.symbol)
    if not adds_risk(order, position):
        return None
    mark = book.marks[order.symbol]
    price = order.price if order.price is not None else mark
    for check in (_order_notional, _position_notional, _gross, _net, _leverage):
        breach = check(order, book, limits, price)
        if breach is not None:
            return breach
    return None


def _order_notional(
    order: OrderIntent, book: BookState, limits: RiskLimits, price: Decimal
) -> Breach | None:
    notional = order.quantity * price
    if notional > limits.max_order_notional:
        return Breach(
            RejectCode.MAX_ORDER_NOTIONAL,
            f"order notional {_money(notional)} exceeds the limit {limits.max_order_notional}",
        )
    return None


def _position_notional(
    order: OrderIntent, book: BookState, limits: RiskLimits, price: Decimal
) -> Breach | None:
    notional = abs(book.worst_case(order)) * book.marks[order.symbol]
    if notional > limits.max_position_notional:
        return Breach(
            RejectCode.MAX_POSITION_NOTIONAL,
            f"{order.symbol} position would be {_money(notional)} notional, above the limit "
            f"{limits.max_position_notional}",
        )
    return None


def _gross(
    order: OrderIntent, book: BookState, limits: RiskLimits, price: Decimal
) -> Breach | None:
    gross = sum((abs(n) for n in projected_notionals(order, book).values()), ZERO)
    if gross > limits.max_gross_exposure:
        return Breach(
            RejectCode.MAX_GROSS_EXPOSURE,
            f"gross exposure would be {_money(gross)}, above the limit {limits.max_gross_exposure}",
        )
    return None


def _net(order: OrderIntent, book: BookState, limits: RiskLimits, price: Decimal) -> Breach | None:
    net = abs(sum(projected_notionals(order, book).values(), ZERO))
    if net > limits.max_net_exposure:
        return Breach(
            RejectCode.MAX_NET_EXPOSURE,
            f"net exposure would be {_money(net)}, above the limit {limits.max_net_exposure}",
        )
    return None


def _leverage(
    order: OrderIntent, book: BookState, limits: RiskLimits, price: Decimal
) -> Breach | None:
    gross = sum((abs(n) for n in projected_notionals(order, book).values()), ZERO)
    if book.equity <= ZERO:
        return Breach(RejectCode.MAX_LEVERAGE, f"equity is {_money(book.equity)}; no new risk")
    leverage = gross / book.equity
    if leverage > limits.max_leverage:
        return Breach(
            RejectCode.MAX_LEVERAGE,
            f"leverage would be {leverage:.2f}x (gross {_money(gross)} / equity "
            f"{_money(book.equity)}), above the limit {limits.max_leverage}x",
        )
    return None


def projected_notionals(order: OrderIntent, book: BookState) -> dict[str, Decimal]:
    """Return each symbol's signed notional at its mark once `order` (and the resting
    orders on its side of its symbol) have filled."""
    sizes = dict(book.positions)
    sizes[order.symbol] = book.worst_case(order)
    return {s: q * book.marks.get(s, ZERO) for s, q in sizes.items() if q != ZERO}


def _money(value: Decimal) -> str:
    return f"{value:.2f}"
