"""Builders shared by the simulated-venue tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from adapters.simulated.config import VenueConfig
from adapters.simulated.instruments import default_instruments
from adapters.simulated.matching import SimulatedVenue
from application.ports.venue import ExecutionReport, ReportKind, VenueEvent
from domain.account import AccountSummary
from domain.order import Order, OrderType, Side, TimeInForce
from domain.position import Position

BTC = "BTCUSDT"
ETH = "ETHUSDT"
HOUR = 3_600_000
# 2024-01-01 01:00:00 UTC: an hour after a funding boundary, seven before the next.
T0 = 1_704_070_800_000
D = Decimal
BUY, SELL = Side.BUY, Side.SELL
MARKET, LIMIT = OrderType.MARKET, OrderType.LIMIT
STOP, TAKE_PROFIT = OrderType.STOP_MARKET, OrderType.TAKE_PROFIT_MARKET


def order(
    client_id: str,
    side: Side,
    type_: OrderType = OrderType.MARKET,
    quantity: str = "0.01",
    price: str | None = None,
    stop: str | None = None,
    tif: TimeInForce = TimeInForce.GTC,
    reduce_only: bool = False,
    symbol: str = BTC,
) -> Order:
    return Order(
        order_id=f"oid-{client_id}",
        client_order_id=client_id,
        symbol=symbol,
        side=side,
        type=type_,
        quantity=D(quantity),
        price=None if price is None else D(price),
        stop_price=None if stop is None else D(stop),
        time_in_force=tif,
        reduce_only=reduce_only,
        created_at=T0,
        updated_at=T0,
    )


def make_venue(
    wallet: str = "10000",
    price: str | None = "50000.0",
    spread_ticks: str = "0",
    **config: Any,
) -> SimulatedVenue:
    """A venue with zero spread (so fills land on round numbers) and a BTC price at T0."""
    venue = SimulatedVenue(
        default_instruments(),
        D(wallet),
        VenueConfig(spread_ticks=D(spread_ticks), **config),
    )
    if price is not None:
        venue.on_price(BTC, D(price), T0)
    return venue


def kinds(events: list[ExecutionReport] | list[VenueEvent]) -> list[str]:
    return [e.kind.value if isinstance(e, ExecutionReport) else "FUNDING" for e in events]


def fills(events: list[ExecutionReport] | list[VenueEvent]) -> list[ExecutionReport]:
    return [e for e in events if isinstance(e, ExecutionReport) and e.kind is ReportKind.FILL]


@dataclass(frozen=True)
class Snapshot:
    wallet: Decimal
    positions: dict[str, Position]
    open_orders: list[Order]
    summary: AccountSummary


def snapshot(venue: SimulatedVenue) -> Snapshot:
    return Snapshot(venue.wallet, venue.positions(), venue.open_orders(), venue.summary())
