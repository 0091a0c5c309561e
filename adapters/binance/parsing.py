"""Binance USDⓈ-M payloads → domain values. Pure functions over Binance's documented shapes.

Everything here reads the raw JSON Binance sends (ccxt hands it over as `info`),
never ccxt's unified structures, so what is parsed is what Binance documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from application.ports.account_state import VenueOrder
from application.ports.market_data import MarketEvent
from application.ports.venue import ExecutionReport, ReportKind
from domain.fill import Fill, Liquidity
from domain.instrument import Instrument, MarginBracket
from domain.market.candles import BookTop, Candle, DepthSnapshot, MarkPrice, Timeframe
from domain.numbers import ZERO
from domain.order import OrderStatus, Side
from domain.position import MarginMode, Position

Raw = Mapping[str, Any]

ORDER_STATUS = {
    "NEW": OrderStatus.OPEN,
    "PARTIALLY_FILLED": OrderStatus.PARTIALLY_FILLED,
    "FILLED": OrderStatus.FILLED,
    "CANCELED": OrderStatus.CANCELED,
    "EXPIRED": OrderStatus.EXPIRED,
    "EXPIRED_IN_MATCH": OrderStatus.EXPIRED,
    "REJECTED": OrderStatus.REJECTED,
}
ALGO_STATUS = {
    "NEW": OrderStatus.OPEN,
    "TRIGGERING": OrderStatus.OPEN,
    "TRIGGERED": OrderStatus.OPEN,
    "FINISHED": OrderStatus.FILLED,
    "CANCELED": OrderStatus.CANCELED,
    "EXPIRED": OrderStatus.EXPIRED,
    "REJECTED": OrderStatus.REJECTED,
}


def dec(value: object) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else ZERO


# -- instruments ----------------------------------------------------------------------


def instrument(symbol_info: Raw, brackets: Raw | None) -> Instrument | None:
    """Build an Instrument from an exchangeInfo symbol and its leverageBracket entry.

    Returns None for anything but a trading USDT-margined perpetual.
    """
    if symbol_info.get("contractType") != "PERPETUAL" or symbol_info.get("status") != "TRADING":
        return None
    filters = {f["filterType"]: f for f in symbol_info.get("filters", [])}
    price_filter = filters.get("PRICE_FILTER", {})
    lot = filters.get("LOT_SIZE", {})
    tiers = margin_brackets(brackets) if brackets else _default_bracket()
    return Instrument(
        symbol=str(symbol_info["symbol"]),
        base=str(symbol_info["baseAsset"]),
        quote=str(symbol_info["quoteAsset"]),
        tick_size=dec(price_filter.get("tickSize")),
        step_size=dec(lot.get("stepSize")),
        min_qty=dec(lot.get("minQty")),
        min_notional=dec(filters.get("MIN_NOTIONAL", {}).get("notional")),
        max_leverage=max(b.max_leverage for b in tiers),
        brackets=tiers,
        max_qty=dec(lot.get("maxQty")) or Decimal(1_000_000),
        max_price=dec(price_filter.get("maxPrice")) or Decimal(10_000_000),
    )


def margin_brackets(entry: Raw) -> tuple[MarginBracket, ...]:
    """Binance's leverageBracket tiers → MarginBracket, lowest notional first."""
    tiers = sorted(entry.get("brackets", []), key=lambda b: dec(b["notionalFloor"]))
    return tuple(
        MarginBracket(
            notional_floor=dec(b["notionalFloor"]),
            notional_cap=dec(b["notionalCap"]),
            maintenance_margin_rate=dec(b["maintMarginRatio"]),
            maintenance_amount=dec(b.get("cum", 0)),
            max_leverage=int(b["initialLeverage"]),
        )
        for b in tiers
    )


def _default_bracket() -> tuple[MarginBracket, ...]:
    return (MarginBracket(ZERO, Decimal(10**12), Decimal("0.05"), ZERO, 20),)


# -- orders --------------------------------------------------------------------------------


def venue_order(raw: Raw) -> VenueOrder:
    """A /fapi/v1/order (or algoOrder) answer → VenueOrder."""
    if "algoId" in raw:
        return VenueOrder(
            client_order_id=str(raw["clientAlgoId"]),
            exchange_order_id=str(raw["algoId"]),
            symbol=str(raw["symbol"]),
            status=ALGO_STATUS.get(str(raw.get("algoStatus")), OrderStatus.OPEN),
            quantity=dec(raw.get("quantity")),
            filled_quantity=_algo_filled(raw),
            average_price=dec(raw.get("actualPrice")) or None,
            updated_at=int(raw.get("updateTime") or 0),
        )
    return VenueOrder(
        client_order_id=str(raw["clientOrderId"]),
        exchange_order_id=str(raw["orderId"]),
        symbol=str(raw["symbol"]),
        status=ORDER_STATUS[str(raw["status"])],
        quantity=dec(raw.get("origQty")),
        filled_quantity=dec(raw.get("executedQty")),
        average_price=dec(raw.get("avgPrice")) or None,
        updated_at=int(raw.get("updateTime") or 0),
    )


