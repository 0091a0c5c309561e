"""Memory benchmark: the paper service's components, all four strategies, 10 symbols, a week.

Builds the real service (`Service` without gRPC: SQLite, ledger, risk chain, simulated
venue, market-data pipeline, strategy engine, scheduler jobs) on a temporary data
directory with `paper.feed = synthetic`, then drives the candle feed itself as fast as
possible: one step = one minute of 1m candles for every symbol (with 5m/15m/1h/4h derived
from them). Samples RSS (/proc/self/statm) every simulated hour and reports the peak
(ru_maxrss), the RSS after each day, and orders, fills and wall time.

    .venv/bin/python bench/strategies_memory.py [--days 7] [--symbols 10] [--lazy-scipy]

`--lazy-scipy` loads scipy.stats lazily (importlib.util.LazyLoader) to show how much of
the baseline is that one module-level import (domain/risk/var.py); nothing in this run
calls it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import tempfile
import time
import tracemalloc
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from dependency_injector import providers

# The service's modules are imported in run(), after --lazy-scipy has had its effect.

EXTRA = ("ADA", "DOGE", "LTC", "LINK", "AVAX", "DOT", "TRX", "BCH")
PAGE = os.sysconf("SC_PAGE_SIZE")

CONFIG = """
strategies:
  trend: {{symbols: [{all}], enabled: true, capital: 0.5, params: {{timeframe: 15m}}}}
  mean_reversion: {{symbols: [{all}], enabled: true, capital: 0.5, params: {{timeframe: 15m}}}}
  breakout: {{symbols: [{all}], enabled: true, capital: 0.5, params: {{timeframe: 15m}}}}
  pairs: {{symbols: [ETHUSDT, BTCUSDT], enabled: true, params: {{timeframe: 15m}}}}
