"""FakeBinance: the aiohttp app serving Binance USDⓈ-M REST and WebSocket on loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from decimal import Decimal
from typing import Any

from aiohttp import web

from adapters.fake_binance import auth, market, payloads
from adapters.fake_binance.errors import BinanceError, missing
from adapters.fake_binance.faults import Faults
from adapters.fake_binance.orders import check_client_id, parse_order
from adapters.fake_binance.state import FakeAccount
from adapters.fake_binance.streams import StreamHub
from adapters.simulated.config import VenueConfig
from adapters.simulated.instruments import default_instruments
from adapters.simulated.matching import SimulatedVenue
from adapters.simulated.replay import DEFAULT_START_PRICES, DeterministicPriceReplay
from domain.instrument import Instrument
from domain.numbers import ZERO

Params = dict[str, str]
Handler = Callable[[web.Request, Params], Awaitable[Any]]
DEFAULT_KEYS = {"fake-api-key": "fake-api-secret"}
DEFAULT_ACCOUNT_ID = 123456789


class FakeBinance:
    """A Binance USDⓈ-M futures account on loopback, backed by the simulated venue.

    Prices move only when `set_price` is called or, with `tick_ms`, from a seeded
    replay every `tick_ms` milliseconds. Faults are set through `faults` or the
    admin endpoint POST /admin/faults.
    """

    def __init__(
        self,
        seed: int = 7,
        wallet: Decimal = Decimal(10_000),
        keys: dict[str, str] | None = None,
        account_id: int = DEFAULT_ACCOUNT_ID,
        instruments: Iterable[Instrument] | None = None,
        tick_ms: int | None = None,
        funding_rate: Decimal = Decimal("0.0001"),
    ) -> None:
        catalogue = tuple(instruments or default_instruments())
        self.faults = Faults()
        self.keys = dict(keys or DEFAULT_KEYS)
        self.account_id = account_id
        self.hub = StreamHub()
        config = VenueConfig(funding_rate=funding_rate)
        venue = SimulatedVenue(catalogue, wallet, config, first_id=self._now() * 1000)
        self.account = FakeAccount(venue, self.hub.publish_user)
        starts = {i.symbol: DEFAULT_START_PRICES.get(i.symbol, Decimal(100)) for i in catalogue}
        self.replay = DeterministicPriceReplay(
            [i.symbol for i in catalogue], seed, starts, instruments=catalogue
        )
        self.funding_rate = funding_rate
        self.books = {i.symbol: market.Book() for i in catalogue}
        self.requests: list[tuple[str, str]] = []
        self.calls: list[tuple[str, str, Params]] = []  # method, path, parameters received
        self._tick_ms = tick_ms
        self._weight: tuple[int, int] = (0, 0)  # (minute, used)
        self._runner: web.AppRunner | None = None
        self._ticker: asyncio.Task[None] | None = None
        self.port = 0
        for instrument in catalogue:
            self.set_price(instrument.symbol, self.replay.price_at(instrument.symbol, self._now()))

    # -- lifecycle -------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._runner = web.AppRunner(
            self._app(), access_log=None, handle_signals=False, shutdown_timeout=0.05
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        if self._tick_ms:
            self._ticker = asyncio.create_task(self._tick_forever(self._tick_ms / 1000))

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
        await self.hub.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    # -- the Python control API --------------------------------------------------------

    def set_price(self, symbol: str, price: Decimal) -> None:
        """Move the last (= mark) price: match resting orders and push market streams."""
        now = self._now()
        self.account.on_price(symbol, price, now)
        instrument = self.account.instrument(symbol)
        book = self.books[symbol]
        diff = market.rebuild(book, instrument, price)
        self._publish_market(symbol, price, book, diff, now)

    async def drop_streams(self) -> int:
        """Cut every WebSocket connection abruptly; return how many were cut."""
        return await self.hub.drop_all()

    def orders_placed(self, symbol: str | None = None) -> int:
        return sum(1 for r in self.account.records() if symbol in (None, r.order.symbol))

    # -- plumbing --------------------------------------------------------------------

    def _now(self) -> int:
        skew = self.faults.clock_skew_ms if hasattr(self, "faults") else 0
        return int(time.time() * 1000) + skew

    async def _tick_forever(self, interval_s: float) -> None:
        while True:
            await asyncio.sleep(interval_s)
            now = self._now()
            for symbol in self.account.instruments:
                self.set_price(symbol, self.replay.price_at(symbol, now))

    def _publish_market(
        self, symbol: str, price: Decimal, book: market.Book, diff: dict[str, Any], now: int
    ) -> None:
        lower = symbol.lower()
        for stream in self.hub.market_streams():
            if not stream.startswith(lower + "@"):
                continue
            kind = stream.split("@")[1].lower()  # Binance spells them markPrice, bookTicker
            if kind.startswith("markprice"):
                payload = market.mark_event(symbol, price, self.funding_rate, now)
            elif kind == "bookticker":
                payload = market.book_ticker_event(symbol, book, now)
            elif kind.startswith("depth"):
                payload = market.depth_event(symbol, book, diff, now)
            elif kind.startswith("kline_"):
                interval = kind.removeprefix("kline_")
                if interval not in market.INTERVAL_MS:
                    continue
                payload = market.kline_event(self.replay, symbol, interval, price, now)
            else:
                continue
            self.hub.publish_market(stream, payload)

    def _app(self) -> web.Application:
        app = web.Application()
        public = {
            ("GET", "/fapi/v1/ping"): (self._ping, 1),
            ("GET", "/fapi/v1/time"): (self._time, 1),
            ("GET", "/fapi/v1/exchangeInfo"): (self._exchange_info, 1),
            ("GET", "/fapi/v1/klines"): (self._klines, 5),
            ("GET", "/fapi/v1/depth"): (self._depth, 10),
            ("GET", "/fapi/v1/premiumIndex"): (self._premium_index, 1),
            ("GET", "/fapi/v1/ticker/bookTicker"): (self._book_ticker, 2),
        }
        signed = {
            ("POST", "/fapi/v1/order"): (self._new_order, 0),
            ("DELETE", "/fapi/v1/order"): (self._cancel_order, 1),
            ("GET", "/fapi/v1/order"): (self._query_order, 1),
            ("POST", "/fapi/v1/algoOrder"): (self._new_algo, 0),
            ("DELETE", "/fapi/v1/algoOrder"): (self._cancel_algo, 1),
            ("GET", "/fapi/v1/algoOrder"): (self._query_algo, 1),
            ("GET", "/fapi/v1/openOrders"): (self._open_orders, 1),
            ("GET", "/fapi/v1/openAlgoOrders"): (self._open_algo, 1),
            ("GET", "/fapi/v2/positionRisk"): (self._position_risk, 5),
            ("GET", "/fapi/v3/positionRisk"): (self._position_risk, 5),
            ("GET", "/fapi/v2/balance"): (self._balance, 5),
            ("GET", "/fapi/v3/balance"): (self._balance, 5),
            ("GET", "/fapi/v2/account"): (self._account, 5),
            ("GET", "/fapi/v3/account"): (self._account, 5),
            ("POST", "/fapi/v1/leverage"): (self._leverage, 1),
            ("POST", "/fapi/v1/marginType"): (self._margin_type, 1),
            ("GET", "/fapi/v1/leverageBracket"): (self._brackets, 1),
            ("GET", "/fapi/v1/userTrades"): (self._user_trades, 5),
            ("GET", "/fapi/v1/income"): (self._income, 30),
            ("GET", "/api/v3/account"): (self._spot_account, 20),
        }
        keyed = {
            ("POST", "/fapi/v1/listenKey"): (self._new_listen_key, 1),
            ("PUT", "/fapi/v1/listenKey"): (self._keep_listen_key, 1),
            ("DELETE", "/fapi/v1/listenKey"): (self._close_listen_key, 1),
        }
        for table, security in ((public, "NONE"), (signed, "SIGNED"), (keyed, "USER_STREAM")):
            for (method, path), (handler, weight) in table.items():
                app.router.add_route(method, path, self._endpoint(handler, security, weight))
        app.router.add_get("/admin/faults", self._get_faults)
        app.router.add_post("/admin/faults", self._set_faults)
        app.router.add_post("/admin/price", self._admin_price)
        app.router.add_post("/admin/drop-streams", self._admin_drop)
        for path in ("/ws", "/ws/{stream}", "/{category}/ws", "/{category}/ws/{stream}", "/stream"):
            app.router.add_get(path, self._websocket)
        return app

    def _endpoint(
        self, handler: Handler, security: str, weight: int
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def endpoint(request: web.Request) -> web.StreamResponse:
            self.requests.append((request.method, request.path))
            if self.faults.latency_ms:
                await asyncio.sleep(self.faults.latency_ms / 1000)
            used = self._use_weight(weight)
            headers = {"X-MBX-USED-WEIGHT-1M": str(used)}
            if self.faults.take("server_errors"):
                return web.json_response(
                    {
                        "code": -1001,
                        "msg": "Internal error; unable to process your request. Please try again.",
                    },
                    status=503,
                    headers=headers,
                )
            if self.faults.take("rate_limited"):
                headers["Retry-After"] = str(self.faults.retry_after_s)
                msg = (
                    "Too many requests; current limit of IP is 2400 requests per minute."
                    if self.faults.rate_limit_status == 429
                    else "Way too many requests; IP banned until later."
                )
                return web.json_response(
                    {"code": -1003, "msg": msg},
                    status=self.faults.rate_limit_status,
                    headers=headers,
                )
            try:
                params = await self._params(request, security)
                self.calls.append((request.method, request.path, params))
                result = await handler(request, params)
            except BinanceError as error:
                return web.json_response(error.body(), status=error.status, headers=headers)
            if isinstance(result, web.StreamResponse):
                return result
            return web.json_response(result, headers=headers)

        return endpoint

    def _use_weight(self, weight: int) -> int:
        minute = self._now() // 60_000
        current, used = self._weight
        used = used + weight if current == minute else weight
        self._weight = (minute, used)
        return used

    async def _params(self, request: web.Request, security: str) -> Params:
        body = await request.text() if request.can_read_body else ""
        params: Params = dict(request.query)
        if body:
            params.update({k: str(v) for k, v in (await request.post()).items()})
        api_key = request.headers.get("X-MBX-APIKEY")
        if security == "SIGNED":
            auth.verify(self.keys, api_key, request.query_string, body, params, self._now())
        elif security == "USER_STREAM" and api_key not in self.keys:
            raise BinanceError(401, -2015, "Invalid API-key, IP, or permissions for action.")
        return params

    # -- public endpoints --------------------------------------------------------------

    async def _ping(self, request: web.Request, params: Params) -> Any:
        return {}

    async def _time(self, request: web.Request, params: Params) -> Any:
        return {"serverTime": self._now()}

    async def _exchange_info(self, request: web.Request, params: Params) -> Any:
        return payloads.exchange_info(list(self.account.instruments.values()), self._now())

    async def _klines(self, request: web.Request, params: Params) -> Any:
        symbol = self.account.instrument(params.get("symbol")).symbol
        interval = params.get("interval") or ""
        if interval not in market.INTERVAL_MS:
            raise BinanceError(400, -1120, "Invalid interval.")
        limit = min(int(params.get("limit", 500)), 1500)
        start = _int_or_none(params.get("startTime"))
        end = _int_or_none(params.get("endTime"))
        return market.klines(self.replay, symbol, interval, start, end, limit, self._now())

    async def _depth(self, request: web.Request, params: Params) -> Any:
        symbol = self.account.instrument(params.get("symbol")).symbol
        limit = int(params.get("limit", 500))
        return market.depth_snapshot(self.books[symbol], self._now(), limit)

    async def _premium_index(self, request: web.Request, params: Params) -> Any:
        now = self._now()
        if "symbol" in params:
            symbol = self.account.instrument(params["symbol"]).symbol
            return market.premium_index(symbol, self.account.mark(symbol), self.funding_rate, now)
        return [
            market.premium_index(s, self.account.mark(s), self.funding_rate, now)
            for s in self.account.instruments
        ]

    async def _book_ticker(self, request: web.Request, params: Params) -> Any:
        now = self._now()
        symbols = (
            [self.account.instrument(params["symbol"]).symbol]
            if "symbol" in params
            else list(self.account.instruments)
        )
        tickers = []
        for symbol in symbols:
            event = market.book_ticker_event(symbol, self.books[symbol], now)
            tickers.append(
                {
                    "symbol": symbol,
                    "bidPrice": event["b"],
                    "bidQty": event["B"],
                    "askPrice": event["a"],
                    "askQty": event["A"],
                    "time": now,
                    "lastUpdateId": event["u"],
                }
            )
        return tickers[0] if "symbol" in params else tickers

    # -- orders ------------------------------------------------------------------------

    async def _new_order(self, request: web.Request, params: Params) -> Any:
        return await self._place(request, params, algo=False)

    async def _new_algo(self, request: web.Request, params: Params) -> Any:
        if params.get("algoType") != "CONDITIONAL":
            raise missing("algoType")
        return await self._place(request, params, algo=True)

    async def _place(self, request: web.Request, params: Params, algo: bool) -> Any:
        check_client_id(params.get("clientAlgoId" if algo else "newClientOrderId"))
        now = self._now()
        order = parse_order(params, f"fake-{self.account.count_orders() + 1}", now, algo)
        record = self.account.place(order, now, algo)
        if self.faults.take("lose_order_responses"):
            self.faults.server_errors += self.faults.outage_after_lost_response
            # Executed, but the answer never arrives: the client sees a dropped connection.
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError
        return payloads.algo_order(record) if algo else payloads.order(record)

    async def _cancel_order(self, request: web.Request, params: Params) -> Any:
        record = self._find(params, algo=False)
        return payloads.order(self.account.cancel(record, self._now()))

    async def _cancel_algo(self, request: web.Request, params: Params) -> Any:
        record = self._find(params, algo=True)
        self.account.cancel(record, self._now())
        return {
            "algoId": record.order_id,
            "clientAlgoId": record.order.client_order_id,
            "code": "200",
            "msg": "success",
        }

    async def _query_order(self, request: web.Request, params: Params) -> Any:
        return payloads.order(self._find(params, algo=False))

    async def _query_algo(self, request: web.Request, params: Params) -> Any:
        return payloads.algo_order(self._find(params, algo=True))

    def _find(self, params: Params, algo: bool) -> payloads.OrderRecord:
        symbol = params.get("symbol")
        if not algo or symbol:
            symbol = self.account.instrument(symbol).symbol
        id_key, client_key = (
            ("algoId", "clientAlgoId") if algo else ("orderId", "origClientOrderId")
        )
        if not params.get(id_key) and not params.get(client_key):
            raise BinanceError(
                400,
                -1102,
                f"Param '{id_key}' or '{client_key}' must be sent, but both were empty/null!",
            )
        client_id = params.get(client_key)
        record = self.account.by_client(client_id or "") if algo and not symbol else None
        if record is None:
            lookup = symbol or ""
            if algo and not symbol:
                raise BinanceError(400, -2013, "Order does not exist.")
            record = self.account.find(lookup, params.get(id_key), client_id)
        if record.algo is not algo:
            raise BinanceError(400, -2013, "Order does not exist.")
        return record

    async def _open_orders(self, request: web.Request, params: Params) -> Any:
        symbol = self._optional_symbol(params)
        return [payloads.order(r) for r in self.account.open_records(symbol, algo=False)]

    async def _open_algo(self, request: web.Request, params: Params) -> Any:
        symbol = self._optional_symbol(params)
        return [payloads.algo_order(r) for r in self.account.open_records(symbol, algo=True)]

    def _optional_symbol(self, params: Params) -> str | None:
        return self.account.instrument(params["symbol"]).symbol if params.get("symbol") else None

    # -- account -----------------------------------------------------------------------

    async def _position_risk(self, request: web.Request, params: Params) -> Any:
        symbol = self._optional_symbol(params)
        now = self._now()
        items = []
        for name, instrument in self.account.instruments.items():
            if symbol not in (None, name):
                continue
            position = self.account.venue.position(name)
            if request.path.startswith("/fapi/v3") and position.is_flat:
                continue  # v3 lists only symbols with a position or open orders
            margin = "cross" if self.account.margin_type[name] == "CROSSED" else "isolated"
            items.append(
                payloads.position_risk(
                    instrument,
                    position,
                    self.account.mark(name),
                    self.account.leverage[name],
                    margin,
                    now,
                )
            )
        return items

    def _summary_assets(self) -> dict[str, Any]:
        summary = self.account.venue.summary()
        return {
            "asset": "USDT",
            "walletBalance": payloads.num(summary.wallet_balance),
            "unrealizedProfit": payloads.num(summary.unrealized_pnl),
            "marginBalance": payloads.num(summary.margin_balance),
            "maintMargin": "0",
            "initialMargin": payloads.num(summary.used_margin),
            "positionInitialMargin": payloads.num(summary.position_margin),
            "openOrderInitialMargin": payloads.num(summary.order_margin),
            "crossWalletBalance": payloads.num(summary.wallet_balance),
            "crossUnPnl": payloads.num(summary.unrealized_pnl),
            "availableBalance": payloads.num(summary.available_balance),
            "maxWithdrawAmount": payloads.num(summary.available_balance),
            "updateTime": self._now(),
        }

    async def _balance(self, request: web.Request, params: Params) -> Any:
        asset = self._summary_assets()
        return [
            {
                "accountAlias": "SgsR",
                "asset": "USDT",
                "balance": asset["walletBalance"],
                "crossWalletBalance": asset["crossWalletBalance"],
                "crossUnPnl": asset["crossUnPnl"],
                "availableBalance": asset["availableBalance"],
                "maxWithdrawAmount": asset["maxWithdrawAmount"],
                "marginAvailable": True,
                "updateTime": asset["updateTime"],
            }
        ]

    async def _account(self, request: web.Request, params: Params) -> Any:
        asset = self._summary_assets()
        positions = []
        for name in self.account.instruments:
            position = self.account.venue.position(name)
            if position.is_flat:
                continue
            mark = self.account.mark(name)
            positions.append(
                {
                    "symbol": name,
                    "positionSide": "BOTH",
                    "positionAmt": payloads.num(position.quantity),
                    "unrealizedProfit": payloads.num(position.unrealized_pnl(mark)),
                    "isolatedMargin": payloads.num(position.isolated_margin),
                    "notional": payloads.num(position.quantity * mark),
                    "isolatedWallet": payloads.num(position.isolated_margin),
                    "initialMargin": "0",
                    "maintMargin": "0",
                    "updateTime": position.updated_at,
                }
            )
        totals = {
            "totalInitialMargin": asset["initialMargin"],
            "totalMaintMargin": "0",
            "totalWalletBalance": asset["walletBalance"],
            "totalUnrealizedProfit": asset["unrealizedProfit"],
            "totalMarginBalance": asset["marginBalance"],
            "totalPositionInitialMargin": asset["positionInitialMargin"],
            "totalOpenOrderInitialMargin": asset["openOrderInitialMargin"],
            "totalCrossWalletBalance": asset["crossWalletBalance"],
            "totalCrossUnPnl": asset["crossUnPnl"],
            "availableBalance": asset["availableBalance"],
            "maxWithdrawAmount": asset["maxWithdrawAmount"],
        }
        return {**totals, "assets": [asset], "positions": positions}

    async def _spot_account(self, request: web.Request, params: Params) -> Any:
        return {
            "makerCommission": 10,
            "takerCommission": 10,
            "canTrade": True,
            "canWithdraw": False,
            "canDeposit": False,
            "accountType": "SPOT",
            "balances": [],
            "permissions": ["SPOT"],
            "uid": self.account_id,
            "updateTime": self._now(),
        }

    async def _leverage(self, request: web.Request, params: Params) -> Any:
        instrument = self.account.instrument(params.get("symbol"))
        raw = params.get("leverage")
        if not raw or not raw.isdigit():
            raise missing("leverage")
        leverage = int(raw)
        if not 1 <= leverage <= instrument.max_leverage:
            raise BinanceError(400, -4028, f"Leverage {leverage} is not valid")
        self.account.leverage[instrument.symbol] = leverage
        return {
            "leverage": leverage,
            "maxNotionalValue": payloads.num(instrument.brackets[0].notional_cap),
            "symbol": instrument.symbol,
        }

    async def _margin_type(self, request: web.Request, params: Params) -> Any:
        symbol = self.account.instrument(params.get("symbol")).symbol
        margin_type = (params.get("marginType") or "").upper()
        if margin_type not in ("CROSSED", "ISOLATED"):
            raise BinanceError(400, -4044, "The margin type is not valid.")
        if self.account.margin_type[symbol] == margin_type:
            raise BinanceError(400, -4046, "No need to change margin type.")
        if self.account.venue.position(symbol).quantity != ZERO or self.account.open_records(
            symbol, False
        ):
            raise BinanceError(
                400, -4048, "Margin type cannot be changed if there exists position."
            )
        self.account.margin_type[symbol] = margin_type
        return {"code": 200, "msg": "success"}

    async def _brackets(self, request: web.Request, params: Params) -> Any:
        if params.get("symbol"):
            return [payloads.leverage_brackets(self.account.instrument(params["symbol"]))]
        return [payloads.leverage_brackets(i) for i in self.account.instruments.values()]

    async def _user_trades(self, request: web.Request, params: Params) -> Any:
        symbol = self.account.instrument(params.get("symbol")).symbol
        order_id = _int_or_none(params.get("orderId"))
        start = _int_or_none(params.get("startTime")) or 0
        from_id = _int_or_none(params.get("fromId")) or 0
        limit = min(int(params.get("limit", 500)), 1000)
        trades = [
            t
            for t in self.account.trades
            if t["symbol"] == symbol
            and order_id in (None, t["orderId"])
            and t["time"] >= start
            and t["id"] >= from_id
        ]
        return trades[:limit]

    async def _income(self, request: web.Request, params: Params) -> Any:
        symbol = params.get("symbol")
        kind = params.get("incomeType")
        start = _int_or_none(params.get("startTime")) or 0
        return [
            i
            for i in self.account.income
            if symbol in (None, i["symbol"])
            and kind in (None, i["incomeType"])
            and i["time"] >= start
        ][: int(params.get("limit", 100))]

    # -- listen keys and WebSocket -----------------------------------------------------

    async def _new_listen_key(self, request: web.Request, params: Params) -> Any:
        return {"listenKey": self.hub.new_listen_key(self._now())}

    async def _keep_listen_key(self, request: web.Request, params: Params) -> Any:
        if not self.hub.keep_alive(params.get("listenKey"), self._now()):
            raise BinanceError(400, -1125, "This listenKey does not exist.")
        return {"listenKey": next(iter(self.hub.listen_keys))}

    async def _close_listen_key(self, request: web.Request, params: Params) -> Any:
        self.hub.listen_keys.clear()
        return {}

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        stream = request.match_info.get("stream")
        streams = request.query.get("streams")
        return await self.hub.serve(request, streams or stream, self._now())

    # -- admin -------------------------------------------------------------------------

    async def _get_faults(self, request: web.Request) -> web.Response:
        return web.json_response(self.faults.as_json())

    async def _set_faults(self, request: web.Request) -> web.Response:
        try:
            values = await request.json()
            self.faults.update(values)
        except (ValueError, TypeError) as error:
            return web.json_response({"error": str(error)}, status=400)
        self.account.venue.set_max_fill_qty(self.faults.max_fill_qty)
        return web.json_response(self.faults.as_json())

    async def _admin_price(self, request: web.Request) -> web.Response:
        body = await request.json()
        try:
            self.set_price(str(body["symbol"]), Decimal(str(body["price"])))
        except (KeyError, BinanceError, ArithmeticError) as error:
            return web.json_response({"error": str(error)}, status=400)
        return web.json_response({"ok": True})

    async def _admin_drop(self, request: web.Request) -> web.Response:
        return web.json_response({"dropped": await self.drop_streams()})

    def inject(self, **values: Any) -> None:
        """Set faults from Python, exactly as POST /admin/faults does."""
        self.faults.update(values)
        self.account.venue.set_max_fill_qty(self.faults.max_fill_qty)


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None
