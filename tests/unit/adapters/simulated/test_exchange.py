"""The async adapter: Exchange and PriceFeed over the matching core."""

import asyncio

from adapters.memory.clock import ManualClock
from adapters.simulated.config import VenueConfig
from adapters.simulated.exchange import SimulatedExchange, paper_venue
from adapters.simulated.instruments import default_instruments
from adapters.simulated.matching import SimulatedVenue
from adapters.simulated.replay import DEFAULT_START_PRICES, DeterministicPriceReplay
from application.ports.market_data import PriceFeed, PriceUpdate
from application.ports.venue import Exchange, ExecutionReport, FundingPayment, ReportKind
from domain.position import Position
from tests.unit.adapters.simulated.helpers import (
    BTC,
    BUY,
    ETH,
    HOUR,
    LIMIT,
    T0,
    D,
    fills,
    kinds,
    order,
)


class SetPrices:
    """A price source whose prices the test sets."""

    def __init__(self, prices: dict[str, str]) -> None:
        self.prices = {s: D(p) for s, p in prices.items()}

    @property
    def symbols(self):
        return list(self.prices)

    def price_at(self, symbol, ts):
        return self.prices[symbol]


def _exchange(prices=None, clock=None, interval_ms=1000):
    clock = clock or ManualClock(T0)
    core = SimulatedVenue(default_instruments(), D(10000), VenueConfig(spread_ticks=D(0)))
    source = SetPrices(prices or {BTC: "50000.0", ETH: "3000.00"})
    return SimulatedExchange(core, source, clock, interval_ms), source, clock


class Recorder:
    def __init__(self) -> None:
        self.log: list[tuple[str, str]] = []

    async def on_price(self, update: PriceUpdate) -> None:
        self.log.append(("price", update.symbol))

    async def on_event(self, event) -> None:
        kind = event.kind.value if isinstance(event, ExecutionReport) else "FUNDING"
        self.log.append(
            (kind, event.symbol if isinstance(event, FundingPayment) else event.client_order_id)
        )


async def test_it_implements_the_exchange_and_price_feed_ports():
    exchange, _, _ = _exchange()
    as_exchange: Exchange = exchange
    as_feed: PriceFeed = exchange

    assert as_exchange.venue == "simulated"
    assert [i.symbol for i in await as_exchange.load_instruments()][:2] == [BTC, ETH]
    assert as_feed is exchange


async def test_submit_answers_with_the_reports_at_the_clock_s_time():
    exchange, _, clock = _exchange()
    recorder = Recorder()
    exchange.subscribe(recorder.on_event)
    await exchange.tick(clock.now_ms())
    clock.advance(5)

    reports = await exchange.submit_order(order("m", BUY))

    assert kinds(reports) == ["ACCEPTED", "FILL"]
    assert {r.ts for r in reports} == {T0 + 5}
    assert reports[1].fill.price == D("50000.0")
    assert recorder.log == []  # the answer is not published a second time


async def test_a_tick_delivers_every_price_first_and_then_the_venue_events():
    exchange, source, clock = _exchange()
    recorder = Recorder()
    exchange.subscribe_prices(recorder.on_price)
    exchange.subscribe(recorder.on_event)
    await exchange.tick(clock.now_ms())
    await exchange.submit_order(order("bid", BUY, LIMIT, price="49000.0"))
    recorder.log.clear()
    source.prices[BTC] = D("48000.0")

    events = await exchange.tick(T0 + 1)

    assert kinds(events) == ["FILL"]
    assert recorder.log == [("price", BTC), ("price", ETH), ("FILL", "bid")]


async def test_funding_reaches_venue_subscribers():
    exchange, _, _ = _exchange()
    recorder = Recorder()
    exchange.subscribe(recorder.on_event)
    await exchange.tick(T0)
    await exchange.submit_order(order("long", BUY))

    await exchange.tick(T0 + 7 * HOUR)

    assert recorder.log == [("FUNDING", BTC)]