regime: {{timeframe: 15m}}
max_leverage: 1.0
"""


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def instruments(count: int) -> tuple:  # type: ignore[type-arg]
    from adapters.simulated.instruments import default_instruments

    base = list(default_instruments())
    template = base[-1]  # XRP-like filters
    for name in EXTRA:
        if len(base) >= count:
            break
        base.append(replace(template, symbol=f"{name}USDT", base=name))
    return tuple(base[:count])


class Core:
    """Only this issue's stack: SQLite storage, ledger, simulated venue, PlaceOrder (empty
    risk chain), pipeline, engine and the scheduler's jobs; no runtime, container or
    other components."""

    async def start(self, tmp: Path, listed: tuple, strategies: Path) -> None:  # type: ignore[type-arg]
        import yaml

        from adapters.market_data.paper_feed import CandlePrices, PaperCandleFeed, synthetic_minutes
        from adapters.memory.clock import UuidIds, WallClock
        from adapters.memory.event_bus import InMemoryEventBus
        from adapters.memory.prices import InMemoryPriceCache
        from adapters.simulated.exchange import SimulatedExchange
        from adapters.simulated.matching import SimulatedVenue
        from adapters.simulated.replay import DEFAULT_START_PRICES
        from adapters.sql.candles import SqlaCandleStore, SqlaSnapshotStore, SqlaStrategyStateStore
        from adapters.sql.engine import create_engine, migrate
        from adapters.sql.unit_of_work import SqlaUnitOfWorkFactory
        from application.instruments import InstrumentCatalog
        from application.ledger import Ledger, PositionDefaults
        from application.market_data import MarketDataPipeline
        from application.risk.chain import RiskChain
        from application.strategy_config import parse_engine_config
        from application.strategy_engine import StrategyEngine
        from application.use_cases.place_order import PlaceOrder
        from application.use_cases.queries import Valuation
        from entrypoints.scheduler import Scheduler, snapshot_job

        symbols = [i.symbol for i in listed]
        self.db = create_engine(f"sqlite+aiosqlite:///{tmp / 'core.db'}")
        await migrate(self.db)
        uow = self.uow = SqlaUnitOfWorkFactory(self.db)
        clock, cache, catalog = WallClock(), InMemoryPriceCache(), InstrumentCatalog(listed)
        candle_prices = CandlePrices(symbols, listed)
        venue = SimulatedVenue(listed, Decimal(10_000))
        exchange = SimulatedExchange(venue, candle_prices, clock)
        defaults = PositionDefaults()
        ledger = Ledger(uow, InMemoryEventBus(), defaults)
        await ledger.open_account(Decimal(10_000), clock.now_ms())

        async def on_price(update: object) -> None:
            cache.set_mark(update)  # type: ignore[arg-type]

        async def on_event(event: object) -> None:
            await ledger.apply([event])  # type: ignore[list-item]

        exchange.subscribe_prices(on_price)
        exchange.subscribe(on_event)
        place = PlaceOrder(catalog, cache, RiskChain(), exchange, ledger, clock, UuidIds())
        valuation = Valuation(uow, cache, catalog, defaults)
        config = parse_engine_config(yaml.safe_load(strategies.read_text()))  # noqa: ASYNC240
        self.engine = StrategyEngine(
            config, place, valuation, cache, catalog, uow, SqlaStrategyStateStore(self.db)
        )
        store = SqlaCandleStore(self.db)
        now = clock.now_ms()
        base = {s: float(DEFAULT_START_PRICES.get(s, 1)) for s in symbols}
        minutes = synthetic_minutes(symbols, now - now % 60_000, 10**8, 7, base)
        self.feed = PaperCandleFeed(minutes, candle_prices, exchange, history=store)
        self.pipeline = MarketDataPipeline(store, self.feed)
        scheduler = Scheduler()
        scheduler.every("snapshot", 60, snapshot_job(valuation, SqlaSnapshotStore(self.db)))
        scheduler.every("store-candles", 15, lambda _ts: self.pipeline.flush())
        self.pipeline.subscribe(self.engine.on_candle)
        self.pipeline.subscribe(scheduler.on_candle)
        self.pipeline.attach()

    async def stop(self) -> None:
        from adapters.sql.engine import dispose

        await dispose(self.db)


async def run(days: int, count: int, trace: bool = False, core: bool = False) -> None:
    from adapters.simulated.replay import DEFAULT_START_PRICES, DeterministicPriceReplay
    from domain.order import OPEN_STATUSES

    listed = instruments(count)
    symbols = [i.symbol for i in listed]
    prices = {s: DEFAULT_START_PRICES.get(s, Decimal(1)) for s in symbols}
    with tempfile.TemporaryDirectory() as tmp:
        strategies = Path(tmp) / "strategies.yaml"
        strategies.write_text(CONFIG.format(all=", ".join(symbols)))
        if core:
            stack = Core()
            await stack.start(Path(tmp), listed, strategies)
            feed, engine, pipeline = stack.feed, stack.engine, stack.pipeline
            uow_factory = stack.uow
        else:
            from entrypoints.runtime import Service
            from entrypoints.scheduler import StrategiesComponent
            from entrypoints.settings import load_settings

            settings = load_settings(
                None,
                data_dir=Path(tmp) / "data",
                strategies_file=strategies,
                log_level="warning",
                paper={
                    "symbols": symbols,
                    "feed": "synthetic",
                    "tick_interval_ms": 10**9,  # the background task steps once; we drive it
                    "snapshot_minutes": 60,
                },
            )
            service = Service(settings, serve_grpc=False)
            c = service.container
            c.venue_instruments.override(providers.Object(listed))
            c.replay.override(
                providers.Singleton(
                    DeterministicPriceReplay, symbols, settings.paper.seed, prices, listed
                )
            )
            await service.start()
            component = next(x for x in service.components if isinstance(x, StrategiesComponent))
            feed, engine, pipeline = component.feed, component.engine, component.pipeline
            uow_factory = c.uow()
        assert feed is not None
        assert engine is not None
        assert pipeline is not None
        minutes = days * 1440
        samples: list[tuple[int, float]] = [(0, rss_mb())]
        started = time.perf_counter()
        baseline = None
        for minute in range(1, minutes + 1):
            await feed.step()  # type: ignore[union-attr]
            if minute % 60 == 0:
                samples.append((minute, rss_mb()))
            if trace and minute == 1440:
                tracemalloc.start(8)
            if trace and minute == 2 * 1440:
                baseline = tracemalloc.take_snapshot()
        if baseline is not None:
            growth = tracemalloc.take_snapshot().compare_to(baseline, "traceback")
            print("top allocation growth after day 2 (tracemalloc):")
            for stat in growth[:8]:
                print(f"  {stat.size_diff / 1024:+.0f} KiB in {stat.count_diff:+d} blocks")
                for line in stat.traceback.format()[-6:]:
                    print("     ", line)
        wall = time.perf_counter() - started
        run_peak = peak_mb()  # before the read-back and shutdown below, which are not the run
        await pipeline.flush()
        async with uow_factory() as uow:
            orders = await uow.orders.list((), None, 10**6)
            fills = await uow.fills.list(None, 10**6)
            open_orders = await uow.orders.list(OPEN_STATUSES, None, 10**6)
        await (stack.stop() if core else service.stop())
    daily = [rss for minute, rss in samples if minute % 1440 == 0]
    what = "core stack only" if core else "full paper service"
    print(f"{what}: symbols={count} strategies=4 simulated_days={days} minutes={minutes}")
    print(f"candles in (1m)={minutes * count}  closed bars out (all tf)={pipeline.stats.stored}")
    print(f"engine: {engine.stats}")
    print(f"orders={len(orders)} fills={len(fills)} open={len(open_orders)}")
    print(f"wall={wall:.1f}s  ({minutes * count / wall:,.0f} candles/s)")
    print(f"RSS MB after each day: {' '.join(f'{r:.1f}' for r in daily)}")
    first_day = [r for m, r in samples if 0 < m <= 1440]
    print(
        f"RSS MB: start={samples[0][1]:.1f} max_after_day1={max(first_day):.1f} "
        f"end={samples[-1][1]:.1f} peak during the run(ru_maxrss)={run_peak:.1f} "
        f"peak incl. read-back and shutdown={peak_mb():.1f}"
    )
    growth = samples[-1][1] - samples[len(first_day)][1]
    print(f"growth from end of day 1 to end: {growth:+.1f} MB  (target: peak < 150 MB, flat)")


def lazy_import(name: str) -> None:
    """Register `name` so that it executes on first attribute access, not on import."""
    import importlib.util
    import sys

    spec = importlib.util.find_spec(name)
    assert spec is not None
    assert spec.loader is not None
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--symbols", type=int, default=10)
    parser.add_argument("--trace", action="store_true", help="Print tracemalloc growth.")
    parser.add_argument("--lazy-scipy", action="store_true", help="Defer scipy.stats.")
    parser.add_argument("--core", action="store_true", help="Only this issue's stack.")
    args = parser.parse_args()
    if args.lazy_scipy:
        lazy_import("scipy.stats")
    asyncio.run(run(args.days, args.symbols, args.trace, args.core))


if __name__ == "__main__":
    main()
