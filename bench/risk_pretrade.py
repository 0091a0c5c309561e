"""Pre-trade risk overhead: orders through PlaceOrder with and without the standard checks.

Wires PlaceOrder to the in-memory store (or a SQLite file) and a venue that fills at the
mark, then times N market orders alternating buy and sell with an empty chain and with
the standard chain (limits loose enough that every order passes), printing the mean and
p99 per order and the difference. Rate limits are lifted so every order is checked in full.

    .venv/bin/python bench/risk_pretrade.py [--orders 2000] [--sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.memory.clock import ManualClock, SequentialIds
from adapters.memory.event_bus import InMemoryEventBus
from adapters.memory.prices import InMemoryPriceCache
from adapters.memory.risk import InMemoryRiskStore
from adapters.memory.storage import InMemoryStore
from adapters.sql.engine import create_engine, dispose, migrate
from adapters.sql.unit_of_work import SqlaUnitOfWorkFactory
from application.instruments import InstrumentCatalog
from application.ledger import Ledger, PositionDefaults
from application.ports.market_data import PriceUpdate
from application.risk import RiskChain
from application.risk.engine import standard_checks
from application.risk.state import RiskState
from application.use_cases.place_order import PlaceOrder
from domain.order import OrderRequest, OrderType, Side
from domain.risk.limits import RiskLimits
from tests.unit.application.fakes import BTC, ETH, FakeExchange, accepted, filled

D = Decimal
LOOSE = RiskLimits(
    symbol_order_rate=D(10**9),
    symbol_order_burst=10**9,
    account_order_rate=D(10**9),
    account_order_burst=10**9,
)


async def run(orders: int, checked: bool, sqlite: bool) -> list[float]:
    engine = None
    if sqlite:
        directory = tempfile.mkdtemp()
        engine = create_engine(f"sqlite+aiosqlite:///{directory}/bench.db")
        await migrate(engine)
        uow = SqlaUnitOfWorkFactory(engine)
    else:
        uow = InMemoryStore().unit_of_work
    clock = ManualClock(1_000)
    prices = InMemoryPriceCache()
    prices.set_mark(PriceUpdate("BTCUSDT", D(50_000), 1))
    exchange = FakeExchange()
    exchange.on_submit = lambda o: [accepted(o), filled(o, D(50_000))]
    ledger = Ledger(uow, InMemoryEventBus(), PositionDefaults())
    await ledger.open_account(D(1_000_000), 0)
    chain = RiskChain()
    if checked:
        # Wired as the composition root wires them: the book comes from the ledger.
        state = RiskState(InMemoryRiskStore(), LOOSE)
        for check in standard_checks(state, uow, prices, clock, ledger):
            chain.add(check)
    place = PlaceOrder(
        InstrumentCatalog([BTC, ETH]),
        prices,
        chain,
        exchange,
        ledger,
        clock,
        SequentialIds("b"),
    )
    times = []
    for n in range(orders):
        side = Side.BUY if n % 2 == 0 else Side.SELL
        request = OrderRequest("BTCUSDT", side, OrderType.MARKET, D("0.01"))
        started = time.perf_counter()
        order, _ = await place.execute(request)
        times.append(time.perf_counter() - started)
        assert order.status.value == "FILLED", order.reject_reason
        clock.advance(1)
    if engine is not None:
        await dispose(engine)
    return times


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.fmean(times) * 1e6, ordered[int(0.99 * (len(ordered) - 1))] * 1e6


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    store = "SQLite file" if args.sqlite else "in-memory store"
    print(f"{args.orders} market orders through PlaceOrder ({store}, venue fills at once)")
    results = {}
    for checked in (False, True):
        runs = [await run(args.orders, checked, args.sqlite) for _ in range(3)]
        best = min(runs, key=statistics.fmean)
        results[checked] = summary(best)
        label = "standard checks" if checked else "empty chain    "
        mean, p99 = results[checked]
        print(f"  {label}: mean {mean:8.1f} us/order   p99 {p99:8.1f} us")
    print(f"  risk overhead: {results[True][0] - results[False][0]:.1f} us/order (mean)")


if __name__ == "__main__":
    asyncio.run(main())
