"""Binance USDⓈ-M JSON shapes, built from the fake's state."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from domain.instrument import Instrument
from domain.numbers import ZERO
from domain.order import Order, OrderType
from domain.position import Position

RATE_LIMITS = [
    {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 2400},
    {"rateLimitType": "ORDERS", "interval": "MINUTE", "intervalNum": 1, "limit": 1200},
    {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 300},
]


def num(value: Decimal | None) -> str:
    """Format a decimal the way Binance does: plain digits, never an exponent."""
    if value is None:
        return "0"
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


@dataclass(slots=True)
class OrderRecord:
    """The fake's view of one order (or conditional algo order) at the venue."""

    order: Order
    order_id: int
    created: int
    status: str = "NEW"
    executed: Decimal = ZERO
    cum_quote: Decimal = ZERO
    updated: int = 0
    algo: bool = False
    child_id: int | None = None
    trades: list[int] = field(default_factory=list)

    @property
    def average(self) -> Decimal:
        return self.cum_quote / self.executed if self.executed else ZERO

    @property
    def is_open(self) -> bool:
        return self.status in ("NEW", "PARTIALLY_FILLED")


def exchange_info(instruments: list[Instrument], now: int) -> dict[str, Any]:
    return {
        "timezone": "UTC",
        "serverTime": now,
        "futuresType": "U_MARGINED",
        "rateLimits": RATE_LIMITS,
        "exchangeFilters": [],
        "assets": [{"asset": "USDT", "marginAvailable": True, "autoAssetExchange": "-10000"}],
        "symbols": [_symbol(i) for i in instruments],
    }


def _symbol(instrument: Instrument) -> dict[str, Any]:
    tick = num(instrument.tick_size)
    step = num(instrument.step_size)
    return {
        "symbol": instrument.symbol,
        "pair": instrument.symbol,
        "contractType": "PERPETUAL",
        "deliveryDate": 4133404800000,
        "onboardDate": 1569398400000,
        "status": "TRADING",
        "maintMarginPercent": "2.5000",
        "requiredMarginPercent": "5.0000",
        "baseAsset": instrument.base,
        "quoteAsset": instrument.quote,
        "marginAsset": instrument.quote,
        "pricePrecision": _places(instrument.tick_size),
        "quantityPrecision": _places(instrument.step_size),
        "baseAssetPrecision": 8,
        "quotePrecision": 8,
        "underlyingType": "COIN",
        "underlyingSubType": [],
        "settlePlan": 0,
        "triggerProtect": "0.0500",
        "liquidationFee": "0.012500",
        "marketTakeBound": "0.05",
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": tick,
                "maxPrice": num(instrument.max_price),
                "tickSize": tick,
            },
            {
                "filterType": "LOT_SIZE",
                "minQty": num(instrument.min_qty),
                "maxQty": num(instrument.max_qty),
                "stepSize": step,
            },
            {
                "filterType": "MARKET_LOT_SIZE",
                "minQty": num(instrument.min_qty),
                "maxQty": num(instrument.max_qty),
                "stepSize": step,
            },
            {"filterType": "MAX_NUM_ORDERS", "limit": 200},
            {"filterType": "MAX_NUM_ALGO_ORDERS", "limit": 10},
            {"filterType": "MIN_NOTIONAL", "notional": num(instrument.min_notional)},
            {
                "filterType": "PERCENT_PRICE",
                "multiplierUp": "1.0500",
                "multiplierDown": "0.9500",
                "multiplierDecimal": "4",
            },
        ],
        "orderTypes": [
            "LIMIT",
            "MARKET",
            "STOP",
            "STOP_MARKET",
            "TAKE_PROFIT",
            "TAKE_PROFIT_MARKET",
            "TRAILING_STOP_MARKET",
        ],
        "timeInForce": ["GTC", "IOC", "FOK", "GTX"],
    }


