"""Prices a taker gets and the conditions under which resting orders fire."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from adapters.simulated.config import VenueConfig
from domain.errors import InvalidInput
from domain.instrument import Instrument
from domain.order import Order, OrderType, Side

_ONE = Decimal(1)
_BPS = Decimal(10_000)


class Quoter:
    """Bid, ask and taker prices around a single last price, for one instrument."""

    __slots__ = ("_half_spread", "_slip_down", "_slip_up", "tick")

    def __init__(self, instrument: Instrument, config: VenueConfig) -> None:
        self.tick = instrument.tick_size
        self._half_spread = config.spread_ticks * instrument.tick_size / 2
        slip = config.slippage_bps / _BPS
        self._slip_up = _ONE + slip
        self._slip_down = _ONE - slip

    def ask(self, price: Decimal) -> Decimal:
        return price + self._half_spread

    def bid(self, price: Decimal) -> Decimal:
        return price - self._half_spread

    def taker_price(self, side: Side, price: Decimal) -> Decimal:
        """Return the touch moved by slippage, rounded to the tick against the taker."""
        if side is Side.BUY:
            return _to_tick(self.ask(price) * self._slip_up, self.tick, ROUND_CEILING)
        return max(_to_tick(self.bid(price) * self._slip_down, self.tick, ROUND_FLOOR), self.tick)

    def is_marketable(self, order: Order, price: Decimal) -> bool:
        """Tell whether a limit order would take liquidity at `price`."""
        limit = limit_price(order)
        if order.side is Side.BUY:
            return limit >= self.ask(price)
        return limit <= self.bid(price)

    def capped_taker_price(self, order: Order, price: Decimal) -> Decimal:
        """Return the taker price of a marketable limit order, no worse than its limit."""
        taker = self.taker_price(order.side, price)
        limit = limit_price(order)
        return min(taker, limit) if order.side is Side.BUY else max(taker, limit)


def trigger_price(order: Order) -> Decimal:
    """Return the price at which a resting order fires: its limit or its stop."""
    price = order.price if order.type is OrderType.LIMIT else order.stop_price
    if price is None:
        raise InvalidInput("price", f"a {order.type.value} order needs a trigger price")
    return price


def limit_price(order: Order) -> Decimal:
    if order.price is None:
        raise InvalidInput("price", "a limit order needs a price")
    return order.price


def fires_on_fall(order: Order) -> bool:
    """Tell whether the order fires when the price falls to its trigger (else on a rise).

    Buy limits and buy take-profits fire on a fall, buy stops on a rise; sells mirror.
    """
    return (order.type is not OrderType.STOP_MARKET) == (order.side is Side.BUY)


def fires(order: Order, price: Decimal) -> bool:
    trigger = trigger_price(order)
    return price <= trigger if fires_on_fall(order) else price >= trigger


def _to_tick(value: Decimal, tick: Decimal, rounding: str) -> Decimal:
    return (value / tick).to_integral_value(rounding=rounding) * tick
