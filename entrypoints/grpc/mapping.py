"""Translate between protobuf messages and domain values, in both directions.

Requests are parsed strictly: an unknown enum value or a malformed number is an
InvalidInput naming the proto field, so the client gets INVALID_ARGUMENT.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from application.events import Event
from application.ports.reconciliation import Discrepancy
from application.ports.venue import FundingPayment
from application.use_cases.queries import PositionView
from autotrader.v1 import trading_pb2 as pb
from domain.account import Account, AccountSummary
from domain.errors import InvalidInput
from domain.fill import Fill, Liquidity
from domain.numbers import parse_decimal
from domain.order import Order, OrderRequest, OrderStatus, OrderType, Side, TimeInForce
from domain.position import MarginMode

SIDES: dict[int, Side] = {pb.SIDE_BUY: Side.BUY, pb.SIDE_SELL: Side.SELL}
TYPES: dict[int, OrderType] = {
    pb.ORDER_TYPE_MARKET: OrderType.MARKET,
    pb.ORDER_TYPE_LIMIT: OrderType.LIMIT,
    pb.ORDER_TYPE_STOP_MARKET: OrderType.STOP_MARKET,
    pb.ORDER_TYPE_TAKE_PROFIT_MARKET: OrderType.TAKE_PROFIT_MARKET,
}
TIFS: dict[int, TimeInForce] = {
    pb.TIME_IN_FORCE_GTC: TimeInForce.GTC,
    pb.TIME_IN_FORCE_IOC: TimeInForce.IOC,
    pb.TIME_IN_FORCE_FOK: TimeInForce.FOK,
    pb.TIME_IN_FORCE_GTX: TimeInForce.GTX,
}
STATUSES: dict[int, OrderStatus] = {
    pb.ORDER_STATUS_NEW: OrderStatus.NEW,
    pb.ORDER_STATUS_OPEN: OrderStatus.OPEN,
    pb.ORDER_STATUS_PARTIALLY_FILLED: OrderStatus.PARTIALLY_FILLED,
    pb.ORDER_STATUS_FILLED: OrderStatus.FILLED,
    pb.ORDER_STATUS_CANCELED: OrderStatus.CANCELED,
    pb.ORDER_STATUS_REJECTED: OrderStatus.REJECTED,
    pb.ORDER_STATUS_EXPIRED: OrderStatus.EXPIRED,
}
MARGIN_MODES: dict[int, MarginMode] = {
    pb.MARGIN_MODE_CROSS: MarginMode.CROSS,
    pb.MARGIN_MODE_ISOLATED: MarginMode.ISOLATED,
}
LIQUIDITY: dict[int, Liquidity] = {
    pb.LIQUIDITY_MAKER: Liquidity.MAKER,
    pb.LIQUIDITY_TAKER: Liquidity.TAKER,
}

E = TypeVar("E")


def _reverse(table: Mapping[int, E]) -> dict[E, Any]:
    return {value: key for key, value in table.items()}


SIDES_PB = _reverse(SIDES)
TYPES_PB = _reverse(TYPES)
TIFS_PB = _reverse(TIFS)
STATUSES_PB = _reverse(STATUSES)
MARGIN_MODES_PB = _reverse(MARGIN_MODES)
LIQUIDITY_PB = _reverse(LIQUIDITY)


def _enum(table: Mapping[int, E], value: int, field: str, enum_name: str) -> E:
    if value not in table:
        names = pb.DESCRIPTOR.enum_types_by_name[enum_name].values_by_number
        allowed = ", ".join(names[k].name for k in table)
        raise InvalidInput(field, f"must be one of {allowed}, got {value}")
    return table[value]


def _optional_decimal(text: str, field: str) -> Decimal | None:
    return parse_decimal(text, field) if text.strip() else None


def order_request(msg: pb.SubmitOrderRequest) -> OrderRequest:
    """Parse a SubmitOrderRequest into a domain OrderRequest."""
    symbol = msg.symbol.strip().upper()
    if not symbol:
        raise InvalidInput("symbol", "is required")
    side = _enum(SIDES, msg.side, "side", "Side")
    order_type = _enum(TYPES, msg.type, "type", "OrderType")
    if not msg.quantity.strip():
        raise InvalidInput("quantity", "is required")
    quantity = parse_decimal(msg.quantity, "quantity")
    tif = (
        TimeInForce.GTC
        if msg.time_in_force == pb.TIME_IN_FORCE_UNSPECIFIED
        else _enum(TIFS, msg.time_in_force, "time_in_force", "TimeInForce")
    )
    return OrderRequest(
        symbol=symbol,
        side=side,
        type=order_type,
        quantity=quantity,
        price=_optional_decimal(msg.price, "price"),
        stop_price=_optional_decimal(msg.stop_price, "stop_price"),
        time_in_force=tif,
        reduce_only=msg.reduce_only,
        client_order_id=msg.client_order_id.strip() or None,
    )


def statuses(values: list[int]) -> list[OrderStatus]:
    return [_enum(STATUSES, v, "statuses", "OrderStatus") for v in values]


def _text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f")


def order_pb(order: Order) -> pb.Order:
    return pb.Order(
        order_id=order.order_id,
        client_order_id=order.client_order_id,
        symbol=order.symbol,
        side=SIDES_PB[order.side],
        type=TYPES_PB[order.type],
        quantity=_text(order.quantity),
        price=_text(order.price),
        stop_price=_text(order.stop_price),
        time_in_force=TIFS_PB[order.time_in_force],
        reduce_only=order.reduce_only,
        status=STATUSES_PB[order.status],
        filled_quantity=_text(order.filled_quantity),
        average_price=_text(order.average_price),
        fees=_text(order.fees),
        exchange_order_id=order.exchange_order_id or "",
        reject_reason=order.reject_reason or "",
        created_at_ms=order.created_at,
        updated_at_ms=order.updated_at,
    )


def fill_pb(fill: Fill) -> pb.Fill:
    return pb.Fill(
        fill_id=fill.fill_id,
        order_id=fill.order_id,
        client_order_id=fill.client_order_id,
        symbol=fill.symbol,
        side=SIDES_PB[fill.side],
        quantity=_text(fill.quantity),
        price=_text(fill.price),
        fee=_text(fill.fee),
        fee_asset=fill.fee_asset,
        liquidity=LIQUIDITY_PB[fill.liquidity],
        ts_ms=fill.ts,
    )


def position_pb(view: PositionView) -> pb.Position:
    p = view.position
    return pb.Position(
        symbol=p.symbol,
        quantity=_text(p.quantity),
        entry_price=_text(p.entry_price),
        mark_price=_text(view.mark_price),
        unrealized_pnl=_text(view.unrealized_pnl),
        realized_pnl=_text(p.realized_pnl),
        fees=_text(p.fees),
        funding=_text(p.funding),
        leverage=p.leverage,
        margin_mode=MARGIN_MODES_PB[p.margin_mode],
        isolated_margin=_text(p.isolated_margin),
        notional=_text(view.notional),
        maintenance_margin=_text(view.maintenance_margin),
        liquidation_price=_text(view.liquidation_price),
        updated_at_ms=p.updated_at,
    )


def account_pb(summary: AccountSummary, mode: str, venue: str) -> pb.Account:
    return pb.Account(
        asset=summary.asset,
        wallet_balance=_text(summary.wallet_balance),
        unrealized_pnl=_text(summary.unrealized_pnl),
        margin_balance=_text(summary.margin_balance),
        position_margin=_text(summary.position_margin),
        order_margin=_text(summary.order_margin),
        available_balance=_text(summary.available_balance),
        mode=mode,
        venue=venue,
    )


def funding_pb(payment: FundingPayment) -> pb.FundingPayment:
    return pb.FundingPayment(
        symbol=payment.symbol,
        rate=_text(payment.rate),
        mark_price=_text(payment.mark_price),
        position_quantity=_text(payment.position_quantity),
        amount=_text(payment.amount),
        ts_ms=payment.ts,
    )


def event_pb(event: Event) -> pb.Event:
    """Translate a journal/bus event; positions go without a mark-based valuation."""
    msg = pb.Event(sequence=event.sequence, kind=event.kind.value, ts_ms=event.ts)
    subject = event.subject
    if isinstance(subject, Order):
        msg.order.CopyFrom(order_pb(subject))
    elif isinstance(subject, Fill):
        msg.fill.CopyFrom(fill_pb(subject))
    elif isinstance(subject, FundingPayment):
        msg.funding.CopyFrom(funding_pb(subject))
    elif isinstance(subject, Discrepancy):
        msg.discrepancy.CopyFrom(
            pb.Discrepancy(
                kind=subject.kind.value,
                subject=subject.subject,
                local=subject.local,
                exchange=subject.exchange,
                action=subject.action,
                ts_ms=subject.ts,
            )
        )
    elif isinstance(subject, Account):
        msg.balance.CopyFrom(
            pb.Balance(
                asset=subject.asset,
                wallet_balance=_text(subject.wallet_balance),
                updated_at_ms=subject.updated_at,
            )
        )
    else:
        zero = Decimal(0)
        msg.position.CopyFrom(position_pb(PositionView(subject, None, zero, zero, zero, None)))
    return msg
