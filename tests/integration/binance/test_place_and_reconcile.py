"""PlaceOrder, the ledger and Reconcile over the real adapter and the fake Binance.

A placement whose answer is lost and whose outcome cannot even be asked stays
NEW locally; reconciliation then finds it at the exchange by client order id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal

import pytest

from adapters.binance.execution import CcxtBinanceExchange
from adapters.fake_binance.server import FakeBinance
from adapters.memory.clock import SequentialIds, WallClock
from adapters.memory.event_bus import InMemoryEventBus
from adapters.memory.prices import InMemoryPriceCache
from adapters.memory.reconciliation import InMemoryDiscrepancyLog, LoggingDiscrepancyPublisher
from adapters.memory.storage import InMemoryStore
from application.instruments import InstrumentCatalog
from application.ledger import Ledger, PositionDefaults
from application.ports.market_data import PriceUpdate
from application.ports.reconciliation import DiscrepancyKind
from application.ports.venue import ExchangeError
from application.reconciliation import Reconcile
from application.risk import RiskChain
from application.use_cases.place_order import PlaceOrder
from domain.order import Order, OrderRequest, OrderStatus, OrderType, Side
from tests.integration.binance.conftest import config_for


@dataclass
class Trader:
    store: InMemoryStore
    ledger: Ledger
    place: PlaceOrder
    reconcile: Reconcile
    log: InMemoryDiscrepancyLog

    async def order(self, client_order_id: str) -> Order:
        async with self.store.unit_of_work() as uow:
            order = await uow.orders.get_by_client_id(client_order_id)
        assert order is not None
        return order


@pytest.fixture
async def trader(fake: FakeBinance) -> AsyncIterator[Trader]:
    exchange = CcxtBinanceExchange(config_for(fake, max_retries=2))
    store = InMemoryStore()
    bus = InMemoryEventBus()
    ledger = Ledger(store.unit_of_work, bus, PositionDefaults())
    prices = InMemoryPriceCache()
    catalog = InstrumentCatalog(await exchange.load_instruments())
    for update in await exchange.fetch_marks(["BTCUSDT"]):
        prices.set_mark(PriceUpdate(update.symbol, update.price, update.ts))
    await ledger.open_account(await exchange.fetch_wallet_balance(), 0)
    clock = WallClock()
    place = PlaceOrder(catalog, prices, RiskChain(), exchange, ledger, clock, SequentialIds())
    log = InMemoryDiscrepancyLog()
    reconcile = Reconcile(
        exchange, ledger, store.unit_of_work, log, LoggingDiscrepancyPublisher(), bus, clock
    )
    yield Trader(store, ledger, place, reconcile, log)
    await exchange.close()


def market(client_order_id: str) -> OrderRequest:
    return OrderRequest(
        "BTCUSDT", Side.BUY, OrderType.MARKET, Decimal("0.01"), client_order_id=client_order_id
    )


async def test_a_lost_answer_is_recovered_inside_place_order(
    fake: FakeBinance, trader: Trader
) -> None:
    fake.inject(lose_order_responses=1)
    order, duplicate = await trader.place.execute(market("lost-a"))
    assert not duplicate
    assert order.status is OrderStatus.FILLED
    assert fake.orders_placed() == 1


async def test_an_unknowable_outcome_stays_new_until_reconciliation(
    fake: FakeBinance, trader: Trader
) -> None:
    # The answer is lost, and the exchange cannot be asked either (every query fails).
    fake.inject(lose_order_responses=1, outage_after_lost_response=3)
    with pytest.raises(ExchangeError, match="reconciliation will settle it"):
        await trader.place.execute(market("lost-b"))
    assert (await trader.order("lost-b")).status is OrderStatus.NEW
    assert fake.orders_placed() == 1

    found = await trader.reconcile.execute()
    assert DiscrepancyKind.ORDER_FILLS in [d.kind for d in found]
    settled = await trader.order("lost-b")
    assert settled.status is OrderStatus.FILLED
    assert settled.filled_quantity == Decimal("0.01")
    assert fake.orders_placed() == 1  # reconciliation never places anything
    assert await trader.reconcile.execute() == []


async def test_a_new_order_that_never_reached_binance_is_rejected(
    fake: FakeBinance, trader: Trader
) -> None:
    from domain.order import new_order

    stranded = new_order(market("never-sent"), "oid-x", "never-sent", WallClock().now_ms())
    await trader.ledger.record_new(stranded)
    assert await trader.reconcile.execute() == []  # young: PlaceOrder may still be sending it
    found = await trader.reconcile.execute(settle_now=True)
    assert [d.kind for d in found] == [DiscrepancyKind.ORDER_UNKNOWN_TO_EXCHANGE]
    assert (await trader.order("never-sent")).status is OrderStatus.REJECTED