async def test_cancel_goes_by_client_order_id():
    exchange, _, _ = _exchange()
    await exchange.tick(T0)
    resting = order("bid", BUY, LIMIT, price="49000.0")
    await exchange.submit_order(resting)

    (report,) = await exchange.cancel_order(resting)

    assert report.kind is ReportKind.CANCELED
    assert exchange.core.open_orders() == []


async def test_a_failing_subscriber_neither_stops_the_others_nor_the_tick():
    exchange, _, _ = _exchange()
    recorder = Recorder()

    async def broken(update):
        raise RuntimeError("boom")

    exchange.subscribe_prices(broken)
    exchange.subscribe_prices(recorder.on_price)

    await exchange.tick(T0)

    assert recorder.log == [("price", BTC), ("price", ETH)]


async def test_orders_submitted_from_a_price_handler_interleave_safely():
    exchange, source, _ = _exchange()
    answers = []

    async def trader(update):
        if update.symbol == BTC:
            answers.extend(await exchange.submit_order(order(f"m{update.ts}", BUY)))

    exchange.subscribe_prices(trader)
    await exchange.tick(T0)
    source.prices[BTC] = D("50100.0")
    await exchange.tick(T0 + 1)

    assert [a.fill.price for a in answers if a.fill] == [D("50000.0"), D("50100.0")]
    assert exchange.core.position(BTC).quantity == D("0.02")


async def test_run_ticks_on_the_clock_until_stopped():
    clock = ManualClock(T0)
    exchange, _, _ = _exchange(clock=clock, interval_ms=1)
    stop = asyncio.Event()
    seen = []

    async def watch(update):
        if update.symbol != BTC:
            return
        seen.append(update.ts)
        clock.advance(1000)
        if len(seen) >= 4:
            stop.set()

    exchange.subscribe_prices(watch)
    await asyncio.wait_for(exchange.run(stop), timeout=5)

    assert seen[:4] == [T0, T0 + 1000, T0 + 2000, T0 + 3000]


async def test_restore_passes_through_to_the_core():
    exchange, _, _ = _exchange()

    exchange.restore(D(123), [Position(BTC, D("0.01"), D(50000))], [])

    assert exchange.core.wallet == D(123)
    assert exchange.core.position(BTC).quantity == D("0.01")


async def test_with_the_deterministic_replay_prices_follow_the_seeded_path():
    replay = DeterministicPriceReplay([BTC], 3, DEFAULT_START_PRICES)
    core = SimulatedVenue(default_instruments(), D(10000))
    exchange = SimulatedExchange(core, replay, ManualClock(T0))
    prices = []

    async def keep(update):
        prices.append(update.price)

    exchange.subscribe_prices(keep)
    await exchange.tick(T0)
    await exchange.tick(T0 + 60_000)

    assert prices == [replay.price_at(BTC, T0), replay.price_at(BTC, T0 + 60_000)]
    assert core.last_price(BTC) == prices[-1]


async def test_a_paper_venue_restarted_later_never_repeats_an_id():
    clock = ManualClock(T0)
    first = paper_venue(default_instruments(), D(10000), clock, VenueConfig(spread_ticks=D(0)))
    first.on_price(BTC, D("50000.0"), T0)
    before = first.submit(order("a", BUY), T0)
    clock.advance(1)
    second = paper_venue(default_instruments(), D(10000), clock, VenueConfig(spread_ticks=D(0)))
    second.on_price(BTC, D("50000.0"), T0 + 1)

    after = second.submit(order("b", BUY), T0 + 1)

    assert before[0].exchange_order_id == str(T0 * 1000)
    ids_before = {r.exchange_order_id for r in before} | {f.fill.fill_id for f in fills(before)}
    ids_after = {r.exchange_order_id for r in after} | {f.fill.fill_id for f in fills(after)}
    assert ids_before.isdisjoint(ids_after)
