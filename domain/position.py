"""One-way-mode futures positions built by applying fills and funding."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.errors import InvalidInput
from domain.fill import Fill
from domain.instrument import Instrument, MarginBracket
from domain.numbers import ZERO, sign


class MarginMode(StrEnum):
    CROSS = "CROSS"
    ISOLATED = "ISOLATED"


@dataclass(slots=True)
class Position:
    """A signed position: quantity > 0 is long, < 0 short, 0 flat.

    `realized_pnl`, `fees` and `funding` are running totals over the position's
    life in this account; the wallet moves by realised PnL − fees + funding.
    """

    symbol: str
    quantity: Decimal = ZERO
    entry_price: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    fees: Decimal = ZERO
    funding: Decimal = ZERO
    leverage: int = 10
    margin_mode: MarginMode = MarginMode.CROSS
    isolated_margin: Decimal = ZERO
    updated_at: int = 0

    @property
    def is_flat(self) -> bool:
        return self.quantity == ZERO

    @property
    def side(self) -> int:
        return sign(self.quantity)

    def notional(self, mark: Decimal) -> Decimal:
        return abs(self.quantity) * mark

    def unrealized_pnl(self, mark: Decimal) -> Decimal:
        return self.quantity * (mark - self.entry_price)

    def initial_margin(self, mark: Decimal) -> Decimal:
        return self.notional(mark) / self.leverage

    def maintenance_margin(self, instrument: Instrument, mark: Decimal) -> Decimal:
        notional = self.notional(mark)
        return instrument.bracket_for(notional).maintenance_margin(notional)

    def apply_fill(self, fill: Fill) -> Decimal:
        """Apply an execution and return the PnL it realised (before fees).

        In isolated mode the position's margin grows by what an opening fill
        allocates less its fee, keeps the realised PnL and fee of a partial close,
        and is released entirely when the position goes flat; after a flip only
        the new leg is margined.
        """
        if fill.symbol != self.symbol:
            raise InvalidInput("fill.symbol", f"{fill.symbol} does not match {self.symbol}")
        delta = fill.signed_quantity
        if self.quantity == ZERO or sign(delta) == self.side:
            self._increase(delta, fill.price)
            realized = ZERO
            self._allocate(-fill.fee)
        else:
            realized = self._reduce(delta, fill.price, fill.fee)
        self.realized_pnl += realized
        self.fees += fill.fee
        self.updated_at = fill.ts
        return realized

    def _allocate(self, amount: Decimal) -> None:
        if self.margin_mode is MarginMode.ISOLATED:
            self.isolated_margin += amount

    def _increase(self, delta: Decimal, price: Decimal) -> None:
        size = abs(self.quantity)
        added = abs(delta)
        self.entry_price = (size * self.entry_price + added * price) / (size + added)
        self.quantity += delta
        self._allocate(added * price / self.leverage)

    def _reduce(self, delta: Decimal, price: Decimal, fee: Decimal) -> Decimal:
        size = abs(self.quantity)
        closing = min(abs(delta), size)
        realized = closing * (price - self.entry_price) * self.side
        left_over = abs(delta) - closing
        self.quantity += sign(delta) * closing
        if self.quantity != ZERO:
            self._allocate(realized - fee - self.isolated_margin * closing / size)
            return realized
        # Flat: the isolated margin, PnL and fee all settle in the wallet.
        self.entry_price = ZERO
        self.isolated_margin = ZERO
        if left_over > ZERO:
            self._increase(sign(delta) * left_over, price)
            self._allocate(-fee)
        return realized

    def apply_funding(self, rate: Decimal, mark: Decimal, at: int) -> Decimal:
        """Settle one funding interval; return the cash received (negative = paid).

        Longs pay shorts when the rate is positive: amount = −quantity × mark × rate.
        """
        return self.record_funding(-self.quantity * mark * rate, at)

    def record_funding(self, amount: Decimal, at: int) -> Decimal:
        """Book a funding amount the venue settled (> 0 received); return it."""
        self.funding += amount
        if self.margin_mode is MarginMode.ISOLATED:
            self.isolated_margin += amount
        self.updated_at = at
        return amount


def liquidation_price(
    position: Position,
    instrument: Instrument,
    wallet_balance: Decimal,
    other_maintenance: Decimal = ZERO,
    other_unrealized: Decimal = ZERO,
) -> Decimal | None:
    """Return the mark price at which Binance would liquidate `position`, or None.

    Binance's one-way USDⓈ-M formula:
        LP = (WB − TMM1 + UPNL1 + cumB − Side × Pos × EP) / (Pos × MMR − Side × Pos)
    WB is the wallet balance (cross) or the isolated margin (isolated); TMM1 and
    UPNL1 are the maintenance margin and unrealised PnL of the account's other
    positions (cross only). The bracket (MMR, cumB) is the one that holds the
    position's notional at the liquidation price itself, so every tier is tried
    and the self-consistent one kept. None means the position cannot be liquidated
    (the price would have to fall to zero or below).
    """
    if position.is_flat:
        return None
    isolated = position.margin_mode is MarginMode.ISOLATED
    wallet = position.isolated_margin if isolated else wallet_balance
    tmm = ZERO if isolated else other_maintenance
    upnl = ZERO if isolated else other_unrealized
    size = abs(position.quantity)
    candidates = [
        _formula(wallet, tmm, upnl, bracket, position.side, size, position.entry_price)
        for bracket in instrument.brackets
    ]
    for bracket, price in zip(instrument.brackets, candidates, strict=True):
        if price is not None and instrument.bracket_for(size * price) is bracket:
            return price if price > ZERO else None
    fallback = candidates[0]
    return fallback if fallback is not None and fallback > ZERO else None


def _formula(
    wallet: Decimal,
    tmm: Decimal,
    upnl: Decimal,
    bracket: MarginBracket,
    side: int,
    size: Decimal,
    entry: Decimal,
) -> Decimal | None:
    numerator = wallet - tmm + upnl + bracket.maintenance_amount - side * size * entry
    denominator = size * bracket.maintenance_margin_rate - side * size
    if denominator == ZERO:
        return None
    return numerator / denominator
