"""Round trips from fills: the ClosedTrades the performance metrics count."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.fill import Fill
from domain.numbers import ZERO
from domain.performance import ClosedTrade

Funding = Mapping[str, Sequence[tuple[int, Decimal]]]


@dataclass(slots=True)
class _Open:
    quantity: Decimal  # signed
    entry_price: Decimal
    entry_ts: int
    fees: Decimal
    size: Decimal  # the largest |quantity| held: the trade's reported size
    pnl: Decimal = ZERO
    closed: Decimal = ZERO
    exit_value: Decimal = ZERO  # Σ closed quantity × exit price, for the average exit

    @property
    def long(self) -> bool:
        return self.quantity > 0 or (self.quantity == ZERO and self.pnl_direction > 0)

    pnl_direction: int = 0


def round_trips(fills: Iterable[Fill], funding: Funding | None = None) -> list[ClosedTrade]:
    """Pair fills into trades that each run from flat to flat; a reversal closes one, opens one.

    The entry price is the quantity-weighted average of the fills that grew the position,
    the exit price that of the fills that shrank it; `pnl` is the realised price profit;
    `fees` are the commissions of its fills (a reversing fill's fee split pro rata) plus
    the funding paid while it was open (`funding`: symbol → (ts, amount received)).
    """
    book: dict[str, _Open] = {}
    closed: list[ClosedTrade] = []
    for fill in fills:
        signed = fill.quantity * fill.side.sign
        state = book.get(fill.symbol)
        if state is None:
            book[fill.symbol] = _Open(signed, fill.price, fill.ts, fill.fee, fill.quantity)
            continue
        if (state.quantity > 0) == (signed > 0):
            total = state.quantity + signed
            state.entry_price = (state.entry_price * state.quantity + fill.price * signed) / total
            state.quantity, state.fees = total, state.fees + fill.fee
            state.size = max(state.size, abs(total))
            continue
        closing = min(fill.quantity, abs(state.quantity))
        share = fill.fee * closing / fill.quantity
        direction = 1 if state.quantity > 0 else -1
        state.pnl += (fill.price - state.entry_price) * closing * direction
        state.exit_value += fill.price * closing
        state.closed += closing
        state.pnl_direction = direction
        state.fees += share
        state.quantity -= closing * direction
        if state.quantity != ZERO:
            continue
        del book[fill.symbol]
        closed.append(_trade(fill.symbol, state, fill.ts, funding or {}))
        rest = fill.quantity - closing
        if rest > ZERO:
            book[fill.symbol] = _Open(
                rest * fill.side.sign, fill.price, fill.ts, fill.fee - share, rest
            )
    return closed


def _trade(symbol: str, state: _Open, exit_ts: int, funding: Funding) -> ClosedTrade:
    received = sum(
        (amount for ts, amount in funding.get(symbol, ()) if state.entry_ts <= ts <= exit_ts), ZERO
    )
    return ClosedTrade(
        symbol=symbol,
        side="long" if state.long else "short",
        entry_ts=state.entry_ts,
        exit_ts=exit_ts,
        qty=float(state.size),
        entry_price=float(state.entry_price),
        exit_price=float(state.exit_value / state.closed),
        pnl=float(state.pnl),
        fees=float(state.fees - received),
    )
