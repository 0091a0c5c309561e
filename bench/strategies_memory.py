"""Memory benchmark: the paper service's components, all four strategies, 10 symbols, a week.

Builds the real service (`Service` without gRPC: SQLite, ledger, risk chain, simulated
venue, market-data pipeline, strategy engine, scheduler jobs) on a temporary data
directory with `paper.feed = synthetic`, then drives the candle feed itself as fast as
possible: one step = one minute of 1m candles for every symbol (with 5m/15m/1h/4h derived
from them). Samples RSS (/proc/self/statm) every simulated hour and reports the peak
(ru_maxrss), the RSS after each day, and orders, fills and wall time.

    .venv/bin/python bench/strategies_memory.py [--days 7] [--symbols 10]
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

from adapters.simulated.instruments import default_instruments
from adapters.simulated.replay import DEFAULT_START_PRICES, DeterministicPriceReplay
from application.use_cases.queries import OPEN_STATUSES
from entrypoints.runtime import Service
from entrypoints.scheduler import StrategiesComponent
from entrypoints.settings import load_settings

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
    base = list(default_instruments())
    template = base[-1]  # XRP-like filters
    for name in EXTRA:
        if len(base) >= count:
            break
        base.append(replace(template, symbol=f"{name}USDT", base=name))
    return tuple(base[:count])


async def run(days: int, count: int, trace: bool = False) -> None:
    listed = instruments(count)
    symbols = [i.symbol for i in listed]
    prices = {s: DEFAULT_START_PRICES.get(s, Decimal(1)) for s in symbols}
    with tempfile.TemporaryDirectory() as tmp:
        strategies = Path(tmp) / "strategies.yaml"
        strategies.write_text(CONFIG.format(all=", ".join(symbols)))
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
        await pipeline.flush()
        async with c.uow()() as uow:
            orders = await uow.orders.list((), None, 10**6)
            fills = await uow.fills.list(None, 10**6)
            open_orders = await uow.orders.list(OPEN_STATUSES, None, 10**6)
        await service.stop()
    daily = [rss for minute, rss in samples if minute % 1440 == 0]
    print(f"symbols={count} strategies=4 simulated_days={days} minutes={minutes}")
    print(f"candles in (1m)={minutes * count}  closed bars out (all tf)={pipeline.stats.stored}")
    print(f"engine: {engine.stats}")
    print(f"orders={len(orders)} fills={len(fills)} open={len(open_orders)}")
    print(f"wall={wall:.1f}s  ({minutes * count / wall:,.0f} candles/s)")
    print(f"RSS MB after each day: {' '.join(f'{r:.1f}' for r in daily)}")
    first_day = [r for m, r in samples if 0 < m <= 1440]
    print(
        f"RSS MB: start={samples[0][1]:.1f} max_after_day1={max(first_day):.1f} "
        f"end={samples[-1][1]:.1f} peak(ru_maxrss)={peak_mb():.1f}"
    )
    growth = samples[-1][1] - samples[len(first_day)][1]
    print(f"growth from end of day 1 to end: {growth:+.1f} MB  (target: peak < 150 MB, flat)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--symbols", type=int, default=10)
    parser.add_argument("--trace", action="store_true", help="Print tracemalloc growth.")
    args = parser.parse_args()
    asyncio.run(run(args.days, args.symbols, args.trace))


if __name__ == "__main__":
    main()
