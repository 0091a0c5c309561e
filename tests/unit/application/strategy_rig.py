"""A paper stack in memory: SimulatedExchange, ledger, PlaceOrder and the strategy engine."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from adapters.market_data.paper_feed import CandlePrices
from adapters.memory.candles import InMemoryCandleStore, InMemoryStrategyStateStore
from adapters.memory.clock import ManualClock, SequentialIds
from adapters.memory.event_bus import InMemoryEventBus
from adapters.memory.prices import InMemoryPriceCache
from adapters.memory.storage import InMemoryStore
from adapters.simulated.exchange import SimulatedExchange
from adapters.simulated.instruments import default_instruments
from adapters.simulated.matching import SimulatedVenue
from application.instruments import InstrumentCatalog
from application.ledger import Ledger, PositionDefaults
from application.ports.market_data import PriceUpdate
from application.ports.venue import VenueEvent
from application.risk import RiskChain
from application.strategy_config import parse_engine_config
from application.strategy_engine import StrategyEngine
from application.use_cases.place_order import PlaceOrder
from application.use_cases.queries import ListOrders, Valuation
from domain.market.candles import Candle
from domain.order import Order
from domain.position import Position

FAST_REGIME = {"timeframe": "1m", "adx_period": 3, "vol_period": 3, "vol_rank_period": 10}
# Trend gets the whole book in every regime, so it trades as soon as the detector is warm.
TREND_EVERYWHERE = {r: {"trend": 1.0} for r in ("TRENDING", "RANGING", "HIGH_VOLATILITY")}


def fast_trend_config(enabled: bool = True, **extra: Any) -> dict[str, Any]:
    return {
        "strategies": {
            "trend": {
                "symbols": ["BTCUSDT", "ETHUSDT"],
                "capital": 0.5,
                "enabled": enabled,
                "params": {"timeframe": "1m", "fast": 2, "slow": 4, "atr_period": 2},
            }
        },
        "regime": FAST_REGIME,
        "weights": TREND_EVERYWHERE,
        "warmup_bars": 50,
        **extra,
    }


class Rig:
    def __init__(self, config: Mapping[str, Any], balance: str = "10000") -> None:
        instruments = default_instruments()
        self.clock = ManualClock(1_700_000_000_000)
        self.store = InMemoryStore()
        self.candles = InMemoryCandleStore()
        self.states = InMemoryStrategyStateStore()
        self.prices = InMemoryPriceCache()
        self.catalog = InstrumentCatalog(instruments)
        self.candle_prices = CandlePrices(["BTCUSDT", "ETHUSDT"], instruments)
        venue = SimulatedVenue(instruments, Decimal(balance))
        self.exchange = SimulatedExchange(venue, self.candle_prices, self.clock)
        defaults = PositionDefaults()
        self.ledger = Ledger(self.store.unit_of_work, InMemoryEventBus(), defaults)
        self.place_order = PlaceOrder(
            self.catalog,
            self.prices,
            RiskChain(),
            self.exchange,
            self.ledger,
            self.clock,
            SequentialIds("o"),
        )
        self.valuation = Valuation(self.store.unit_of_work, self.prices, self.catalog, defaults)
        self.exchange.subscribe_prices(self._on_price)
        self.exchange.subscribe(self._on_event)
        self.balance = Decimal(balance)
        self.engine = self.build_engine(config)

    def build_engine(self, config: Mapping[str, Any]) -> StrategyEngine:
        return StrategyEngine(
            parse_engine_config(config),
            self.place_order,
            self.valuation,
            self.prices,
            self.catalog,
            self.store.unit_of_work,
            self.states,
        )

    async def open(self) -> None:
        await self.ledger.open_account(self.balance, self.clock.now_ms())

    async def _on_price(self, update: PriceUpdate) -> None:
        self.prices.set_mark(update)

    async def _on_event(self, event: VenueEvent) -> None:
        await self.ledger.apply([event])

    async def feed(self, bars: Iterable[Candle]) -> None:
        """Price the venue at each bar's close, then give the bar to the engine."""
        for open_time, group in itertools.groupby(bars, key=lambda bar: bar.open_time):
            minute = list(group)
            for bar in minute:
                self.candle_prices.set(bar)
            self.clock.set(open_time + 60_000)
            await self.exchange.tick(open_time + 60_000)
            for bar in minute:
                await self.engine.on_candle(bar)

    async def orders(self) -> list[Order]:
        return await ListOrders(self.store.unit_of_work).execute(limit=10_000)

    async def positions(self) -> dict[str, Position]:
        async with self.store.unit_of_work() as uow:
            return {p.symbol: p for p in await uow.positions.list() if not p.is_flat}
