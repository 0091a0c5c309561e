"""Executions reported by a venue."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.errors import InvalidInput
from domain.numbers import ZERO
from domain.order import Side


class Liquidity(StrEnum):
    MAKER = "MAKER"
    TAKER = "TAKER"


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution of (part of) an order; `fee` is in the quote asset, positive = paid."""

    fill_id: str
    order_id: str
    client_order_id: str
    symbol: str
    side: Side
    quantity: Decimal
    price: Decimal
    fee: Decimal
    liquidity: Liquidity
    ts: int
    fee_asset: str = "USDT"

    def __post_init__(self) -> None:
        if self.quantity <= ZERO:
            raise InvalidInput("fill.quantity", "must be > 0")
        if self.price <= ZERO:
            raise InvalidInput("fill.price", "must be > 0")

    @property
    def notional(self) -> Decimal:
        return self.quantity * self.price

    @property
    def signed_quantity(self) -> Decimal:
        return self.quantity * self.side.sign
