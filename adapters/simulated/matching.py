"""A synchronous, deterministic matching core for USDⓈ-M perpetuals.

Time comes in as arguments and nothing here awaits or reads a clock, so the paper
adapter and a backtester share it. The hot path (`on_price` with nothing to do)
is a dictionary store and a handful of comparisons: each symbol keeps the lowest
price above and the highest price below which some resting order fires, funding
keeps the timestamp of its next boundary, and liquidation prices are cached
until a fill or a funding payment changes them.

Identifiers come from one counter: exchange order ids are its values as text and
fill ids are f"{exchange_order_id}-{n}". A restart must give `first_id` a value
above every id the previous run handed out (`exchange.paper_venue` derives it from
the clock), or fill ids would repeat and the ledger would drop them as duplicates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from adapters.simulated.book import RestingBook
from adapters.simulated.config import VenueConfig
from adapters.simulated.quotes import Quoter, fires, trigger_price
from application.ports.venue import ExecutionReport, FundingPayment, ReportKind, VenueEvent
from domain.account import Account, AccountSummary, check_leverage, summarize
from domain.errors import InvalidInput
from domain.fill import Fill, Liquidity
from domain.instrument import Instrument
from domain.numbers import ZERO, floor_to, money, sign
from domain.order import Order, OrderRequest, OrderStatus, OrderType, Side, TimeInForce
from domain.position import MarginMode, Position, liquidation_price

LIQUIDATION_PREFIX = "liq-"


class SimulatedVenue:
    """One account trading against a single last price per symbol."""

    def __init__(
        self,
        instruments: Iterable[Instrument],
        wallet: Decimal,
        config: VenueConfig | None = None,
        first_id: int = 1,
    ) -> None:
        self._config = config or VenueConfig()
        self._instruments = {i.symbol: i for i in instruments}
        for symbol, instrument in self._instruments.items():
            check_leverage(self._config.leverage_for(symbol), instrument.max_leverage)
        self._quoters = {s: Quoter(i, self._config) for s, i in self._instruments.items()}
        self._account = Account(self._config.asset, wallet)
        self._positions: dict[str, Position] = {}
        self._book = RestingBook(self._instruments)
        self._last: dict[str, Decimal] = {}
        self._liquidation: dict[str, tuple[int, Decimal]] = {}
        self._liquidation_stale = False
        self._next_funding = -1
        self._next_id = first_id

    # -- read access -------------------------------------------------------------

    @property
    def instruments(self) -> tuple[Instrument, ...]:
        return tuple(self._instruments.values())

    @property
    def wallet(self) -> Decimal:
        return self._account.wallet_balance

    def position(self, symbol: str) -> Position:
        """Return a copy of the position in `symbol` (flat if never traded)."""
        position = self._positions.get(symbol)
        return replace(position) if position is not None else self._new_position(symbol)

    def positions(self) -> dict[str, Position]:
        """Return copies of every position that is not flat."""
        return {s: replace(p) for s, p in self._positions.items() if not p.is_flat}

    def open_orders(self, symbol: str | None = None) -> list[Order]:
        """Return copies of the resting orders, oldest first."""
        return [replace(o) for o in self._book if symbol in (None, o.symbol)]

    def last_price(self, symbol: str) -> Decimal | None:
        return self._last.get(symbol)

    def summary(self) -> AccountSummary:
        """Return the Binance-style balances at the last prices."""
        return summarize(self._account, self._positions.values(), self._last, self._order_margin())

    def set_funding_rate(self, rate: Decimal) -> None:
        """Change the rate of the next settlements (a backtest replays historical rates)."""
        if rate != self._config.funding_rate:
            self._config = replace(self._config, funding_rate=rate)

    def set_max_fill_qty(self, quantity: Decimal | None) -> None:
        """Change the partial-fill cap while running (the fake Binance injects it)."""
        self._config = replace(self._config, max_fill_qty=quantity)

    # -- orders ------------------------------------------------------------------

    def submit(self, order: Order, ts: int) -> list[ExecutionReport]:
        """Accept and execute a new order, or reject it and change nothing."""
        exchange_id = self._take_id()
        reason = self._rejection(order)
        if reason is not None:
            return [_report(ReportKind.REJECTED, order, ts, exchange_id, reason)]
        mine = _venue_copy(order, exchange_id, ts)
        reports = [_report(ReportKind.ACCEPTED, mine, ts, exchange_id)]
        if mine.type is OrderType.MARKET:
            price = self._quoters[mine.symbol].taker_price(mine.side, self._last[mine.symbol])
            price = self._impacted(mine, mine.quantity, price)
            reports.append(self._execute(mine, mine.quantity, price, Liquidity.TAKER, ts))
        elif mine.type is OrderType.LIMIT:
            self._arrive_limit(mine, ts, reports)
        else:
            self._book.add(mine)
        return reports

    def cancel(self, client_order_id: str, ts: int) -> list[ExecutionReport]:
        """Cancel a resting order; an unknown or finished one is rejected."""
        order = self._book.get(client_order_id)
        if order is None:
            return [
                ExecutionReport(
                    ReportKind.REJECTED, client_order_id, ts, None, "Unknown order sent."
                )
            ]
        self._book.remove(order)
        order.transition(OrderStatus.CANCELED, ts)
        return [_report(ReportKind.CANCELED, order, ts, order.exchange_order_id)]

    # -- market ------------------------------------------------------------------

    def on_price(self, symbol: str, price: Decimal, ts: int) -> list[VenueEvent]:
        """Take a new last price (= mark): settle funding, match, then liquidate."""
        if not price.is_finite() or price <= ZERO:
            raise InvalidInput("price", f"must be finite and > 0, got {price}")
        self._last[symbol] = price
        events: list[VenueEvent] = []
        if ts >= self._next_funding:
            self._settle_funding(ts, events)
        if self._book.may_fire(symbol, price):
            self._match(symbol, price, ts, events)
        if self._liquidation_stale:
            self._refresh_liquidation()
        if self._liquidation:
            self._check_liquidation(ts, events)
        return events

    def restore(
        self, wallet: Decimal, positions: Iterable[Position], open_orders: Iterable[Order]
    ) -> None:
        """Replace the account with a saved one after a restart.

        Only orders whose status is open are put back on the book; the id counter
        moves above every restored numeric exchange order id.
        """
        restored = {p.symbol: replace(p) for p in positions}
        for symbol in restored:
            self._instrument(symbol)
        orders = [replace(o) for o in open_orders if o.status.is_open]
        for order in orders:
            self._instrument(order.symbol)
        self._account = Account(self._config.asset, wallet)
        self._positions = restored
        self._book.clear()
        for order in orders:
            if order.exchange_order_id is None:
                order.exchange_order_id = self._take_id()
            elif order.exchange_order_id.isdigit():
                self._next_id = max(self._next_id, int(order.exchange_order_id) + 1)
            self._book.add(order)
        self._next_funding = -1
        self._liquidation_stale = True
        self._refresh_liquidation()

    # -- submission ----------------------------------------------------------------

    def _rejection(self, order: Order) -> str | None:
        instrument = self._instruments.get(order.symbol)
        if instrument is None:
            return f"Invalid symbol: {order.symbol!r} is not listed."
        if order.client_order_id in self._book:
            return "Duplicate clientOrderId."
        last = self._last.get(order.symbol)
        try:
            instrument.check_request(_as_request(order), last)
        except InvalidInput as error:
            return f"Filter failure: {error}"
        if last is None:
            if order.type is OrderType.MARKET:
                return f"No market price for {order.symbol} yet."
        else:
            reason = self._price_rejection(order, last)
            if reason is not None:
                return reason
        return self._reduce_only_rejection(order) or self._margin_rejection(
            order.symbol, order.side, order.quantity, self._margin_price(order, last)
        )

    def _price_rejection(self, order: Order, last: Decimal) -> str | None:
        if order.type in (OrderType.STOP_MARKET, OrderType.TAKE_PROFIT_MARKET):
            return "Order would immediately trigger." if fires(order, last) else None
        quoter = self._quoters[order.symbol]
        if order.time_in_force is TimeInForce.GTX and quoter.is_marketable(order, last):
            return "GTX order rejected: post only would take liquidity."
        return None

    def _reduce_only_rejection(self, order: Order) -> str | None:
        if not order.reduce_only:
            return None
        held = self._held(order.symbol)
        if held == ZERO or sign(held) == order.side.sign:
            return "ReduceOnly Order is rejected: it would open or increase the position."
        if order.quantity > abs(held):
            return (
                f"ReduceOnly Order is rejected: quantity {order.quantity} exceeds "
                f"the position size {abs(held)}."
            )
        return None

    def _margin_price(self, order: Order, last: Decimal | None) -> Decimal:
        quoter = self._quoters[order.symbol]
        if order.type is OrderType.MARKET and last is not None:
            return quoter.taker_price(order.side, last)
        if order.type is OrderType.LIMIT and last is not None and quoter.is_marketable(order, last):
            return quoter.capped_taker_price(order, last)
        return trigger_price(order)

    def _margin_rejection(
        self, symbol: str, side: Side, quantity: Decimal, price: Decimal
    ) -> str | None:
        opening = self._opening_quantity(symbol, side, quantity)
        if opening == ZERO:
            return None
        required = opening * price / self._leverage(symbol) + money(
            quantity * price * self._config.taker_fee_rate
        )
        available = self.summary().available_balance
        if required <= available:
            return None
        return (
            f"Margin is insufficient: needs {money(required)} {self._config.asset}, "
            f"available {money(available)} {self._config.asset}."
        )

    def _arrive_limit(self, order: Order, ts: int, reports: list[ExecutionReport]) -> None:
        last = self._last.get(order.symbol)
        quoter = self._quoters[order.symbol]
        tif = order.time_in_force
        if last is not None and quoter.is_marketable(order, last):
            quantity = self._step_quantity(order)
            if tif is TimeInForce.FOK and quantity < order.quantity:
                reports.append(self._expire(order, ts, "FOK order could not be filled in full."))
                return
            price = quoter.capped_taker_price(order, last)
            reports.append(self._execute(order, quantity, price, Liquidity.TAKER, ts))
        if order.status is OrderStatus.FILLED:
            return
        if tif in (TimeInForce.IOC, TimeInForce.FOK):
            reports.append(self._expire(order, ts, f"{tif.value} order expired unfilled."))
            return
        self._book.add(order)

    # -- matching ------------------------------------------------------------------

    def _match(self, symbol: str, price: Decimal, ts: int, events: list[VenueEvent]) -> None:
        for order in self._book.orders(symbol):
            if not fires(order, price):
                continue
            if order.type is OrderType.LIMIT:
                self._fill_resting(order, ts, events)
            else:
                self._trigger(order, price, ts, events)

    def _fill_resting(self, order: Order, ts: int, events: list[VenueEvent]) -> None:
        quantity = self._step_quantity(order)
        if order.reduce_only:
            quantity = min(quantity, self._closable(order))
            if quantity == ZERO:
                self._book.remove(order)
                events.append(self._expire(order, ts, "ReduceOnly order: no position to reduce."))
                return
        price = trigger_price(order)
        events.append(self._execute(order, quantity, price, Liquidity.MAKER, ts))
        if order.status is OrderStatus.FILLED:
            self._book.remove(order)
        elif order.reduce_only and self._closable(order) == ZERO:
            self._book.remove(order)
            events.append(self._expire(order, ts, "ReduceOnly order: position closed."))

    def _trigger(self, order: Order, price: Decimal, ts: int, events: list[VenueEvent]) -> None:
        self._book.remove(order)
        quantity = order.remaining
        if order.reduce_only:
            quantity = min(quantity, self._closable(order))
            if quantity == ZERO:
                events.append(self._expire(order, ts, "ReduceOnly order: no position to reduce."))
                return
        fill_price = self._quoters[order.symbol].taker_price(order.side, price)
        fill_price = self._impacted(order, quantity, fill_price)
        reason = self._margin_rejection(order.symbol, order.side, quantity, fill_price)
        if reason is not None:
            events.append(self._expire(order, ts, reason))
            return
        events.append(self._execute(order, quantity, fill_price, Liquidity.TAKER, ts))
        if order.status is not OrderStatus.FILLED:
            events.append(self._expire(order, ts, "ReduceOnly order: position closed."))

    def _execute(
        self,
        order: Order,
        quantity: Decimal,
        price: Decimal,
        liquidity: Liquidity,
        ts: int,
        reason: str | None = None,
    ) -> ExecutionReport:
        maker = liquidity is Liquidity.MAKER
        rate = self._config.maker_fee_rate if maker else self._config.taker_fee_rate
        fee = money(quantity * price * rate)
        fill = Fill(
            fill_id=f"{order.exchange_order_id}-{self._take_id()}",
            order_id=order.order_id,
            client_order_id=order.client_order_id,
            symbol=order.symbol,
            side=order.side,
            quantity=quantity,
            price=price,
            fee=fee,
            liquidity=liquidity,
            ts=ts,
            fee_asset=self._config.asset,
        )
        order.record_fill(quantity, price, fee, ts)
        realized = self._position(order.symbol).apply_fill(fill)
        self._account.credit(realized - fee, ts)
        self._liquidation_stale = True
        return ExecutionReport(
            ReportKind.FILL, order.client_order_id, ts, order.exchange_order_id, reason, fill
        )

    def _impacted(self, order: Order, quantity: Decimal, price: Decimal) -> Decimal:
        impact = self._config.impact
        if impact is None:
            return price
        return impact.price(order.side, price, quantity, self._quoters[order.symbol].tick)

    def _expire(self, order: Order, ts: int, reason: str) -> ExecutionReport:
        order.transition(OrderStatus.EXPIRED, ts)
        order.reject_reason = reason
        return _report(ReportKind.EXPIRED, order, ts, order.exchange_order_id, reason)

    # -- funding and liquidation -------------------------------------------------------

    def _settle_funding(self, ts: int, events: list[VenueEvent]) -> None:
        interval = self._config.funding_interval_ms
        if self._next_funding < 0:
            self._next_funding = (ts // interval + 1) * interval
            return
        rate = self._config.funding_rate
        while ts >= self._next_funding:
            at = self._next_funding
            for position in self._positions.values():
                if position.is_flat:
                    continue
                mark = self._last.get(position.symbol, position.entry_price)
                amount = position.apply_funding(rate, mark, at)
                self._account.credit(amount, at)
                events.append(
                    FundingPayment(position.symbol, rate, mark, position.quantity, amount, at)
                )
            self._next_funding += interval
        self._liquidation_stale = True

    def _refresh_liquidation(self) -> None:
        held = [p for p in self._positions.values() if not p.is_flat]
        cross = [p for p in held if p.margin_mode is MarginMode.CROSS]
        self._liquidation = {}
        for position in held:
            is_cross = position.margin_mode is MarginMode.CROSS
            others = [p for p in cross if p is not position] if is_cross else []
            price = liquidation_price(
                position,
                self._instruments[position.symbol],
                self.wallet,
                sum((self._maintenance(p) for p in others), ZERO),
                sum((p.unrealized_pnl(self._mark(p)) for p in others), ZERO),
            )
            if price is not None:
                self._liquidation[position.symbol] = (position.side, price)
        # With several cross positions each one's price moves with the others' marks.
        self._liquidation_stale = len(cross) > 1

    def _check_liquidation(self, ts: int, events: list[VenueEvent]) -> None:
        crossed: list[str] | None = None
        for symbol, (side, threshold) in self._liquidation.items():
            mark = self._last.get(symbol)
            if mark is None:
                continue
            if (mark <= threshold) if side > 0 else (mark >= threshold):
                crossed = crossed or []
                crossed.append(symbol)
        for symbol in crossed or ():
            self._liquidate(symbol, ts, events)
        if crossed:
            self._refresh_liquidation()

    def _liquidate(self, symbol: str, ts: int, events: list[VenueEvent]) -> None:
        for order in self._book.orders(symbol):
            self._book.remove(order)
            order.transition(OrderStatus.CANCELED, ts)
            events.append(
                _report(ReportKind.CANCELED, order, ts, order.exchange_order_id, "liquidation")
            )
        position = self._positions[symbol]
        exchange_id = self._take_id()
        client_id = f"{LIQUIDATION_PREFIX}{symbol}-{exchange_id}"
        order = Order(
            order_id=client_id,
            client_order_id=client_id,
            symbol=symbol,
            side=Side.SELL if position.quantity > ZERO else Side.BUY,
            type=OrderType.MARKET,
            quantity=abs(position.quantity),
            price=None,
            stop_price=None,
            time_in_force=TimeInForce.IOC,
            reduce_only=True,
            created_at=ts,
            updated_at=ts,
        )
        order.accept(exchange_id, ts)
        mark = self._last[symbol]
        events.append(
            self._execute(order, order.quantity, mark, Liquidity.TAKER, ts, "liquidation")
        )

    # -- book keeping ------------------------------------------------------------------

    def _order_margin(self) -> Decimal:
        total = ZERO
        for order in self._book:
            if order.type is OrderType.LIMIT and not order.reduce_only:
                opening = self._opening_quantity(order.symbol, order.side, order.remaining)
                total += opening * trigger_price(order) / self._leverage(order.symbol)
        return total

    def _opening_quantity(self, symbol: str, side: Side, quantity: Decimal) -> Decimal:
        held = self._held(symbol)
        if held == ZERO or sign(held) == side.sign:
            return quantity
        return max(quantity - abs(held), ZERO)

    def _closable(self, order: Order) -> Decimal:
        held = self._held(order.symbol)
        if held == ZERO or sign(held) == order.side.sign:
            return ZERO
        return min(order.remaining, abs(held))

    def _step_quantity(self, order: Order) -> Decimal:
        cap = self._config.max_fill_qty
        if cap is None or cap >= order.remaining:
            return order.remaining
        step = self._instruments[order.symbol].step_size
        return max(floor_to(cap, step), min(step, order.remaining))

    def _held(self, symbol: str) -> Decimal:
        position = self._positions.get(symbol)
        return ZERO if position is None else position.quantity

    def _leverage(self, symbol: str) -> int:
        position = self._positions.get(symbol)
        return self._config.leverage_for(symbol) if position is None else position.leverage

    def _position(self, symbol: str) -> Position:
        position = self._positions.get(symbol)
        if position is None:
            position = self._positions[symbol] = self._new_position(symbol)
        return position

    def _new_position(self, symbol: str) -> Position:
        return Position(
            symbol=symbol,
            leverage=self._config.leverage_for(symbol),
            margin_mode=self._config.margin_mode,
        )

    def _maintenance(self, position: Position) -> Decimal:
        return position.maintenance_margin(self._instruments[position.symbol], self._mark(position))

    def _mark(self, position: Position) -> Decimal:
        return self._last.get(position.symbol, position.entry_price)

    def _instrument(self, symbol: str) -> Instrument:
        instrument = self._instruments.get(symbol)
        if instrument is None:
            raise InvalidInput("symbol", f"{symbol!r} is not listed on the simulated venue")
        return instrument

    def _take_id(self) -> str:
        value = self._next_id
        self._next_id += 1
        return str(value)


def _report(
    kind: ReportKind,
    order: Order,
    ts: int,
    exchange_id: str | None,
    reason: str | None = None,
) -> ExecutionReport:
    return ExecutionReport(kind, order.client_order_id, ts, exchange_id, reason)


def _venue_copy(order: Order, exchange_id: str, ts: int) -> Order:
    mine = replace(
        order,
        status=OrderStatus.NEW,
        filled_quantity=ZERO,
        average_price=None,
        fees=ZERO,
        exchange_order_id=None,
        reject_reason=None,
        updated_at=ts,
    )
    mine.accept(exchange_id, ts)
    return mine


def _as_request(order: Order) -> OrderRequest:
    return OrderRequest(
        symbol=order.symbol,
        side=order.side,
        type=order.type,
        quantity=order.quantity,
        price=order.price,
        stop_price=order.stop_price,
        time_in_force=order.time_in_force,
        reduce_only=order.reduce_only,
        client_order_id=order.client_order_id,
    )
