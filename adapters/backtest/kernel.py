"""Build the live kernel for a backtest and run it over synthetic or stored candles.

The kernel is the one paper and live use: `Ledger`, `PlaceOrder` behind the standard
risk chain (application/risk/engine.py) and the `StrategyEngine`, here over in-memory
storage, a ManualClock, deterministic ids and the simulated venue. Only the clock and
the exchange adapter differ from paper trading.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from decimal import Decimal

from adapters.backtest.exchange import BacktestExchange
from adapters.backtest.storage import BacktestStore
from adapters.market_data.paper_feed import stored_minutes, synthetic_minutes
from adapters.memory.clock import ManualClock, SequentialIds
from adapters.memory.prices import InMemoryPriceCache
from adapters.memory.risk import InMemoryRiskStore
from adapters.simulated.config import VenueConfig
from adapters.simulated.impact import SquareRootImpact
from adapters.simulated.instruments import default_instruments
from adapters.simulated.matching import SimulatedVenue
from adapters.simulated.replay import DEFAULT_START_PRICES
from application.backtest.account import AccountTracker
from application.backtest.loop import BacktestLoop, CandleHandler, Minute
from application.backtest.result import BacktestResult, build_result
from application.backtest.spec import BacktestSpec
from application.instruments import InstrumentCatalog
from application.ledger import Ledger, PositionDefaults
from application.market_data import HIGHER_TIMEFRAMES, MarketDataPipeline, PipelineConfig
from application.ports.candles import CandleStore
from application.risk.engine import standard_chain
from application.risk.state import RiskState
from application.strategy_config import parse_engine_config
from application.strategy_engine import StrategyEngine
from application.use_cases.place_order import PlaceOrder
from application.use_cases.queries import Valuation
from domain.errors import InvalidInput
from domain.instrument import Instrument
from domain.market.candles import MINUTE_MS, Candle, Timeframe
from domain.numbers import ZERO

Progress = Callable[[int], None]


def venue_config(spec: BacktestSpec) -> VenueConfig:
    impact = SquareRootImpact(spec.impact_bps, spec.impact_notional) if spec.impact_bps else None
    return VenueConfig(
        maker_fee_rate=spec.maker_fee_rate,
        taker_fee_rate=spec.taker_fee_rate,
        spread_ticks=spec.spread_ticks,
        slippage_bps=spec.slippage_bps,
        funding_rate=spec.funding_rate,
        leverage=spec.leverage,
        impact=impact,
    )


def fixed_sizer(
    quantity: Decimal,
) -> Callable[[float, Decimal, Decimal, Instrument, float], Decimal]:
    """Size every non-zero target at ±`quantity` contracts (the benchmark's rule)."""

    def size(target: float, _e: Decimal, _p: Decimal, _i: Instrument, _m: float) -> Decimal:
        return quantity if target > 0 else (-quantity if target < 0 else ZERO)

    return size


class BacktestKernel:
    """One backtest's kernel and loop, wired exactly as the paper service wires its own."""

    def __init__(self, spec: BacktestSpec, instruments: Iterable[Instrument] | None = None) -> None:
        listed = {i.symbol: i for i in (instruments or default_instruments())}
        for symbol in spec.symbols:
            if symbol not in listed:
                raise InvalidInput("symbols", f"{symbol!r} is not listed on the simulated venue")
        self.spec = spec
        chosen = [listed[s] for s in spec.symbols]
        self.clock = ManualClock(spec.start_ms)
        self.store = BacktestStore()
        self.prices = InMemoryPriceCache()
        self.catalog = InstrumentCatalog(chosen)
        self.tracker = AccountTracker(spec.balance)
        core = SimulatedVenue(chosen, spec.balance, venue_config(spec))
        self.exchange = BacktestExchange(core, self.clock, spec.latency_ms, spec.funding_rates)
        defaults = PositionDefaults(leverage=spec.leverage)
        uow = self.store.unit_of_work
        self.ledger = Ledger(uow, self.tracker, defaults)
        self.risk_state = RiskState(InMemoryRiskStore(), spec.risk_limits())
        risk = standard_chain(self.risk_state, uow, self.prices, self.clock)
        self.place_order = PlaceOrder(
            self.catalog,
            self.prices,
            risk,
            self.exchange,
            self.ledger,
            self.clock,
            SequentialIds("bt"),
        )
        valuation = Valuation(uow, self.prices, self.catalog, defaults)
        sizer = fixed_sizer(spec.fixed_quantity) if spec.fixed_quantity is not None else None
        self.engine = StrategyEngine(
            parse_engine_config(spec.engine_document()),
            self.place_order,
            valuation,
            self.prices,
            self.catalog,
            uow,
            sizer=sizer,
        )
        self.loop = BacktestLoop(
            self.exchange,
            self.ledger,
            self.prices,
            self.clock,
            self._bar_handler(),
            self.tracker,
            {i.symbol: i.tick_size for i in chosen},
        )

    def _bar_handler(self) -> CandleHandler:
        # The paper service aggregates 1m bars into higher timeframes through the
        # market-data pipeline; a 1m-only engine takes the bars directly (the fast path).
        needs = {self.spec.timeframe, self.engine.config.regime.timeframe.value}
        if needs == {Timeframe.M1.value}:
            return self.engine.on_candle
        higher = tuple(t for t in HIGHER_TIMEFRAMES if t.value in needs)
        config = PipelineConfig(timeframes=higher, window=8, store_batch=10**9)
        pipeline = MarketDataPipeline(None, None, config)
        pipeline.subscribe(self.engine.on_candle)
        self.pipeline = pipeline
        return pipeline.on_candle

    async def run(
        self, minutes: Iterable[Minute] | AsyncIterator[Minute], progress: Progress | None = None
    ) -> BacktestResult:
        await self.ledger.open_account(self.spec.balance, self.spec.start_ms)
        self.engine.trading = self.spec.warmup_minutes == 0
        source = self._trading_after_warmup(minutes) if self.spec.warmup_minutes else minutes
        await self.loop.run(source, progress)
        stats = self.engine.stats
        return build_result(
            self.spec,
            self.loop.curve,
            self.tracker,
            self.loop.exact_marks,
            {
                "candles": stats.candles,
                "signals": stats.signals,
                "orders": stats.orders,
                "skipped": stats.skipped,
                "errors": stats.errors,
            },
        )

    async def _trading_after_warmup(
        self, minutes: Iterable[Minute] | AsyncIterator[Minute]
    ) -> AsyncIterator[Minute]:
        count = 0
        if isinstance(minutes, Iterator) or not hasattr(minutes, "__anext__"):
            for minute in minutes:  # type: ignore[union-attr]
                count += 1
                if count > self.spec.warmup_minutes:
                    self.engine.trading = True
                yield minute
            return
        async for minute in minutes:  # type: ignore[union-attr]
            count += 1
            if count > self.spec.warmup_minutes:
                self.engine.trading = True
            yield minute


def synthetic_source(spec: BacktestSpec) -> Iterator[Minute]:
    """The deterministic synthetic 1m bars of `spec` (seeded), grouped by minute."""
    base = {s: float(DEFAULT_START_PRICES.get(s, 100)) for s in spec.symbols}
    return synthetic_minutes(list(spec.symbols), spec.start_ms, spec.minutes, spec.seed, base)


async def stored_source(spec: BacktestSpec, store: CandleStore) -> AsyncIterator[Minute]:
    """The stored 1m bars of `spec`'s symbols between its start and end, by minute."""
    async for minute in stored_minutes(store, list(spec.symbols), spec.start_ms):
        if minute[0].open_time >= spec.end_ms:
            return
        yield minute


async def run_backtest(
    spec: BacktestSpec,
    store: CandleStore | None = None,
    progress: Progress | None = None,
) -> BacktestResult:
    """Run `spec` over synthetic candles, or over `store`'s when spec.data is "db"."""
    kernel = BacktestKernel(spec)
    if spec.data == "db":
        if store is None:
            raise InvalidInput("data", "db needs a candle store")
        return await kernel.run(stored_source(spec, store), progress)
    return await kernel.run(synthetic_source(spec), progress)


__all__ = ["MINUTE_MS", "BacktestKernel", "Candle", "run_backtest"]
