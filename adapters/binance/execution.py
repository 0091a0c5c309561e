"""CcxtBinanceExchange: the Exchange and AccountState ports over Binance USDⓈ-M.

Orders carry our client order id as Binance's newClientOrderId (clientAlgoId
for conditional orders, which Binance serves from its algo-order endpoints).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import structlog

from adapters.binance import parsing
from adapters.binance.config import BinanceConfig
from adapters.binance.errors import (
    DUPLICATE_CLIENT_ID,
    REJECTION_CODES,
    UNKNOWN_ORDER_CODES,
    translate,
)
from adapters.binance.http import BinanceCallFailed, BinanceHttp
from adapters.binance.instruments import BinanceInstrumentProvider
from adapters.binance.limiter import WeightLimiter
from adapters.binance.ws import BinanceStreams, StreamLoop
from application.ports.account_state import VenueOrder
from application.ports.market_data import PriceHandler, PriceUpdate
from application.ports.monitoring import NoMetrics, OperationalMetrics
from application.ports.venue import ExecutionReport, ReportKind, VenueEventHandler
from domain.fill import Fill
from domain.instrument import Instrument
from domain.order import Order, OrderStatus, OrderType, TimeInForce
from domain.position import MarginMode, Position

log = structlog.get_logger("binance")
_CONDITIONAL = (OrderType.STOP_MARKET, OrderType.TAKE_PROFIT_MARKET)


@dataclass(frozen=True, slots=True)
class FundingFee:
    """One funding settlement from Binance's income history (amount > 0 received)."""

    symbol: str
    amount: Decimal
    asset: str
    ts: int
    transaction_id: str


