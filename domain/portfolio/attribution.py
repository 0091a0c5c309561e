"""Where P&L came from: price, funding and fees per strategy and symbol; Brinson-Fachler
effects against an equal-weight benchmark; rolling Sharpe ratio and volatility."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

from domain.portfolio.errors import AttributionError
from domain.risk.checks import finite, positive, positive_int, vector

FloatArray = NDArray[np.float64]
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Fill:
    """A trade: `quantity` is signed (+ bought, - sold); `fee` is the cost paid (- a rebate).

    To attribute a period that starts with open positions, pass each one as a fill at the
    period's opening mark with no fee.
    """

    strategy: str
    symbol: str
    quantity: Decimal
    price: Decimal
    fee: Decimal = _ZERO

    def __post_init__(self) -> None:
        _names(self.strategy, self.symbol)
        _decimal(self.quantity, "quantity")
        _decimal(self.fee, "fee")
        if _decimal(self.price, "price") <= _ZERO:
            raise AttributionError("price", f"must be > 0, got {self.price}")


@dataclass(frozen=True, slots=True)
class FundingPayment:
    """A perpetual-futures funding payment: `amount` > 0 was received, < 0 was paid."""

    strategy: str
    symbol: str
    amount: Decimal

    def __post_init__(self) -> None:
        _names(self.strategy, self.symbol)
        _decimal(self.amount, "amount")


@dataclass(frozen=True, slots=True)
class PnlBreakdown:
    """P&L split into price moves, funding received and fees paid.

    The net is price + funding - fees.
    """

    price: Decimal = _ZERO
    funding: Decimal = _ZERO
    fees: Decimal = _ZERO

    @property
    def total(self) -> Decimal:
        """Return the net P&L."""
        return self.price + self.funding - self.fees

    def __add__(self, other: PnlBreakdown) -> PnlBreakdown:
        return PnlBreakdown(
            self.price + other.price, self.funding + other.funding, self.fees + other.fees
        )


@dataclass(frozen=True, slots=True)
class PnlAttribution:
    """P&L breakdowns per strategy, per symbol, per (strategy, symbol) and in total."""

    by_strategy: dict[str, PnlBreakdown]
    by_symbol: dict[str, PnlBreakdown]
    by_strategy_symbol: dict[tuple[str, str], PnlBreakdown]
    total: PnlBreakdown


def attribute_pnl(
    fills: Iterable[Fill],
    funding: Iterable[FundingPayment],
    marks: Mapping[str, Decimal],
) -> PnlAttribution:
    """Split P&L into price, funding and fees per strategy and per symbol.

    Price P&L of a (strategy, symbol) book is what its net position is worth at the mark
    less the cash its fills cost, -sum(q x p) + (sum q) x mark, which counts realised and
    unrealised P&L alike; a book that is flat needs no mark.
    """
    price = _price_pnl(fills, marks)
    books: dict[tuple[str, str], PnlBreakdown] = defaultdict(PnlBreakdown)
    for key, (pnl, fees) in price.items():
        books[key] += PnlBreakdown(price=pnl, fees=fees)
    for payment in funding:
        books[(payment.strategy, payment.symbol)] += PnlBreakdown(funding=payment.amount)
    return PnlAttribution(
        by_strategy=_roll_up(books, 0),
        by_symbol=_roll_up(books, 1),
        by_strategy_symbol=dict(sorted(books.items())),
        total=sum(books.values(), PnlBreakdown()),
    )


def _price_pnl(
    fills: Iterable[Fill], marks: Mapping[str, Decimal]
) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    cash: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    held: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    fees: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for fill in fills:
        key = (fill.strategy, fill.symbol)
        cash[key] -= fill.quantity * fill.price
        held[key] += fill.quantity
        fees[key] += fill.fee
    return {key: (cash[key] + _mark_value(key, held[key], marks), fees[key]) for key in cash}


def _mark_value(key: tuple[str, str], quantity: Decimal, marks: Mapping[str, Decimal]) -> Decimal:
    if quantity == _ZERO:
        return _ZERO
    symbol = key[1]
    if symbol not in marks:
        raise AttributionError("marks", f"no mark price for open {symbol} of {key[0]}")
    return quantity * _decimal(marks[symbol], f"marks[{symbol!r}]")


def _roll_up(books: Mapping[tuple[str, str], PnlBreakdown], level: int) -> dict[str, PnlBreakdown]:
    totals: dict[str, PnlBreakdown] = defaultdict(PnlBreakdown)
    for key, breakdown in books.items():
        totals[key[level]] += breakdown
    return dict(sorted(totals.items()))


@dataclass(frozen=True, slots=True)
class SegmentEffects:
    """Brinson-Fachler effects of one segment (a strategy, a symbol, a sector)."""

    segment: str
    allocation: float
    selection: float
    interaction: float

    @property
    def total(self) -> float:
        """Return the segment's contribution to the active return."""
        return self.allocation + self.selection + self.interaction


