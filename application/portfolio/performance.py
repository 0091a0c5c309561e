"""Performance from the journal: PnL by strategy and symbol, Brinson, rolling figures."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from application.events import EventKind
from application.ledger import UnitOfWorkFactory
from application.ports.market_data import PriceCache
from application.ports.strategies import SnapshotStore
from application.ports.venue import FundingPayment
from domain.account import Account
from domain.fill import Fill
from domain.portfolio import attribution as attr
from domain.portfolio.attribution import BrinsonAttribution, PnlBreakdown

MANUAL = "manual"
STRATEGIES = "strategies"
_ZERO = Decimal(0)


def strategy_of(client_order_id: str) -> str:
    """Return the strategy an order belongs to, read from its client order id.

    "<strategy>:<rest>" names the strategy; the strategy engine's "st-<symbol>-<hash>"
    ids do not say which strategy, so they are booked to "strategies"; anything else
    is manual.
    """
    head, sep, _ = client_order_id.partition(":")
    if sep and head:
        return head
    return STRATEGIES if client_order_id.startswith("st-") else MANUAL


@dataclass(frozen=True, slots=True)
class Performance:
    by_strategy: dict[str, PnlBreakdown]
    by_symbol: dict[str, PnlBreakdown]
    total: PnlBreakdown
    brinson: BrinsonAttribution | None
    rolling_sharpe: tuple[float, ...]
    rolling_volatility: tuple[float, ...]
    note: str


class GetPerformance:
    """Attribute the account's PnL from its fills and funding, valued at the marks.

    Funding is booked to the strategy that last traded the symbol. The Brinson
    segments are symbols: the portfolio weight is each symbol's share of traded
    notional, its return the price PnL over that notional, and the equal-weight
    benchmark holds each symbol from its first fill to the mark. Rolling Sharpe and
    volatility use the equity of the periodic account snapshots when there are enough,
    else the wallet balance after each change (one period per change); the note says which.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        prices: PriceCache,
        snapshots: SnapshotStore | None = None,
    ) -> None:
        self._uow = uow
        self._prices = prices
        self._snapshots = snapshots

    async def execute(self, window: int = 20) -> Performance:
        fills, funding, wallets = await self._journal()
        marks = dict(self._prices.marks())
        owners: dict[str, str] = {}
        rows = []
        for fill in sorted(fills, key=lambda f: f.ts):
            owner = owners[fill.symbol] = strategy_of(fill.client_order_id)
            marks.setdefault(fill.symbol, fill.price)
            rows.append(
                attr.Fill(owner, fill.symbol, fill.quantity * fill.side.sign, fill.price, fill.fee)
            )
        payments = [
            attr.FundingPayment(owners.get(p.symbol, MANUAL), p.symbol, p.amount) for p in funding
        ]
        result = attr.attribute_pnl(rows, payments, marks)
        books = result.by_strategy_symbol
        notes: list[str] = []
        sharpe, vol = _rolling(await self._equity(wallets, window, notes), window, notes)
        return Performance(
            by_strategy=_roll_up(books, 0),
            by_symbol=_roll_up(books, 1),
            total=result.total,
            brinson=_brinson(fills, books, marks),
            rolling_sharpe=sharpe,
            rolling_volatility=vol,
            note="; ".join(notes),
        )

    async def _equity(self, wallets: list[Decimal], window: int, notes: list[str]) -> list[Decimal]:
        """Prefer the periodic account snapshots' equity; else the wallet after each change."""
        if self._snapshots is not None:
            taken = await self._snapshots.list(0, 1_000_000)
            if len(taken) > window:
                notes.append("rolling figures per account snapshot (equity incl. unrealised PnL)")
                return [s.margin_balance for s in taken]
        notes.append("rolling figures per wallet balance change (realised PnL, fees, funding)")
        return wallets

    async def _journal(self) -> tuple[list[Fill], list[FundingPayment], list[Decimal]]:
        fills: list[Fill] = []
        funding: list[FundingPayment] = []
        wallets: list[Decimal] = []
        after = 0
        async with self._uow() as uow:
            while True:
                batch = await uow.events.after(after, 1000)
                if not batch:
                    break
                for event in batch:
                    subject = event.subject
                    if event.kind is EventKind.FILL_RECORDED and isinstance(subject, Fill):
                        fills.append(subject)
                    elif event.kind is EventKind.FUNDING_SETTLED and isinstance(
                        subject, FundingPayment
                    ):
                        funding.append(subject)
                    elif event.kind is EventKind.BALANCE_CHANGED and isinstance(subject, Account):
                        wallets.append(subject.wallet_balance)
                after = batch[-1].sequence
        return fills, funding, wallets


def _roll_up(books: dict[tuple[str, str], PnlBreakdown], level: int) -> dict[str, PnlBreakdown]:
    totals: dict[str, PnlBreakdown] = defaultdict(PnlBreakdown)
    for key, breakdown in books.items():
        totals[key[level]] += breakdown
    return dict(sorted(totals.items()))


def _brinson(
    fills: list[Fill], books: dict[tuple[str, str], PnlBreakdown], marks: dict[str, Decimal]
) -> BrinsonAttribution | None:
    traded: dict[str, Decimal] = defaultdict(Decimal)
    first: dict[str, Decimal] = {}
    for fill in sorted(fills, key=lambda f: f.ts):
        traded[fill.symbol] += fill.quantity * fill.price
        first.setdefault(fill.symbol, fill.price)
    total = sum(traded.values(), _ZERO)
    if total == _ZERO:
        return None
    price_pnl: dict[str, Decimal] = defaultdict(Decimal)
    for (_, symbol), breakdown in books.items():
        price_pnl[symbol] += breakdown.price
    weights = {s: float(n / total) for s, n in traded.items()}
    returns = {s: float(price_pnl[s] / traded[s]) for s in traded}
    benchmark = {s: float(marks[s] / first[s] - 1) for s in traded}
    drift = 1.0 - math.fsum(weights.values())
    first_symbol = sorted(weights)[0]
    weights[first_symbol] += drift  # float rounding only; shares of one total sum to one
    return attr.brinson_fachler(weights, returns, benchmark)


def _rolling(
    equity: list[Decimal], window: int, notes: list[str]
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    levels = np.array([float(w) for w in equity if w > 0], dtype=np.float64)
    if levels.size < window + 1:
        notes[-1] = f"rolling figures need {window + 1} equity points; have {levels.size}"
        return (), ()
    returns = levels[1:] / levels[:-1] - 1.0
    sharpe = attr.rolling_sharpe(returns, window, 1.0)
    vol = attr.rolling_volatility(returns, window, 1.0)
    return tuple(sharpe[window - 1 :].tolist()), tuple(vol[window - 1 :].tolist())
