"""Order book and trade flow measures."""

from __future__ import annotations

import math
from collections import deque

from domain.market.candles import BookTop, DepthSnapshot, Trade

BPS = 10_000.0


def spread(book: BookTop) -> float:
    """Return ask - bid in price units."""
    return book.ask - book.bid


def spread_bps(book: BookTop) -> float:
    """Return the spread in basis points of the mid price."""
    return spread(book) / book.mid * BPS


def depth_imbalance(depth: DepthSnapshot, levels: int = 5) -> float:
    """Return (bid qty - ask qty) / (bid qty + ask qty) over the top `levels` of each side.

    +1 means only bids rest near the touch, -1 only asks; 0 for an empty book.
    """
    if levels < 1:
        raise ValueError("levels must be >= 1")
    bid_qty = math.fsum(qty for _, qty in depth.bids[:levels])
    ask_qty = math.fsum(qty for _, qty in depth.asks[:levels])
    total = bid_qty + ask_qty
    return (bid_qty - ask_qty) / total if total > 0.0 else 0.0


class TradeFlowImbalance:
    """Aggressive buy minus sell quantity over total, for trades in the last `window_ms`.

    Time is the trades' own timestamps, never the wall clock, so replay and live agree.
    A trade stays in the window while `ts > latest_ts - window_ms`.
    """

    __slots__ = ("_buy", "_pushes", "_sell", "_trades", "_window_ms")

    def __init__(self, window_ms: int) -> None:
        if window_ms < 1:
            raise ValueError("window_ms must be >= 1")
        self._window_ms = window_ms
        self._trades: deque[Trade] = deque()
        self._buy = 0.0
        self._sell = 0.0
        self._pushes = 0

    @property
    def value(self) -> float | None:
        total = self._buy + self._sell
        return (self._buy - self._sell) / total if total > 0.0 and self._trades else None

    def update(self, trade: Trade) -> float | None:
        trades = self._trades
        if trades and trade.ts < trades[-1].ts:
            raise ValueError("trades must arrive in time order")
        trades.append(trade)
        self._add(trade, 1.0)
        horizon = trade.ts - self._window_ms
        while trades[0].ts <= horizon:
            self._add(trades.popleft(), -1.0)
        self._pushes += 1
        if self._pushes >= len(trades):
            self._resync()
        return self.value

    def _resync(self) -> None:
        # Exact re-summation once per window length: rounding residue cannot build up,
        # and the cost stays O(1) amortised.
        self._buy = math.fsum(t.qty for t in self._trades if not t.is_buyer_maker)
        self._sell = math.fsum(t.qty for t in self._trades if t.is_buyer_maker)
        self._pushes = 0

    def _add(self, trade: Trade, sign: float) -> None:
        if trade.is_buyer_maker:
            self._sell = max(self._sell + sign * trade.qty, 0.0)
        else:
            self._buy = max(self._buy + sign * trade.qty, 0.0)