def _places(increment: Decimal) -> int:
    exponent = increment.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def leverage_brackets(instrument: Instrument) -> dict[str, Any]:
    return {
        "symbol": instrument.symbol,
        "notionalCoef": 1.0,
        "brackets": [
            {
                "bracket": n,
                "initialLeverage": b.max_leverage,
                "notionalCap": float(b.notional_cap),
                "notionalFloor": float(b.notional_floor),
                "maintMarginRatio": float(b.maintenance_margin_rate),
                "cum": float(b.maintenance_amount),
            }
            for n, b in enumerate(instrument.brackets, start=1)
        ],
    }


def order(record: OrderRecord) -> dict[str, Any]:
    """The /fapi/v1/order answer (RESULT) and the query/openOrders item."""
    o = record.order
    return {
        "orderId": record.order_id,
        "symbol": o.symbol,
        "status": record.status,
        "clientOrderId": o.client_order_id,
        "price": num(o.price),
        "avgPrice": num(record.average),
        "origQty": num(o.quantity),
        "executedQty": num(record.executed),
        "cumQty": num(record.executed),
        "cumQuote": num(record.cum_quote),
        "timeInForce": o.time_in_force.value,
        "type": o.type.value,
        "reduceOnly": o.reduce_only,
        "closePosition": False,
        "side": o.side.value,
        "positionSide": "BOTH",
        "stopPrice": num(o.stop_price),
        "workingType": "CONTRACT_PRICE",
        "priceProtect": False,
        "origType": o.type.value,
        "priceMatch": "NONE",
        "selfTradePreventionMode": "EXPIRE_MAKER",
        "goodTillDate": 0,
        "time": record.created,
        "updateTime": record.updated,
    }


ALGO_STATUS = {"NEW": "NEW", "PARTIALLY_FILLED": "TRIGGERED", "FILLED": "FINISHED"}


def algo_order(record: OrderRecord) -> dict[str, Any]:
    """The /fapi/v1/algoOrder answer for a conditional order."""
    o = record.order
    return {
        "algoId": record.order_id,
        "clientAlgoId": o.client_order_id,
        "algoType": "CONDITIONAL",
        "orderType": o.type.value,
        "symbol": o.symbol,
        "side": o.side.value,
        "positionSide": "BOTH",
        "timeInForce": o.time_in_force.value,
        "quantity": num(o.quantity),
        "algoStatus": ALGO_STATUS.get(record.status, record.status),
        "actualOrderId": "" if record.child_id is None else str(record.child_id),
        "actualPrice": num(record.average),
        "triggerPrice": num(o.stop_price),
        "price": "0",
        "icebergQuantity": None,
        "selfTradePreventionMode": "EXPIRE_MAKER",
        "workingType": "CONTRACT_PRICE",
        "priceMatch": "NONE",
        "closePosition": False,
        "priceProtect": False,
        "reduceOnly": o.reduce_only,
        "createTime": record.created,
        "updateTime": record.updated,
        "triggerTime": 0,
        "goodTillDate": 0,
    }


def is_conditional(order_type: OrderType) -> bool:
    return order_type in (OrderType.STOP_MARKET, OrderType.TAKE_PROFIT_MARKET)


def position_risk(
    instrument: Instrument,
    position: Position,
    mark: Decimal,
    leverage: int,
    margin_type: str,
    now: int,
) -> dict[str, Any]:
    """One /fapi/v2/positionRisk item (one-way mode: positionSide BOTH)."""
    notional = position.quantity * mark
    return {
        "symbol": instrument.symbol,
        "positionAmt": num(position.quantity),
        "entryPrice": num(position.entry_price),
        "breakEvenPrice": num(position.entry_price),
        "markPrice": num(mark),
        "unRealizedProfit": num(position.unrealized_pnl(mark)),
        "liquidationPrice": "0",
        "leverage": str(leverage),
        "maxNotionalValue": num(instrument.brackets[0].notional_cap),
        "marginType": margin_type,
        "isolatedMargin": num(position.isolated_margin),
        "isAutoAddMargin": "false",
        "positionSide": "BOTH",
        "notional": num(notional),
        "isolatedWallet": num(position.isolated_margin),
        "updateTime": position.updated_at if not position.is_flat else 0,
    }