def _algo_filled(raw: Raw) -> Decimal:
    if str(raw.get("algoStatus")) == "FINISHED":
        return dec(raw.get("quantity"))
    return ZERO


def answer_reports(raw: Raw, ts: int) -> list[ExecutionReport]:
    """The reports a placement answer carries (fills come separately, with trade ids)."""
    order = venue_order(raw)
    kind = {
        OrderStatus.CANCELED: ReportKind.CANCELED,
        OrderStatus.EXPIRED: ReportKind.EXPIRED,
        OrderStatus.REJECTED: ReportKind.REJECTED,
    }.get(order.status, ReportKind.ACCEPTED)
    reports = [
        ExecutionReport(ReportKind.ACCEPTED, order.client_order_id, ts, order.exchange_order_id)
    ]
    if kind is not ReportKind.ACCEPTED:
        reports.append(
            ExecutionReport(
                kind, order.client_order_id, ts, order.exchange_order_id, "by the venue"
            )
        )
    return reports


def trade_fill(raw: Raw, client_order_id: str, order_id: str) -> Fill:
    """A /fapi/v1/userTrades item → Fill (fill id: symbol-tradeId, like the stream's)."""
    return Fill(
        fill_id=f"{raw['symbol']}-{raw['id']}",
        order_id=order_id,
        client_order_id=client_order_id,
        symbol=str(raw["symbol"]),
        side=Side(str(raw["side"])),
        quantity=dec(raw["qty"]),
        price=dec(raw["price"]),
        fee=dec(raw.get("commission")),
        liquidity=Liquidity.MAKER if raw.get("maker") else Liquidity.TAKER,
        ts=int(raw["time"]),
        fee_asset=str(raw.get("commissionAsset") or "USDT"),
    )


# -- user-data stream -------------------------------------------------------------------


class UserStreamTranslator:
    """ORDER_TRADE_UPDATE and ALGO_UPDATE events → ExecutionReports.

    A triggered conditional (algo) order trades as a new plain order; the
    translator remembers which plain order id belongs to which algo client id so
    its fills are reported against our order.
    """

    def __init__(self) -> None:
        self._algo_children: dict[str, str] = {}
        self.order_ids: dict[str, str] = {}  # client order id -> our order id

    def reports(self, event: Raw) -> list[ExecutionReport]:
        if "data" in event and "e" not in event:
            event = event["data"]  # a combined-stream wrapper: {"stream": ..., "data": ...}
        kind = event.get("e")
        if kind == "ORDER_TRADE_UPDATE":
            return self._order_update(event["o"], int(event.get("T") or event.get("E") or 0))
        if kind == "ALGO_UPDATE":
            return self._algo_update(event["o"], int(event.get("T") or event.get("E") or 0))
        return []

    def _order_update(self, o: Raw, ts: int) -> list[ExecutionReport]:
        exchange_id = str(o["i"])
        client_id = self._algo_children.get(exchange_id, str(o["c"]))
        execution = o.get("x")
        if execution == "NEW":
            if exchange_id in self._algo_children:
                return []  # the algo order was acknowledged already
            return [ExecutionReport(ReportKind.ACCEPTED, client_id, ts, exchange_id)]
        if execution == "TRADE":
            return [
                ExecutionReport(
                    ReportKind.FILL, client_id, ts, exchange_id, fill=self._fill(o, client_id, ts)
                )
            ]
        final = {
            "CANCELED": ReportKind.CANCELED,
            "EXPIRED": ReportKind.EXPIRED,
            "REJECTED": ReportKind.REJECTED,
        }
        if execution in final:
            return [
                ExecutionReport(
                    final[execution],
                    client_id,
                    ts,
                    exchange_id,
                    f"{execution.lower()} by the venue",
                )
            ]
        return []  # AMENDMENT, CALCULATED (liquidation): reconciliation settles these

    def _fill(self, o: Raw, client_id: str, ts: int) -> Fill:
        return Fill(
            fill_id=f"{o['s']}-{o['t']}",
            order_id=self.order_ids.get(client_id, client_id),
            client_order_id=client_id,
            symbol=str(o["s"]),
            side=Side(str(o["S"])),
            quantity=dec(o["l"]),
            price=dec(o["L"]),
            fee=dec(o.get("n")),
            liquidity=Liquidity.MAKER if o.get("m") else Liquidity.TAKER,
            ts=int(o.get("T") or ts),
            fee_asset=str(o.get("N") or "USDT"),
        )

    def _algo_update(self, o: Raw, ts: int) -> list[ExecutionReport]:
        client_id = str(o["caid"])
        algo_id = str(o["aid"])
        status = str(o.get("X"))
        child = str(o.get("ai") or "")
        if child:
            self._algo_children[child] = client_id
        if status == "NEW":
            return [ExecutionReport(ReportKind.ACCEPTED, client_id, ts, algo_id)]
        final = {
            "CANCELED": ReportKind.CANCELED,
            "EXPIRED": ReportKind.EXPIRED,
            "REJECTED": ReportKind.REJECTED,
        }
        if status in final:
            reason = str(o.get("rm") or f"{status.lower()} by the venue")
            return [ExecutionReport(final[status], client_id, ts, algo_id, reason)]
        return []