class CcxtBinanceExchange:
    """Binance USDⓈ-M through ccxt: orders, account state, user and mark-price streams."""

    def __init__(
        self,
        config: BinanceConfig,
        http: BinanceHttp | None = None,
        metrics: OperationalMetrics | None = None,
    ) -> None:
        self.config = config
        self.metrics: OperationalMetrics = metrics or NoMetrics()
        limiter = WeightLimiter(
            config.weight_per_minute,
            on_wait=lambda seconds: self.metrics.rate_limit_waited("binance", seconds),
        )
        self.http = http or BinanceHttp(config, limiter)
        self.provider = BinanceInstrumentProvider(self.http, config.symbols)
        self.translator = parsing.UserStreamTranslator()
        self.streams = BinanceStreams(
            config,
            self._on_raw_user_event,
            on_reconnected=lambda stream: self.metrics.websocket_reconnected("binance", stream),
        )
        self._handlers: list[VenueEventHandler] = []
        self._price_handlers: list[PriceHandler] = []
        self._open: dict[str, Order] = {}  # client order id -> order we believe is live
        self._filled: dict[str, dict[str, Decimal]] = {}  # client order id -> fill id -> qty
        self._user_loop: StreamLoop | None = None
        self._price_loop: StreamLoop | None = None
        self._inbox: asyncio.Queue[list[ExecutionReport]] = asyncio.Queue()
        self._consumer: asyncio.Task[None] | None = None

    @property
    def venue(self) -> str:
        return "binance"

    # -- lifecycle -----------------------------------------------------------------------

    async def connect(self) -> None:
        """Measure the clock offset and load the markets; call before anything else."""
        offset = await self.http.sync_time()
        self.streams.set_time_offset(offset)
        if not self.provider.instruments:
            await self.provider.load()

    async def start_streams(self, price_symbols: Sequence[str] = ()) -> None:
        """Start the user-data stream and, for `price_symbols`, the mark-price stream."""
        self._consumer = asyncio.create_task(self._consume(), name="binance-user-events")
        self._user_loop = self.streams.user_stream(self.backfill)
        self._user_loop.start()
        if price_symbols:
            unified = [self.provider.unified(s) for s in price_symbols]
            self._price_loop = self.streams.mark_prices(unified, self._on_marks)
            self._price_loop.start()

    async def close(self) -> None:
        await self.streams.close()
        if self._consumer is not None:
            self._consumer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._consumer
        await self.http.close()

    # -- Exchange port ----------------------------------------------------------------------

    async def load_instruments(self) -> Sequence[Instrument]:
        if not self.provider.instruments:
            await self.connect()
        return list(self.provider.instruments.values())

    def subscribe(self, handler: VenueEventHandler) -> None:
        self._handlers.append(handler)

    def subscribe_prices(self, handler: PriceHandler) -> None:
        self._price_handlers.append(handler)

    def track(self, orders: Sequence[Order]) -> None:
        for order in orders:
            self.translator.order_ids[order.client_order_id] = order.order_id
            if not order.status.is_final:
                self._open[order.client_order_id] = order

    async def submit_order(self, order: Order) -> Sequence[ExecutionReport]:
        self.track([order])
        try:
            raw = await self.http.call(
                "create_order", lambda: self._create(order), recover=lambda: self._query_raw(order)
            )
        except BinanceCallFailed as failed:
            if failed.failure.code == DUPLICATE_CLIENT_ID:
                # A retry met the order an earlier attempt placed: report that one.
                existing = await self._query_raw(order)
                if existing is not None:
                    return await self._reports_for(order, existing)
            if failed.failure.code in REJECTION_CODES:
                self._open.pop(order.client_order_id, None)
                reason = f"Binance {failed.failure.code}: {failed.failure.message}"
                return [
                    ExecutionReport(
                        ReportKind.REJECTED, order.client_order_id, self._now(), None, reason
                    )
                ]
            raise translate(failed.failure, "submit_order") from None
        return await self._reports_for(order, raw)

    async def cancel_order(self, order: Order) -> Sequence[ExecutionReport]:
        try:
            raw = await self.http.call("cancel_order", lambda: self._cancel(order))
        except BinanceCallFailed as failed:
            if failed.failure.code in UNKNOWN_ORDER_CODES:
                return [
                    ExecutionReport(
                        ReportKind.REJECTED,
                        order.client_order_id,
                        self._now(),
                        None,
                        "Unknown order sent.",
                    )
                ]
            raise translate(failed.failure, "cancel_order") from None
        self._open.pop(order.client_order_id, None)
        exchange_id = str(raw.get("orderId") or raw.get("algoId") or order.exchange_order_id or "")
        return [
            ExecutionReport(
                ReportKind.CANCELED,
                order.client_order_id,
                self._now(),
                exchange_id,
                "canceled on request",
            )
        ]

    # -- AccountState port -------------------------------------------------------------------

    async def fetch_open_orders(self) -> Sequence[VenueOrder]:
        exchange = self.http.exchange
        plain = await self._call("open_orders", exchange.fapiPrivateGetOpenOrders)
        algo = await self._call("open_orders", exchange.fapiPrivateGetOpenAlgoOrders)
        return [parsing.venue_order(raw) for raw in [*plain, *algo]]

    async def fetch_order(self, order: Order) -> VenueOrder | None:
        raw = await self._query_raw(order)
        return None if raw is None else parsing.venue_order(raw)

    async def fetch_fills(self, order: Order, venue_order: VenueOrder) -> Sequence[Fill]:
        order_id = venue_order.exchange_order_id
        if order.type in _CONDITIONAL:
            raw = await self._query_raw(order)
            order_id = str((raw or {}).get("actualOrderId") or "")
            if not order_id:
                return []
        trades = await self._call(
            "user_trades",
            lambda: self.http.exchange.fapiPrivateGetUserTrades(
                {"symbol": order.symbol, "orderId": order_id}
            ),
        )
        return [parsing.trade_fill(t, order.client_order_id, order.order_id) for t in trades]

    async def fetch_positions(self) -> Sequence[Position]:
        raw = await self._call("position_risk", self.http.exchange.fapiPrivateV2GetPositionRisk)
        return parsing.positions(raw, self._now())

    async def fetch_wallet_balance(self) -> Decimal:
        raw = await self._call("account", self.http.exchange.fapiPrivateV3GetAccount)
        return parsing.wallet_balance(raw)

    async def fetch_marks(self, symbols: Sequence[str]) -> list[PriceUpdate]:
        """Return the current mark price of each symbol (premiumIndex)."""
        raw = await self._call("mark_price", self.http.exchange.fapiPublicGetPremiumIndex)
        wanted = set(symbols)
        return [
            PriceUpdate(str(r["symbol"]), parsing.dec(r["markPrice"]), int(r.get("time") or 0))
            for r in raw
            if r["symbol"] in wanted
        ]

    # -- account settings and history ---------------------------------------------------------

    async def fetch_account_id(self) -> str:
        """Return the account's uid (the value AUTOTRADER_LIVE_CONFIRM must repeat)."""
        raw = await self._call("spot_account", self.http.exchange.privateGetAccount)
        return str(raw["uid"])

    async def set_leverage(self, symbol: str, leverage: int) -> int:
        unified = self.provider.unified(symbol)
        raw = await self._call(
            "set_leverage", lambda: self.http.exchange.set_leverage(leverage, unified)
        )
        return int(raw.get("leverage", leverage))

    async def set_margin_mode(self, symbol: str, mode: MarginMode) -> None:
        unified = self.provider.unified(symbol)
        try:
            await self.http.call(
                "set_margin_type",
                lambda: self.http.exchange.set_margin_mode(mode.value.lower(), unified),
            )
        except BinanceCallFailed as failed:
            if failed.failure.code == -4046:  # "No need to change margin type."
                return
            raise translate(failed.failure, "set_margin_mode") from None

    async def fetch_funding_history(
        self, symbol: str | None = None, since: int | None = None
    ) -> list[FundingFee]:
        params: dict[str, Any] = {"incomeType": "FUNDING_FEE", "limit": 1000}
        if symbol is not None:
            params["symbol"] = symbol
        if since is not None:
            params["startTime"] = since
        raw = await self._call("income", lambda: self.http.exchange.fapiPrivateGetIncome(params))
        return [
            FundingFee(
                str(i["symbol"]),
                parsing.dec(i["income"]),
                str(i["asset"]),
                int(i["time"]),
                str(i["tranId"]),
            )
            for i in raw
        ]

    # -- streams ------------------------------------------------------------------------------

    def _on_raw_user_event(self, event: dict[str, Any]) -> None:
        reports = self.translator.reports(event)
        if reports:
            self._inbox.put_nowait(reports)

    async def _consume(self) -> None:
        # One consumer delivers stream reports in the order Binance sent them.
        while True:
            reports = await self._inbox.get()
            try:
                await self._deliver(reports)
            finally:
                self._inbox.task_done()

    async def backfill(self) -> None:
        """After a reconnect: ask REST about every order we think is live, report the gap."""
        for order in list(self._open.values()):
            venue_order = await self.fetch_order(order)
            if venue_order is None:
                continue
            reports = await self._state_reports(order, venue_order)
            await self._deliver(reports)
        log.info("user stream back-filled", orders=len(self._open))

    async def _on_marks(self, tickers: Any) -> None:
        for ticker in (tickers or {}).values():
            info = ticker.get("info") or {}
            symbol, price = (
                info.get("s") or info.get("symbol"),
                info.get("p") or info.get("markPrice"),
            )
            if symbol is None or price is None:
                continue
            update = PriceUpdate(str(symbol), parsing.dec(price), int(info.get("E") or self._now()))
            for handler in list(self._price_handlers):
                await handler(update)

    async def _deliver(self, reports: Sequence[ExecutionReport]) -> None:
        for report in reports:
            self._forget_if_done(report)
            for handler in list(self._handlers):
                try:
                    await handler(report)
                except Exception:
                    log.exception(
                        "venue event handler failed", client_order_id=report.client_order_id
                    )

    def _forget_if_done(self, report: ExecutionReport) -> None:
        # Orders no longer live need no back-fill after a reconnect.
        cid = report.client_order_id
        if report.kind in (ReportKind.CANCELED, ReportKind.EXPIRED, ReportKind.REJECTED):
            self._open.pop(cid, None)
        elif report.fill is not None and cid in self._open:
            seen = self._filled.get(cid, {})
            seen[report.fill.fill_id] = report.fill.quantity
            self._filled[cid] = seen
            if sum(seen.values()) >= self._open[cid].quantity:
                self._open.pop(cid, None)
                self._filled.pop(cid, None)

    async def drain(self) -> None:
        """Wait until every stream event received so far has been delivered."""
        await self._inbox.join()

    # -- helpers --------------------------------------------------------------------------------

    async def _create(self, order: Order) -> dict[str, Any]:
        exchange = self.http.exchange
        unified = self.provider.unified(order.symbol)
        params: dict[str, Any] = {"newClientOrderId": order.client_order_id}
        if order.reduce_only:
            params["reduceOnly"] = True
        price = None
        kind = "market"
        if order.type is OrderType.LIMIT:
            kind, price = "limit", float(order.price or 0)
            if order.time_in_force is TimeInForce.GTX:
                params["postOnly"] = True
            else:
                params["timeInForce"] = order.time_in_force.value
        elif order.type is OrderType.STOP_MARKET:
            params["stopLossPrice"] = float(order.stop_price or 0)
        elif order.type is OrderType.TAKE_PROFIT_MARKET:
            params["takeProfitPrice"] = float(order.stop_price or 0)
        created = await exchange.create_order(
            unified, kind, order.side.value.lower(), float(order.quantity), price, params
        )
        info: dict[str, Any] = created["info"]
        return info

    async def _cancel(self, order: Order) -> dict[str, Any]:
        unified = self.provider.unified(order.symbol)
        params: dict[str, Any] = (
            {"clientAlgoId": order.client_order_id, "trigger": True}
            if order.type in _CONDITIONAL
            else {"origClientOrderId": order.client_order_id}
        )
        cancelled = await self.http.exchange.cancel_order(None, unified, params)
        info: dict[str, Any] = cancelled["info"]
        return info

    async def _query_raw(self, order: Order) -> dict[str, Any] | None:
        """Ask Binance for the order by client order id; None when it has never seen it."""
        exchange = self.http.exchange
        if order.type in _CONDITIONAL:
            request = {"clientAlgoId": order.client_order_id}
            fetch = exchange.fapiPrivateGetAlgoOrder
        else:
            request = {"symbol": order.symbol, "origClientOrderId": order.client_order_id}
            fetch = exchange.fapiPrivateGetOrder
        try:
            raw: dict[str, Any] = await self.http.call("query_order", lambda: fetch(request))
        except BinanceCallFailed as failed:
            if failed.failure.code in UNKNOWN_ORDER_CODES:
                return None
            raise
        return raw

    async def _reports_for(self, order: Order, raw: dict[str, Any]) -> list[ExecutionReport]:
        venue_order = parsing.venue_order(raw)
        return await self._state_reports(order, venue_order)

    async def _state_reports(self, order: Order, venue_order: VenueOrder) -> list[ExecutionReport]:
        """ACCEPTED, then every fill the venue has, then a final status if there is one."""
        ts = venue_order.updated_at or self._now()
        exchange_id = venue_order.exchange_order_id
        cid = order.client_order_id
        if venue_order.status is OrderStatus.REJECTED:
            self._open.pop(cid, None)
            return [
                ExecutionReport(ReportKind.REJECTED, cid, ts, exchange_id, "rejected by the venue")
            ]
        reports = [ExecutionReport(ReportKind.ACCEPTED, cid, ts, exchange_id)]
        if venue_order.filled_quantity > 0:
            fills = await self.fetch_fills(order, venue_order)
            reports += [
                ExecutionReport(ReportKind.FILL, cid, f.ts, exchange_id, fill=f) for f in fills
            ]
        final = {OrderStatus.CANCELED: ReportKind.CANCELED, OrderStatus.EXPIRED: ReportKind.EXPIRED}
        if venue_order.status in final:
            reports.append(
                ExecutionReport(final[venue_order.status], cid, ts, exchange_id, "by the venue")
            )
        if venue_order.status.is_final:
            self._open.pop(cid, None)
        return reports

    async def _call(self, operation: str, request: Any) -> Any:
        try:
            return await self.http.call(operation, request)
        except BinanceCallFailed as failed:
            raise translate(failed.failure, operation) from None

    @staticmethod
    def _now() -> int:
        return int(time.time() * 1000)
