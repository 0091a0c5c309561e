"""Trade-level statistics, and how much of the time and capital the strategy used."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from domain.errors import InvalidInput
from domain.performance._arrays import as_floats, as_timestamps

TradeSide = Literal["long", "short"]


@dataclass(frozen=True, slots=True)
class ClosedTrade:
    """A round trip, from the fill that opened a position to the one that closed it.

    `pnl` is the gross price profit; `fees` is what the trade cost (commissions and any
    funding paid), positive as a cost. Amounts are floats because this is an analytics
    record derived from the ledger, not the ledger itself.
    """

    symbol: str
    side: TradeSide
    entry_ts: int
    exit_ts: int
    qty: float
    entry_price: float
    exit_price: float
    pnl: float
    fees: float = 0.0

    def __post_init__(self) -> None:
        if self.side not in ("long", "short"):
            raise InvalidInput("side", f"must be 'long' or 'short', got {self.side!r}")
        if self.exit_ts < self.entry_ts:
            raise InvalidInput("exit_ts", f"{self.exit_ts} precedes entry_ts {self.entry_ts}")
        for name in ("qty", "entry_price", "exit_price", "pnl", "fees"):
            if not math.isfinite(getattr(self, name)):
                raise InvalidInput(name, f"must be finite, got {getattr(self, name)}")
        if not (self.qty > 0 and self.entry_price > 0 and self.exit_price > 0):
            raise InvalidInput("qty/entry_price/exit_price", "must be positive")

    @property
    def net_pnl(self) -> float:
        """Return the profit after fees, which decides whether the trade won."""
        return self.pnl - self.fees

    @property
    def notional(self) -> float:
        """Return the notional traded over both legs, entry and exit."""
        return self.qty * (self.entry_price + self.exit_price)


@dataclass(frozen=True, slots=True)
class TradeStats:
    """Win/loss statistics over closed trades, judged on net profit.

    A trade wins when its net profit is above zero and loses when below; a break-even
    trade is neither but still counts in `trades`. Averages over no trades are ``nan``.
    """

    trades: int
    wins: int
    losses: int
    win_rate: float
    profit_factor: float
    expectancy: float
    average_win: float
    average_loss: float
    net_profit: float
    fees: float


def trade_stats(trades: Sequence[ClosedTrade]) -> TradeStats:
    """Summarise closed trades.

    * win rate: wins / trades (``nan`` with no trades);
    * profit factor: gross net profit of winners / |net loss of losers| (``nan`` with no
      losses, rather than an infinity);
    * expectancy: mean net profit per trade;
    * average win / average loss: mean net profit of winners / of losers (loss negative).
    """
    net = np.array([trade.net_pnl for trade in trades], dtype=np.float64)
    gains, losses = net[net > 0.0], net[net < 0.0]
    return TradeStats(
        trades=int(net.size),
        wins=int(gains.size),
        losses=int(losses.size),
        win_rate=gains.size / net.size if net.size else math.nan,
        profit_factor=float(gains.sum() / -losses.sum()) if losses.size else math.nan,
        expectancy=_mean(net),
        average_win=_mean(gains),
        average_loss=_mean(losses),
        net_profit=float(net.sum()),
        fees=float(sum(trade.fees for trade in trades)),
    )


def exposure(positions_notional: npt.ArrayLike) -> float:
    """Return the fraction of periods with a non-zero position; ``nan`` when empty."""
    positions = as_floats(positions_notional, "positions_notional")
    if positions.size == 0:
        return math.nan
    return float(np.count_nonzero(positions) / positions.size)


def exposure_from_trades(trades: Sequence[ClosedTrade], timestamps_ms: npt.ArrayLike) -> float:
    """Return the fraction of timestamps at which some trade was open.

    A trade is open at ``t`` when ``entry_ts <= t < exit_ts``. ``nan`` when there are no
    timestamps.
    """
    stamps = as_timestamps(timestamps_ms, np.size(timestamps_ms))
    if stamps.size == 0:
        return math.nan
    entries = np.searchsorted(stamps, [trade.entry_ts for trade in trades])
    exits = np.searchsorted(stamps, [trade.exit_ts for trade in trades])
    # Count open trades with a difference array: linear in points plus trades.
    open_count = np.zeros(stamps.size + 1, dtype=np.int64)
    np.add.at(open_count, entries, 1)
    np.add.at(open_count, exits, -1)
    return float(np.count_nonzero(np.cumsum(open_count[:-1])) / stamps.size)


def turnover(trades: Sequence[ClosedTrade], average_equity: float, years: float) -> float:
    """Return the annualised turnover: notional traded over both legs / average equity / years.

    A turnover of 12 means the strategy traded its capital's worth twelve times a year.
    ``nan`` when `average_equity` or `years` is not positive.
    """
    if not (average_equity > 0.0 and years > 0.0):
        return math.nan
    return sum(trade.notional for trade in trades) / average_equity / years


def _mean(values: npt.NDArray[np.float64]) -> float:
    return float(values.mean()) if values.size else math.nan
