"""Binance order parameters → the domain Order the simulated venue matches."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import TypeVar

from adapters.fake_binance.errors import BinanceError, missing
from domain.order import Order, OrderType, Side, TimeInForce

E = TypeVar("E", bound=Enum)
_ALGO_TYPES = {
    "STOP_MARKET": OrderType.STOP_MARKET,
    "TAKE_PROFIT_MARKET": OrderType.TAKE_PROFIT_MARKET,
}
_PLAIN_TYPES = {"MARKET": OrderType.MARKET, "LIMIT": OrderType.LIMIT}
_UNSUPPORTED = {"STOP", "TAKE_PROFIT", "TRAILING_STOP_MARKET"}


def parse_order(params: dict[str, str], order_id: str, now: int, algo: bool) -> Order:
    """Build the order a placement asks for, or raise Binance's parameter error."""
    symbol = _required(params, "symbol")
    side = _enum(Side, _required(params, "side"), "side")
    order_type = _type(_required(params, "type"), algo)
    quantity = _decimal(params, "quantity")
    if quantity is None:
        raise missing("quantity")
    price = _decimal(params, "price")
    stop = _decimal(params, "triggerPrice" if algo else "stopPrice")
    tif = _enum(TimeInForce, params.get("timeInForce", "GTC"), "timeInForce")
    if order_type is OrderType.LIMIT and price is None:
        raise missing("price")
    if order_type is OrderType.LIMIT and "timeInForce" not in params:
        raise missing("timeInForce")
    if algo and stop is None:
        raise missing("triggerPrice")
    client_id = params.get("clientAlgoId" if algo else "newClientOrderId") or f"fake-{order_id}"
    return Order(
        order_id=order_id,
        client_order_id=client_id,
        symbol=symbol,
        side=side,
        type=order_type,
        quantity=quantity,
        price=price if order_type is OrderType.LIMIT else None,
        stop_price=stop if algo else None,
        time_in_force=tif,
        reduce_only=params.get("reduceOnly", "false").lower() == "true",
        created_at=now,
        updated_at=now,
    )


def _type(value: str, algo: bool) -> OrderType:
    if algo:
        if value in _ALGO_TYPES:
            return _ALGO_TYPES[value]
    elif value in _PLAIN_TYPES:
        return _PLAIN_TYPES[value]
    elif value in _ALGO_TYPES or value in _UNSUPPORTED:
        raise BinanceError(
            400,
            -4120,
            "Order type not supported for this endpoint. Please use the Algo Order API "
            "endpoints instead.",
        )
    raise BinanceError(400, -1116, "Invalid orderType.")


def _required(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if not value:
        raise missing(name)
    return value


def _decimal(params: dict[str, str], name: str) -> Decimal | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise BinanceError(
            400,
            -1100,
            f"Illegal characters found in parameter '{name}'.",
        ) from None
    if not value.is_finite() or value <= 0:
        raise BinanceError(
            400, -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
        )
    return value


def _enum(kind: type[E], value: str, name: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise BinanceError(400, -1117 if name == "side" else -1115, f"Invalid {name}.") from None


def check_client_id(value: str | None) -> None:
    if value is None:
        return
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:/_-")
    if not 1 <= len(value) <= 36 or not set(value) <= allowed:
        raise BinanceError(400, -4015, "Client order id is not valid.")