# -- positions and balances ------------------------------------------------------------------


def position(raw: Raw, ts: int) -> Position:
    """A /fapi/v2/positionRisk item (one-way mode) → Position."""
    margin = str(raw.get("marginType", "cross")).lower()
    return Position(
        symbol=str(raw["symbol"]),
        quantity=dec(raw.get("positionAmt")),
        entry_price=dec(raw.get("entryPrice")),
        leverage=int(dec(raw.get("leverage") or 1)),
        margin_mode=MarginMode.ISOLATED if margin == "isolated" else MarginMode.CROSS,
        isolated_margin=dec(raw.get("isolatedWallet")),
        updated_at=int(raw.get("updateTime") or ts),
    )


def positions(raw: Sequence[Raw], ts: int) -> list[Position]:
    return [
        p
        for p in (position(r, ts) for r in raw if r.get("positionSide", "BOTH") == "BOTH")
        if not p.is_flat
    ]


def wallet_balance(account: Raw, asset: str = "USDT") -> Decimal:
    """The wallet balance of `asset` in a /fapi/v2|v3/account answer."""
    for entry in account.get("assets", []):
        if entry.get("asset") == asset:
            return dec(entry.get("walletBalance"))
    return ZERO


# -- market data ---------------------------------------------------------------------------


def kline_row(symbol: str, timeframe: Timeframe, row: Sequence[Any], now: int) -> Candle:
    """A /fapi/v1/klines row → Candle; a bar whose close time is still ahead is not closed."""
    return Candle(
        symbol=symbol,
        timeframe=timeframe,
        open_time=int(row[0]),
        open=float(row[1]),
        high=float(row[2]),
        low=float(row[3]),
        close=float(row[4]),
        volume=float(row[5]),
        quote_volume=float(row[7]),
        closed=int(row[6]) < now,
    )


def market_event(event: Raw) -> MarketEvent | None:
    """A kline, bookTicker or markPriceUpdate stream event → the domain's market event."""
    kind = event.get("e")
    if kind == "kline":
        k = event["k"]
        try:
            timeframe = Timeframe(str(k["i"]))
        except ValueError:
            return None
        return Candle(
            symbol=str(k["s"]),
            timeframe=timeframe,
            open_time=int(k["t"]),
            open=float(k["o"]),
            high=float(k["h"]),
            low=float(k["l"]),
            close=float(k["c"]),
            volume=float(k["v"]),
            quote_volume=float(k["q"]),
            closed=bool(k["x"]),
        )
    if kind == "bookTicker":
        return BookTop(
            symbol=str(event["s"]),
            ts=int(event.get("T") or event["E"]),
            bid=float(event["b"]),
            bid_qty=float(event["B"]),
            ask=float(event["a"]),
            ask_qty=float(event["A"]),
        )
    if kind == "markPriceUpdate":
        return MarkPrice(
            symbol=str(event["s"]),
            ts=int(event["E"]),
            mark=float(event["p"]),
            index=float(event["i"]),
            funding_rate=float(event["r"] or 0),
            next_funding_time=int(event["T"]),
        )
    return None


def depth(symbol: str, book: Raw, ts: int, levels: int = 20) -> DepthSnapshot:
    """A /fapi/v1/depth answer (or ccxt's book of it) → DepthSnapshot, best levels first."""
    bids = tuple((float(p), float(q)) for p, q, *_ in book["bids"][:levels])
    asks = tuple((float(p), float(q)) for p, q, *_ in book["asks"][:levels])
    return DepthSnapshot(symbol, ts, bids, asks)
