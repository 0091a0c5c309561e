"""Follow the ledger's published events: fills, funding, orders, wallet and positions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from application.events import Event, EventKind
from application.ports.venue import FundingPayment
from domain.account import Account
from domain.fill import Fill
from domain.numbers import ZERO
from domain.order import Order
from domain.position import Position


class AccountTracker:
    """EventPublisher that keeps what a backtest reports, without reading storage per bar.

    The ledger publishes after each commit, so this sees exactly what was committed. The
    equity it computes per bar is a float (for the curve); the exact figures stay Decimal.
    """

    def __init__(self, wallet: Decimal) -> None:
        self.wallet = wallet
        self.fills: list[Fill] = []
        self.funding: list[FundingPayment] = []
        self.orders: dict[str, Order] = {}
        self.positions: dict[str, Position] = {}
        self._wallet_f = float(wallet)
        self._held: dict[str, tuple[float, float]] = {}

    async def publish(self, events: Sequence[Event]) -> None:
        for event in events:
            subject = event.subject
            if event.kind is EventKind.FILL_RECORDED and isinstance(subject, Fill):
                self.fills.append(subject)
            elif event.kind is EventKind.FUNDING_SETTLED and isinstance(subject, FundingPayment):
                self.funding.append(subject)
            elif event.kind is EventKind.ORDER_UPDATED and isinstance(subject, Order):
                self.orders[subject.client_order_id] = subject
            elif event.kind is EventKind.POSITION_CHANGED and isinstance(subject, Position):
                self._position(subject)
            elif event.kind is EventKind.BALANCE_CHANGED and isinstance(subject, Account):
                self.wallet = subject.wallet_balance
                self._wallet_f = float(subject.wallet_balance)

    def _position(self, position: Position) -> None:
        self.positions[position.symbol] = position
        if position.is_flat:
            self._held.pop(position.symbol, None)
        else:
            self._held[position.symbol] = (float(position.quantity), float(position.entry_price))

    def equity(self, marks: Mapping[str, float]) -> float:
        """Return wallet + unrealised PnL at `marks`, as a float."""
        value = self._wallet_f
        for symbol, (quantity, entry) in self._held.items():
            value += quantity * (marks[symbol] - entry)
        return value

    def notional(self, marks: Mapping[str, float]) -> float:
        """Return the gross position value at `marks`."""
        return sum(abs(q) * marks[s] for s, (q, _) in self._held.items())

    def exact_equity(self, marks: Mapping[str, Decimal]) -> Decimal:
        """Return wallet + unrealised PnL at `marks`, exactly."""
        unrealized = sum(
            (p.unrealized_pnl(marks[s]) for s, p in self.positions.items() if not p.is_flat), ZERO
        )
        return self.wallet + unrealized

    @property
    def fees(self) -> Decimal:
        return sum((f.fee for f in self.fills), ZERO)

    @property
    def funding_total(self) -> Decimal:
        """Funding received (negative: paid)."""
        return sum((f.amount for f in self.funding), ZERO)
