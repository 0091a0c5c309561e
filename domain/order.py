"""Orders and their lifecycle: an explicit transition table, nothing implicit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.errors import IllegalTransition, InvalidInput
from domain.numbers import ZERO


class Side(StrEnum):
    BUY = "BUY"
    SELL = "SELL"

    @property
    def sign(self) -> int:
        """Return +1 for a buy and -1 for a sell."""
        return 1 if self is Side.BUY else -1

    @property
    def opposite(self) -> Side:
        return Side.SELL if self is Side.BUY else Side.BUY


class OrderType(StrEnum):
    MARKET = "MARKET"
    LIMIT = "LIMIT"
    STOP_MARKET = "STOP_MARKET"
    TAKE_PROFIT_MARKET = "TAKE_PROFIT_MARKET"


class TimeInForce(StrEnum):
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"
    GTX = "GTX"  # post-only: rejected rather than allowed to take liquidity


class OrderStatus(StrEnum):
    NEW = "NEW"
    OPEN = "OPEN"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELED = "CANCELED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"

    @property
    def is_final(self) -> bool:
        return self in _FINAL

    @property
    def is_open(self) -> bool:
        """Tell whether the order can still trade at the venue."""
        return self in (OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED)


# Orders that can still trade or be sent: NEW (stored, not yet acknowledged) included.
OPEN_STATUSES = (OrderStatus.NEW, OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED)

_FINAL = frozenset(
    {OrderStatus.FILLED, OrderStatus.CANCELED, OrderStatus.REJECTED, OrderStatus.EXPIRED}
)
_LIVE_EXITS = frozenset(
    {
        OrderStatus.PARTIALLY_FILLED,
        OrderStatus.FILLED,
        OrderStatus.CANCELED,
        OrderStatus.EXPIRED,
    }
)
# NEW is the order as we created it; OPEN once the venue has acknowledged it.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.NEW: frozenset({OrderStatus.OPEN, OrderStatus.REJECTED}),
    OrderStatus.OPEN: _LIVE_EXITS,
    OrderStatus.PARTIALLY_FILLED: _LIVE_EXITS,
    OrderStatus.FILLED: frozenset(),
    OrderStatus.CANCELED: frozenset(),
    OrderStatus.REJECTED: frozenset(),
    OrderStatus.EXPIRED: frozenset(),
}


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    """Tell whether the table allows `current` → `target`."""
    return target in TRANSITIONS[current]


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """What a caller asks for, already parsed into exact values but not yet checked
    against an instrument."""

    symbol: str
    side: Side
    type: OrderType
    quantity: Decimal
    price: Decimal | None = None
    stop_price: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.GTC
    reduce_only: bool = False
    client_order_id: str | None = None

    def __post_init__(self) -> None:
        if self.quantity <= ZERO:
            raise InvalidInput("quantity", f"must be > 0, got {self.quantity}")
        if self.type is OrderType.LIMIT and self.price is None:
            raise InvalidInput("price", "a limit order needs a price")
        if self.type is not OrderType.LIMIT and self.price is not None:
            raise InvalidInput("price", f"a {self.type.value} order takes no price")
        needs_stop = self.type in (OrderType.STOP_MARKET, OrderType.TAKE_PROFIT_MARKET)
        if needs_stop and self.stop_price is None:
            raise InvalidInput("stop_price", f"a {self.type.value} order needs a stop price")
        if not needs_stop and self.stop_price is not None:
            raise InvalidInput("stop_price", f"a {self.type.value} order takes no stop price")
        if self.time_in_force is TimeInForce.GTX and self.type is not OrderType.LIMIT:
            raise InvalidInput("time_in_force", "GTX (post-only) applies to limit orders only")
        if self.client_order_id is not None:
            _check_client_order_id(self.client_order_id)


def _check_client_order_id(value: str) -> None:
    # Binance accepts 1-36 characters from this set for newClientOrderId.
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:/_-")
    if not 1 <= len(value) <= 36 or not set(value) <= allowed:
        raise InvalidInput(
            "client_order_id", "must be 1-36 characters of letters, digits and .:/_-"
        )


@dataclass(slots=True)
class Order:
    """An order and its progress at the venue."""

    order_id: str
    client_order_id: str
    symbol: str
    side: Side
    type: OrderType
    quantity: Decimal
    price: Decimal | None
    stop_price: Decimal | None
    time_in_force: TimeInForce
    reduce_only: bool
    created_at: int
    status: OrderStatus = OrderStatus.NEW
    filled_quantity: Decimal = ZERO
    average_price: Decimal | None = None
    fees: Decimal = ZERO
    exchange_order_id: str | None = None
    reject_reason: str | None = None
    updated_at: int = 0

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.filled_quantity

    def transition(self, target: OrderStatus, at: int) -> None:
        """Move to `target`, or raise IllegalTransition if the table forbids it."""
        if not can_transition(self.status, target):
            raise IllegalTransition(
                f"order {self.client_order_id}: "
                f"{self.status.value} -> {target.value} is not allowed"
            )
        self.status = target
        self.updated_at = at

    def accept(self, exchange_order_id: str, at: int) -> None:
        """Record the venue's acknowledgement."""
        self.exchange_order_id = exchange_order_id
        self.transition(OrderStatus.OPEN, at)

    def reject(self, reason: str, at: int) -> None:
        self.reject_reason = reason
        self.transition(OrderStatus.REJECTED, at)

    def record_fill(self, quantity: Decimal, price: Decimal, fee: Decimal, at: int) -> None:
        """Add an execution: raise the filled quantity and move to (partially) filled.

        Checks everything before changing anything, so a refused fill leaves the
        order as it was.
        """
        self._check_fill(quantity)
        target = (
            OrderStatus.FILLED
            if self.filled_quantity + quantity == self.quantity
            else OrderStatus.PARTIALLY_FILLED
        )
        if not can_transition(self.status, target):
            raise IllegalTransition(
                f"order {self.client_order_id}: a fill cannot move "
                f"{self.status.value} -> {target.value}"
            )
        self._add_fill(quantity, price, fee)
        self.transition(target, at)

    def record_late_fill(self, quantity: Decimal, price: Decimal, fee: Decimal, at: int) -> None:
        """Book a fill that the venue executed before it canceled or expired the order.

        Venues may report a cancel before the trade that preceded it; the fill is
        real, so it counts, and the final status stays.
        """
        if self.status not in (OrderStatus.CANCELED, OrderStatus.EXPIRED):
            raise IllegalTransition(
                f"order {self.client_order_id}: a late fill needs a canceled or expired "
                f"order, not {self.status.value}"
            )
        self._check_fill(quantity)
        self._add_fill(quantity, price, fee)
        self.updated_at = at

    def _check_fill(self, quantity: Decimal) -> None:
        if quantity <= ZERO or quantity > self.remaining:
            raise InvalidInput(
                "fill.quantity", f"{quantity} does not fit the remaining {self.remaining}"
            )

    def _add_fill(self, quantity: Decimal, price: Decimal, fee: Decimal) -> None:
        notional = (self.average_price or ZERO) * self.filled_quantity + price * quantity
        self.filled_quantity += quantity
        self.average_price = notional / self.filled_quantity
        self.fees += fee


def new_order(request: OrderRequest, order_id: str, client_order_id: str, at: int) -> Order:
    """Create the NEW order for a checked request."""
    return Order(
        order_id=order_id,
        client_order_id=client_order_id,
        symbol=request.symbol,
        side=request.side,
        type=request.type,
        quantity=request.quantity,
        price=request.price,
        stop_price=request.stop_price,
        time_in_force=request.time_in_force,
        reduce_only=request.reduce_only,
        created_at=at,
        updated_at=at,
    )
