"""Orders the venue makes on its own (liquidation) move our books as they moved the venue's."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from adapters.simulated.config import VenueConfig
from adapters.simulated.matching import SimulatedVenue
from application.ports.venue import ExecutionReport
from domain.order import OrderRequest, OrderStatus, OrderType, Side, new_order
from tests.unit.application.fakes import BTC, accepted, filled, make_app

D = Decimal


async def test_a_liquidation_fill_closes_our_position_and_is_recorded() -> None:
    app = make_app()
    await app.ledger.open_account(D(1_000), at=0)
    venue = SimulatedVenue([BTC], D(1_000), VenueConfig(leverage=50, spread_ticks=D(0)))
    venue.on_price("BTCUSDT", D(50_000), 1)
    request = OrderRequest("BTCUSDT", Side.BUY, OrderType.MARKET, D("0.5"))
    order = await app.ledger.record_new(new_order(request, "o-1", "c-1", at=2))
    await app.ledger.apply(venue.submit(order, 2))
    assert (await app.position()).quantity == D("0.5")  # type: ignore[union-attr]

    crash = venue.on_price("BTCUSDT", D(47_000), 3)  # far below a 50x long's liquidation
    await app.ledger.apply(crash)

    position = await app.position()
    assert position is not None
    assert position.quantity == 0
    assert venue.position("BTCUSDT").quantity == 0
    assert await app.wallet() == venue.wallet  # our books agree with the venue's
    liquidations = [o for o in await app.orders() if o.client_order_id.startswith("liq-")]
    assert [(o.status, o.reduce_only, o.side) for o in liquidations] == [
        (OrderStatus.FILLED, True, Side.SELL)
    ]


async def test_a_stranger_fill_without_a_venue_reason_is_still_ignored() -> None:
    app = make_app()
    await app.ledger.open_account(D(1_000), at=0)
    request = OrderRequest("BTCUSDT", Side.BUY, OrderType.MARKET, D("0.01"))
    stranger = new_order(request, "o-9", "c-9", at=1)

    report = filled(stranger, "50000")
    await app.ledger.apply([accepted(stranger), report])
    await app.ledger.apply([dataclasses.replace(report, reason="manual")])

    assert await app.orders() == []
    assert await app.position() is None
    assert isinstance(report, ExecutionReport)
