"""The pre-trade checks, each a PreTradeCheck: gather state, ask the domain, give a verdict."""

from __future__ import annotations

from application.ports.clock import Clock
from application.ports.market_data import PriceCache
from application.ports.risk import RiskVerdict
from application.risk.book import BookReader, intent_of
from application.risk.rate_limit import TokenBucket
from application.risk.state import RiskState
from domain.instrument import Instrument
from domain.order import Order
from domain.risk import limits as rules
from domain.risk.limits import Breach, RejectCode


def _verdict(breach: Breach | None) -> RiskVerdict:
    if breach is None:
        return RiskVerdict.accept()
    return RiskVerdict.reject(breach.code.value, breach.message)


class HaltCheck:
    """Refuse risk-adding orders while the kill switch is on or the breaker has tripped."""

    def __init__(self, state: RiskState, book: BookReader) -> None:
        self._state = state
        self._book = book

    async def check(self, order: Order, instrument: Instrument) -> RiskVerdict:
        kill, breaker = self._state.kill_switch, self._state.breaker
        if not kill.engaged and not breaker.tripped:
            return RiskVerdict.accept()
        book = await self._book.for_order(order)
        if not rules.adds_risk(intent_of(order), book.position(order.symbol)):
            return RiskVerdict.accept()
        if kill.engaged:
            why = f": {kill.reason}" if kill.reason else ""
            return RiskVerdict.reject(
                RejectCode.KILL_SWITCH.value, f"kill switch engaged by {kill.by or '?'}{why}"
            )
        return RiskVerdict.reject(
            RejectCode.CIRCUIT_BREAKER.value, f"circuit breaker tripped: {breaker.reason}"
        )


class ReduceOnlyCheck:
    """Refuse a reduce-only order that would open, grow or flip a position."""

    def __init__(self, book: BookReader) -> None:
        self._book = book

    async def check(self, order: Order, instrument: Instrument) -> RiskVerdict:
        if not order.reduce_only:
            return RiskVerdict.accept()
        book = await self._book.for_order(order)
        return _verdict(rules.check_reduce_only(intent_of(order), book.position(order.symbol)))


class PriceBandCheck:
    """Refuse a limit price too far through the mark (a fat finger)."""

    def __init__(self, state: RiskState, prices: PriceCache) -> None:
        self._state = state
        self._prices = prices

    async def check(self, order: Order, instrument: Instrument) -> RiskVerdict:
        if order.price is None:
            return RiskVerdict.accept()
        mark = self._prices.mark(order.symbol)
        if mark is None:
            return RiskVerdict.reject(
                RejectCode.NO_MARK_PRICE.value, f"no mark price for {order.symbol} yet"
            )
        return _verdict(rules.check_price_band(intent_of(order), mark, self._state.limits))


class ExposureCheck:
    """Hold a risk-adding order against the order, position, gross, net and leverage limits."""

    def __init__(self, state: RiskState, book: BookReader) -> None:
        self._state = state
        self._book = book

    async def check(self, order: Order, instrument: Instrument) -> RiskVerdict:
        book = await self._book.for_order(order)
        if order.symbol not in book.marks:
            if not rules.adds_risk(intent_of(order), book.position(order.symbol)):
                return RiskVerdict.accept()
            return RiskVerdict.reject(
                RejectCode.NO_MARK_PRICE.value, f"no mark price for {order.symbol} yet"
            )
        return _verdict(rules.check_exposure(intent_of(order), book, self._state.limits))


class RateLimitCheck:
    """Token buckets per symbol and for the account; an order takes one of each."""

    def __init__(self, state: RiskState, clock: Clock) -> None:
        self._state = state
        self._clock = clock
        limits = state.limits
        self._account = TokenBucket(clock, limits.account_order_rate, limits.account_order_burst)
        self._symbols: dict[str, TokenBucket] = {}

    async def check(self, order: Order, instrument: Instrument) -> RiskVerdict:
        if order.reduce_only and self._state.halted:
            # The way out of a halt (the kill switch's or breaker's closing orders) must
            # never wait for a bucket that a runaway strategy emptied.
            return RiskVerdict.accept()
        limits = self._state.limits
        self._account.configure(limits.account_order_rate, limits.account_order_burst)
        bucket = self._symbol_bucket(order.symbol)
        bucket.configure(limits.symbol_order_rate, limits.symbol_order_burst)
        if not bucket.take():
            return RiskVerdict.reject(
                RejectCode.RATE_LIMIT_SYMBOL.value,
                f"more than {limits.symbol_order_rate}/s (burst {limits.symbol_order_burst}) "
                f"orders on {order.symbol}",
            )
        if not self._account.take():
            bucket.give_back()
            return RiskVerdict.reject(
                RejectCode.RATE_LIMIT_ACCOUNT.value,
                f"more than {limits.account_order_rate}/s (burst {limits.account_order_burst}) "
                "orders on the account",
            )
        return RiskVerdict.accept()

    def _symbol_bucket(self, symbol: str) -> TokenBucket:
        if symbol not in self._symbols:
            limits = self._state.limits
            self._symbols[symbol] = TokenBucket(
                self._clock, limits.symbol_order_rate, limits.symbol_order_burst
            )
        return self._symbols[symbol]
