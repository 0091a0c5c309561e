"""Parity: a backtest and the paper service, fed the same candles, place the same orders.

The paper side is composed as the service composes it (entrypoints/scheduler.py): the
candle paper feed prices the `SimulatedExchange` and hands bars to the market-data
pipeline, whose closed bars reach the strategy engine; venue events reach the ledger
through the exchange's subscription and marks through its price feed, on a wall clock.
"""

from __future__ import annotations

from decimal import Decimal

from adapters.backtest.kernel import run_backtest, synthetic_source, venue_config
from adapters.market_data.paper_feed import CandlePrices, PaperCandleFeed
from adapters.memory.candles import InMemoryCandleStore
from adapters.memory.clock import UuidIds, WallClock
from adapters.memory.event_bus import InMemoryEventBus
from adapters.memory.prices import InMemoryPriceCache
from adapters.memory.risk import InMemoryRiskStore
from adapters.memory.storage import InMemoryStore
from adapters.simulated.exchange import SimulatedExchange
from adapters.simulated.instruments import default_instruments
from adapters.simulated.matching import SimulatedVenue
from application.backtest.spec import BacktestSpec
from application.instruments import InstrumentCatalog
from application.ledger import Ledger, PositionDefaults
from application.market_data import MarketDataPipeline
from application.ports.market_data import PriceUpdate
from application.ports.venue import VenueEvent
from application.risk.engine import standard_chain
from application.risk.state import RiskState
from application.strategy_config import parse_engine_config
from application.strategy_engine import StrategyEngine
from application.use_cases.place_order import PlaceOrder
from application.use_cases.queries import ListOrders, Valuation
from domain.order import Order
from tests.unit.application.backtest.conftest import small_spec

Row = tuple[str, str, Decimal, str, Decimal | None, str | None]


async def _paper_orders(spec: BacktestSpec) -> list[Row]:
    instruments = [i for i in default_instruments() if i.symbol in spec.symbols]
    clock, store, prices = WallClock(), InMemoryStore(), InMemoryPriceCache()
    catalog = InstrumentCatalog(instruments)
    candle_prices = CandlePrices(spec.symbols, instruments)
    venue = SimulatedVenue(instruments, spec.balance, venue_config(spec))
    exchange = SimulatedExchange(venue, candle_prices, clock)
    defaults = PositionDefaults(leverage=spec.leverage)
    ledger = Ledger(store.unit_of_work, InMemoryEventBus(), defaults)
    risk = standard_chain(
        RiskState(InMemoryRiskStore(), spec.risk_limits()), store.unit_of_work, prices, clock
    )
    place = PlaceOrder(catalog, prices, risk, exchange, ledger, clock, UuidIds())
    engine = StrategyEngine(
        parse_engine_config(spec.engine_document()),
        place,
        Valuation(store.unit_of_work, prices, catalog, defaults),
        prices,
        catalog,
        store.unit_of_work,
    )

    async def on_price(update: PriceUpdate) -> None:
        prices.set_mark(update)

    async def on_event(event: VenueEvent) -> None:
        await ledger.apply([event])

    exchange.subscribe_prices(on_price)
    exchange.subscribe(on_event)
    await ledger.open_account(spec.balance, clock.now_ms())
    feed = PaperCandleFeed(synthetic_source(spec), candle_prices, exchange, interval_ms=1)
    pipeline = MarketDataPipeline(InMemoryCandleStore(), feed)
    pipeline.subscribe(engine.on_candle)
    pipeline.attach()
    while await feed.step():
        pass
    orders = await ListOrders(store.unit_of_work).execute(limit=10_000)
    return sorted(_row(o) for o in orders)


def _row(o: Order) -> Row:
    return (
        o.client_order_id,
        o.side.value,
        o.quantity,
        o.status.value,
        o.average_price,
        o.reject_reason,
    )


async def test_backtest_and_paper_place_the_same_orders() -> None:
    spec = small_spec(days=2, symbols=["BTCUSDT", "ETHUSDT"])
    backtest = sorted(_row(o) for o in (await run_backtest(spec)).orders)
    paper = await _paper_orders(spec)
    assert len(backtest) > 5
    assert backtest == paper


async def test_parity_holds_with_live_rejects() -> None:
    spec = small_spec(days=1, risk={"max_order_notional": 20_000})
    backtest = sorted(_row(o) for o in (await run_backtest(spec)).orders)
    assert any(row[3] == "REJECTED" for row in backtest)
    assert backtest == await _paper_orders(spec)