@dataclass(frozen=True, slots=True)
class BrinsonAttribution:
    """Active return split into allocation, selection and interaction, per segment and in total."""

    segments: tuple[SegmentEffects, ...]
    portfolio_return: float
    benchmark_return: float

    @property
    def active_return(self) -> float:
        """Return the portfolio's return less the benchmark's."""
        return self.portfolio_return - self.benchmark_return

    @property
    def allocation(self) -> float:
        """Return the total allocation effect."""
        return math.fsum(s.allocation for s in self.segments)

    @property
    def selection(self) -> float:
        """Return the total selection effect."""
        return math.fsum(s.selection for s in self.segments)

    @property
    def interaction(self) -> float:
        """Return the total interaction effect."""
        return math.fsum(s.interaction for s in self.segments)


def brinson_fachler(
    portfolio_weights: Mapping[str, float],
    portfolio_returns: Mapping[str, float],
    benchmark_returns: Mapping[str, float],
) -> BrinsonAttribution:
    """Attribute active return against a benchmark holding each segment in equal weight.

    With benchmark weight b = 1/n, benchmark return R_b = sum b R_b,i and per segment:
    allocation (w - b)(R_b,i - R_b), selection b (R_p,i - R_b,i) and interaction
    (w - b)(R_p,i - R_b,i). The three sum to R_p - R_b when the portfolio weights sum
    to one (hold cash as a segment of its own).
    """
    segments = sorted(portfolio_weights)
    if (
        not segments
        or set(portfolio_returns) != set(segments)
        or set(benchmark_returns) != set(segments)
    ):
        raise AttributionError(
            "segments", "weights and both return maps must name the same non-empty segments"
        )
    w = _floats(portfolio_weights, segments, "portfolio_weights")
    r_p = _floats(portfolio_returns, segments, "portfolio_returns")
    r_b = _floats(benchmark_returns, segments, "benchmark_returns")
    if abs(w.sum() - 1.0) > 1e-9:
        raise AttributionError("portfolio_weights", f"must sum to 1, got {w.sum():.12g}")
    b = np.full(len(segments), 1.0 / len(segments))
    benchmark = float(b @ r_b)
    effects = tuple(
        SegmentEffects(
            name,
            float((w[i] - b[i]) * (r_b[i] - benchmark)),
            float(b[i] * (r_p[i] - r_b[i])),
            float((w[i] - b[i]) * (r_p[i] - r_b[i])),
        )
        for i, name in enumerate(segments)
    )
    return BrinsonAttribution(effects, float(w @ r_p), benchmark)


def rolling_volatility(returns: ArrayLike, window: int, periods_per_year: float) -> FloatArray:
    """Return the annualised (ddof=1) volatility over each trailing `window` of returns.

    The output is aligned with the input: its first window - 1 entries are NaN.
    """
    windows = _windows(returns, window)
    scale = math.sqrt(positive(periods_per_year, "periods_per_year", AttributionError))
    return _pad(windows.std(axis=1, ddof=1) * scale, window)


def rolling_sharpe(
    returns: ArrayLike, window: int, periods_per_year: float, risk_free_rate: float = 0.0
) -> FloatArray:
    """Return the annualised Sharpe ratio over each trailing `window` of returns.

    `risk_free_rate` is annual and spread evenly over the periods; windows without
    variation give NaN; the first window - 1 entries are NaN, aligning with the input.
    """
    periods = positive(periods_per_year, "periods_per_year", AttributionError)
    rate = finite(risk_free_rate, "risk_free_rate", AttributionError) / periods
    windows = _windows(returns, window)
    excess = windows.mean(axis=1) - rate
    spread = windows.std(axis=1, ddof=1)
    ratio = np.full(excess.shape, np.nan)
    np.divide(excess, spread, out=ratio, where=spread > 0.0)
    return _pad(ratio * math.sqrt(periods), window)


def _windows(returns: ArrayLike, window: int) -> FloatArray:
    series = vector(returns, "returns", AttributionError)
    size = positive_int(window, "window", AttributionError)
    if size < 2 or size > series.size:
        raise AttributionError("window", f"must lie in [2, {series.size}], got {size}")
    return np.asarray(sliding_window_view(series, size), dtype=np.float64)


def _pad(values: FloatArray, window: int) -> FloatArray:
    return np.concatenate([np.full(window - 1, np.nan), values])


def _floats(values: Mapping[str, float], keys: list[str], name: str) -> FloatArray:
    return np.array([finite(values[k], f"{name}[{k!r}]", AttributionError) for k in keys])


def _names(strategy: str, symbol: str) -> None:
    if not strategy or not symbol:
        raise AttributionError("strategy" if not strategy else "symbol", "must not be empty")


def _decimal(value: Decimal, name: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise AttributionError(name, f"must be a finite Decimal, got {value!r}")
    return value
