"""The futures wallet and the margin figures derived from it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from domain.errors import InvalidInput
from domain.numbers import ZERO
from domain.position import MarginMode, Position


@dataclass(slots=True)
class Account:
    """The wallet: deposits plus realised PnL, minus fees, plus funding."""

    asset: str
    wallet_balance: Decimal
    updated_at: int = 0

    def credit(self, amount: Decimal, at: int) -> None:
        """Add `amount` (negative to debit) to the wallet."""
        self.wallet_balance += amount
        self.updated_at = at


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """Binance-style balances at the current marks."""

    asset: str
    wallet_balance: Decimal
    unrealized_pnl: Decimal
    margin_balance: Decimal
    position_margin: Decimal
    order_margin: Decimal
    available_balance: Decimal

    @property
    def used_margin(self) -> Decimal:
        return self.position_margin + self.order_margin


def summarize(
    account: Account,
    positions: Iterable[Position],
    marks: Mapping[str, Decimal],
    order_margin: Decimal = ZERO,
) -> AccountSummary:
    """Compute margin balance, used and available margin at `marks`.

    A position without a mark is valued at its entry price (no unrealised PnL).
    """
    upnl = ZERO
    position_margin = ZERO
    for position in positions:
        if position.is_flat:
            continue
        mark = marks.get(position.symbol, position.entry_price)
        upnl += position.unrealized_pnl(mark)
        if position.margin_mode is MarginMode.ISOLATED:
            position_margin += position.isolated_margin
        else:
            position_margin += position.initial_margin(mark)
    margin_balance = account.wallet_balance + upnl
    return AccountSummary(
        asset=account.asset,
        wallet_balance=account.wallet_balance,
        unrealized_pnl=upnl,
        margin_balance=margin_balance,
        position_margin=position_margin,
        order_margin=order_margin,
        available_balance=max(margin_balance - position_margin - order_margin, ZERO),
    )


def check_leverage(leverage: int, max_leverage: int) -> None:
    """Raise InvalidInput unless 1 <= leverage <= max_leverage."""
    if not 1 <= leverage <= max_leverage:
        raise InvalidInput("leverage", f"must be between 1 and {max_leverage}, got {leverage}")
