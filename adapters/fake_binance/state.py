"""The fake's account: Binance's order bookkeeping around the simulated matching core.

The SimulatedVenue decides what fills and at what price; this module keeps the
order records Binance would answer queries from, turns the venue's reports into
user-data events (ORDER_TRADE_UPDATE, ALGO_UPDATE, ACCOUNT_UPDATE) and keeps the
trade and income history the REST endpoints page through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from adapters.fake_binance.errors import BinanceError, invalid_symbol, rejection_error
from adapters.fake_binance.payloads import OrderRecord, num
from adapters.simulated.matching import SimulatedVenue
from application.ports.venue import ExecutionReport, FundingPayment, ReportKind, VenueEvent
from domain.fill import Liquidity
from domain.instrument import Instrument
from domain.numbers import ZERO
from domain.order import Order

UserEvent = dict[str, Any]
_FINAL_STATUS = {ReportKind.CANCELED: "CANCELED", ReportKind.EXPIRED: "EXPIRED"}


class FakeAccount:
    """One Binance futures account trading against a SimulatedVenue."""

    def __init__(self, venue: SimulatedVenue, publish: Callable[[UserEvent], None]) -> None:
        self.venue = venue
        self._publish = publish
        self.instruments = {i.symbol: i for i in venue.instruments}
        self.leverage = {s: venue.position(s).leverage for s in self.instruments}
        self.margin_type: dict[str, str] = dict.fromkeys(self.instruments, "CROSSED")
        self._by_client: dict[str, OrderRecord] = {}
        self._by_id: dict[tuple[str, int], OrderRecord] = {}
        self.trades: list[dict[str, Any]] = []
        self.income: list[dict[str, Any]] = []
        self._next_child = 9_000_000_000

    # -- queries -------------------------------------------------------------------

    def instrument(self, symbol: str | None) -> Instrument:
        instrument = self.instruments.get(symbol or "")
        if instrument is None:
            raise invalid_symbol()
        return instrument

    def find(self, symbol: str, order_id: str | None, client_id: str | None) -> OrderRecord:
        record = None
        if client_id:
            record = self._by_client.get(client_id)
        elif order_id and order_id.isdigit():
            record = self._by_id.get((symbol, int(order_id)))
        if record is None or record.order.symbol != symbol:
            raise BinanceError(400, -2013, "Order does not exist.")
        return record

    def by_client(self, client_id: str) -> OrderRecord | None:
        return self._by_client.get(client_id)

    def records(self) -> list[OrderRecord]:
        return list(self._by_client.values())

    def open_records(self, symbol: str | None, algo: bool) -> list[OrderRecord]:
        return [
            r
            for r in self._by_client.values()
            if r.is_open and r.algo is algo and symbol in (None, r.order.symbol)
        ]

    def count_orders(self) -> int:
        return len(self._by_client)

    # -- commands ------------------------------------------------------------------

    def place(self, order: Order, now: int, algo: bool) -> OrderRecord:
        """Submit to the venue; return the record or raise Binance's rejection."""
        self.instrument(order.symbol)
        if order.client_order_id in self._by_client:
            raise BinanceError(400, -4116, "ClientOrderId is duplicated.")
        reports = self.venue.submit(order, now)
        first = reports[0]
        if first.kind is ReportKind.REJECTED:
            raise rejection_error(first.reason or "rejected")
        if any(r.kind is ReportKind.EXPIRED and "FOK" in (r.reason or "") for r in reports):
            raise BinanceError(
                400,
                -5021,
                "Due to the order could not be filled immediately, the FOK order has been "
                "rejected. The order will not be recorded in the order history",
            )
        record = OrderRecord(
            order=replace(order), order_id=int(first.exchange_order_id or 0), created=now, algo=algo
        )
        record.updated = now
        self._by_client[order.client_order_id] = record
        self._by_id[(order.symbol, record.order_id)] = record
        self.apply(reports, now)
        return record

    def cancel(self, record: OrderRecord, now: int) -> OrderRecord:
        if not record.is_open:
            raise BinanceError(400, -2011, "Unknown order sent.")
        reports = self.venue.cancel(record.order.client_order_id, now)
        if reports and reports[0].kind is ReportKind.REJECTED:
            raise BinanceError(400, -2011, "Unknown order sent.")
        self.apply(reports, now)
        return record

    def on_price(self, symbol: str, price: Decimal, now: int) -> None:
        self.apply(self.venue.on_price(symbol, price, now), now)

    # -- venue events → records and user-data events ----------------------------------

    def apply(self, events: list[VenueEvent] | list[ExecutionReport], now: int) -> None:
        touched: set[str] = set()
        for event in events:
            if isinstance(event, FundingPayment):
                self._funding(event)
                touched.add(event.symbol)
                continue
            record = self._by_client.get(event.client_order_id)
            if record is None:
                if event.fill is not None:  # a liquidation: no order of ours
                    touched.add(event.fill.symbol)
                continue
            self._report(record, event)
            if event.kind is ReportKind.FILL:
                touched.add(record.order.symbol)
        if touched:
            self._publish(self._account_update(sorted(touched), now, "ORDER"))

    def _report(self, record: OrderRecord, report: ExecutionReport) -> None:
        record.updated = report.ts
        if report.kind is ReportKind.ACCEPTED:
            self._emit(record, "NEW", report.ts)
        elif report.kind is ReportKind.FILL and report.fill is not None:
            self._fill(record, report)
        elif report.kind in _FINAL_STATUS:
            record.status = _FINAL_STATUS[report.kind]
            self._emit(record, record.status, report.ts)

    def _fill(self, record: OrderRecord, report: ExecutionReport) -> None:
        fill = report.fill
        assert fill is not None
        if record.algo and record.child_id is None:
            record.child_id = self._next_child
            self._next_child += 1
            self._publish(self._algo_update(record, "TRIGGERED", report.ts))
            self._publish(self._trade_update(record, "NEW", "NEW", report.ts))
        record.executed += fill.quantity
        record.cum_quote += fill.quantity * fill.price
        record.status = "FILLED" if record.executed == record.order.quantity else "PARTIALLY_FILLED"
        trade_id = len(self.trades) + 1
        record.trades.append(trade_id)
        self.trades.append(_trade(record, fill_id=trade_id, report=report))
        extra = {
            "l": num(fill.quantity),
            "L": num(fill.price),
            "n": num(fill.fee),
            "N": fill.fee_asset,
            "t": trade_id,
            "m": fill.liquidity is Liquidity.MAKER,
            "rp": "0",
        }
        self._publish(self._trade_update(record, "TRADE", record.status, report.ts, extra))
        if record.algo and record.status == "FILLED":
            self._publish(self._algo_update(record, "FINISHED", report.ts))

    def _funding(self, payment: FundingPayment) -> None:
        self.income.append(
            {
                "symbol": payment.symbol,
                "incomeType": "FUNDING_FEE",
                "income": num(payment.amount),
                "asset": "USDT",
                "info": "FUNDING_FEE",
                "time": payment.ts,
                "tranId": 1_000_000 + len(self.income),
                "tradeId": "",
            }
        )

    def _emit(self, record: OrderRecord, execution: str, ts: int) -> None:
        if record.algo and record.child_id is None:
            status = {"NEW": "NEW", "CANCELED": "CANCELED", "EXPIRED": "EXPIRED"}[execution]
            self._publish(self._algo_update(record, status, ts))
        else:
            self._publish(self._trade_update(record, execution, record.status, ts))

    def _trade_update(
        self,
        record: OrderRecord,
        execution: str,
        status: str,
        ts: int,
        extra: dict[str, Any] | None = None,
    ) -> UserEvent:
        o = record.order
        body = {
            "s": o.symbol,
            "c": o.client_order_id,
            "S": o.side.value,
            "o": "MARKET" if record.algo else o.type.value,
            "f": o.time_in_force.value,
            "q": num(o.quantity),
            "p": num(o.price),
            "ap": num(record.average),
            "sp": num(o.stop_price),
            "x": execution,
            "X": status,
            "i": record.child_id if record.algo else record.order_id,
            "l": "0",
            "z": num(record.executed),
            "L": "0",
            "N": "USDT",
            "n": "0",
            "T": ts,
            "t": 0,
            "b": "0",
            "a": "0",
            "m": False,
            "R": o.reduce_only,
            "wt": "CONTRACT_PRICE",
            "ot": o.type.value,
            "ps": "BOTH",
            "cp": False,
            "rp": "0",
            "pP": False,
            "si": 0,
            "ss": 0,
            "V": "EXPIRE_MAKER",
            "pm": "NONE",
            "gtd": 0,
        }
        body.update(extra or {})
        return {"e": "ORDER_TRADE_UPDATE", "E": ts, "T": ts, "o": body}

    def _algo_update(self, record: OrderRecord, status: str, ts: int) -> UserEvent:
        o = record.order
        return {
            "e": "ALGO_UPDATE",
            "T": ts,
            "E": ts,
            "o": {
                "caid": o.client_order_id,
                "aid": record.order_id,
                "at": "CONDITIONAL",
                "o": o.type.value,
                "s": o.symbol,
                "S": o.side.value,
                "ps": "BOTH",
                "f": o.time_in_force.value,
                "q": num(o.quantity),
                "X": status,
                "ai": "" if record.child_id is None else str(record.child_id),
                "ap": num(record.average),
                "aq": num(record.executed),
                "act": "MARKET" if record.child_id is not None else "0",
                "tp": num(o.stop_price),
                "p": "0",
                "V": "EXPIRE_MAKER",
                "wt": "CONTRACT_PRICE",
                "pm": "NONE",
                "cp": False,
                "pP": False,
                "R": o.reduce_only,
                "tt": ts if record.child_id is not None else 0,
                "gtd": 0,
            },
        }

    def _account_update(self, symbols: list[str], ts: int, reason: str) -> UserEvent:
        wallet = self.venue.wallet
        positions = []
        for symbol in symbols:
            position = self.venue.position(symbol)
            positions.append(
                {
                    "s": symbol,
                    "pa": num(position.quantity),
                    "ep": num(position.entry_price),
                    "bep": num(position.entry_price),
                    "cr": num(position.realized_pnl),
                    "up": num(position.unrealized_pnl(self.mark(symbol))),
                    "mt": "cross" if self.margin_type[symbol] == "CROSSED" else "isolated",
                    "iw": num(position.isolated_margin),
                    "ps": "BOTH",
                }
            )
        balance = {"a": "USDT", "wb": num(wallet), "cw": num(wallet), "bc": "0"}
        return {
            "e": "ACCOUNT_UPDATE",
            "E": ts,
            "T": ts,
            "a": {"m": reason, "B": [balance], "P": positions},
        }

    def mark(self, symbol: str) -> Decimal:
        return self.venue.last_price(symbol) or ZERO


def _trade(record: OrderRecord, fill_id: int, report: ExecutionReport) -> dict[str, Any]:
    """One /fapi/v1/userTrades item."""
    fill = report.fill
    assert fill is not None
    return {
        "buyer": fill.side.value == "BUY",
        "commission": num(fill.fee),
        "commissionAsset": fill.fee_asset,
        "id": fill_id,
        "maker": fill.liquidity is Liquidity.MAKER,
        "orderId": record.child_id if record.algo else record.order_id,
        "price": num(fill.price),
        "qty": num(fill.quantity),
        "quoteQty": num(fill.quantity * fill.price),
        "realizedPnl": "0",
        "side": fill.side.value,
        "positionSide": "BOTH",
        "symbol": fill.symbol,
        "time": fill.ts,
    }
