"""The composition root: the only place that knows which adapter serves which port."""

from __future__ import annotations

import importlib
import os
import socket
from typing import Any

from dependency_injector import containers, providers

from adapters.market_data.paper_feed import CandlePrices
from adapters.memory.clock import UuidIds, WallClock
from adapters.memory.event_bus import InMemoryEventBus
from adapters.memory.prices import InMemoryPriceCache
from adapters.memory.read_mirror import FallbackUnitOfWorkFactory, ReadMirror
from adapters.memory.reconciliation import LoggingDiscrepancyPublisher
from adapters.prometheus.metrics import PrometheusMetrics
from adapters.simulated.config import VenueConfig
from adapters.simulated.exchange import SimulatedExchange
from adapters.simulated.instruments import default_instruments
from adapters.simulated.matching import SimulatedVenue
from adapters.simulated.replay import DeterministicPriceReplay
from adapters.sql.candles import SqlaCandleStore, SqlaSnapshotStore, SqlaStrategyStateStore
from adapters.sql.engine import create_engine
from adapters.sql.fencing import FencedUnitOfWorkFactory
from adapters.sql.idempotency import SqlaIdempotencyStore
from adapters.sql.outbox import SqlaRelayCursor
from adapters.sql.reconciliation import SqlaDiscrepancyLog
from adapters.sql.risk import SqlaRiskStore
from adapters.sql.unit_of_work import SqlaUnitOfWorkFactory
from application.instruments import InstrumentCatalog
from application.ledger import Ledger, PositionDefaults
from application.outbox import OutboxRelay
from application.portfolio.performance import GetPerformance
from application.portfolio.rebalance import Rebalance
from application.portfolio.service import PortfolioOptimizer
from application.reconciliation import Reconcile
from application.risk.book import BookReader
from application.risk.engine import standard_chain
from application.risk.flatten import Flatten
from application.risk.halts import DrawdownBreaker, SetKillSwitch
from application.risk.history import PriceHistory
from application.risk.limits_admin import GetLimits, SetLimits
from application.risk.report import GetRiskReport
from application.risk.state import RiskState
from application.use_cases.cancel_order import CancelOrder
from application.use_cases.place_order import PlaceOrder
from application.use_cases.queries import GetOrder, ListFills, ListOrders, ReadEvents, Valuation
from domain.position import MarginMode
from entrypoints.binance_venue import build_exchange
from entrypoints.settings import Settings


def _candle_backend(settings: Settings) -> str:
    on_postgres = settings.database.startswith("postgresql")
    return "postgres" if on_postgres and settings.storage.candle_store == "auto" else "sql"


def _instance_id(settings: Settings) -> str:
    return settings.storage.instance_id or f"{socket.gethostname()}:{os.getpid()}"


def _lazy(module: str, name: str) -> Any:
    """Return a factory that imports `module` only when the provider is first built.

    The Redis and PostgreSQL adapters (and redis-py, asyncpg, pandas behind them) cost
    ~15 MB of RSS that the embedded default never needs.
    """

    def build(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    build.__name__ = name
    return build


redis_client = _lazy("adapters.redis.connection", "client")
RedisPriceCache = _lazy("adapters.redis.cache", "RedisPriceCache")
RedisSnapshotCache = _lazy("adapters.redis.cache", "RedisSnapshotCache")
RedisEventBus = _lazy("adapters.redis.event_bus", "RedisEventBus")
RedisLeaderLock = _lazy("adapters.redis.leader", "RedisLeaderLock")


def _pg_market_data(url: str) -> Any:
    # pandas and the COPY machinery load only when PostgreSQL is configured (~40 MB).
    from adapters.postgres.market_data import PgMarketDataStore

    return PgMarketDataStore(url)


def _pg_candle_store(market_data: Any) -> Any:
    from adapters.postgres.candle_store import PgCandleStore

    return PgCandleStore(market_data)


class Container(containers.DeclarativeContainer):
    """Everything the service runs on, built from Settings."""

    settings: providers.Dependency[Settings] = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(WallClock)
    ids = providers.Singleton(UuidIds)
    # "memory" (the embedded default) or "redis" when redis_url is set.
    cache_backend = providers.Callable(lambda s: "redis" if s.redis_url else "memory", settings)
    redis_url = providers.Callable(
        lambda s: s.redis_url.get_secret_value() if s.redis_url else "", settings
    )
    redis = providers.Singleton(redis_client, redis_url)
    redis_blocking = providers.Singleton(redis_client, redis_url, blocking_ms=1000)
    prices = providers.Selector(
        cache_backend,
        memory=providers.Singleton(InMemoryPriceCache),
        redis=providers.Singleton(
            RedisPriceCache, redis, ttl_ms=settings.provided.storage.mark_ttl_ms
        ),
    )
    redis_snapshots = providers.Singleton(
        RedisSnapshotCache, redis, ttl_ms=settings.provided.storage.snapshot_ttl_ms
    )
    # The ledger publishes to the in-process bus; with Redis the outbox relay carries the
    # journal to a Redis Stream, which StreamEvents follows on every replica.
    bus = providers.Singleton(InMemoryEventBus)
    redis_bus = providers.Singleton(RedisEventBus, redis, redis_blocking)
    event_source = providers.Selector(cache_backend, memory=bus, redis=redis_bus)
    # Prometheus metrics; adapters report what never becomes an event (OperationalMetrics).
    metrics = providers.Singleton(PrometheusMetrics)
    instruments = providers.Singleton(InstrumentCatalog)

    engine = providers.Singleton(create_engine, settings.provided.database)
    leader_mode = providers.Callable(
        lambda s: "redis" if s.storage.leader_lock and s.redis_url else "off", settings
    )
    leader = providers.Selector(
        leader_mode,
        off=providers.Object(None),
        redis=providers.Singleton(
            RedisLeaderLock,
            redis,
            settings.provided.storage.account,
            providers.Callable(_instance_id, settings),
            settings.provided.storage.leader_ttl_ms,
        ),
    )
    sql_uow = providers.Selector(
        leader_mode,
        off=providers.Singleton(SqlaUnitOfWorkFactory, engine),
        redis=providers.Singleton(FencedUnitOfWorkFactory, engine, leader),
    )
    # Reads fall back to the mirror of the last known state while the database is down.
    read_mirror = providers.Singleton(ReadMirror)
    uow = providers.Singleton(FallbackUnitOfWorkFactory, sql_uow, read_mirror)
    relay_cursor = providers.Singleton(SqlaRelayCursor, engine)
    outbox_relay = providers.Singleton(
        OutboxRelay,
        sql_uow,
        redis_bus,
        relay_cursor,
        poll_interval=providers.Callable(lambda s: s.storage.relay_poll_ms / 1000, settings),
    )
    idempotency = providers.Singleton(SqlaIdempotencyStore, engine)

    venue_instruments = providers.Callable(default_instruments)
    venue_config = providers.Factory(
        VenueConfig,
        maker_fee_rate=settings.provided.paper.maker_fee,
        taker_fee_rate=settings.provided.paper.taker_fee,
        slippage_bps=settings.provided.paper.slippage_bps,
        funding_rate=settings.provided.paper.funding_rate,
        max_fill_qty=settings.provided.paper.max_fill_qty,
        leverage=settings.provided.leverage,
        margin_mode=providers.Factory(MarginMode, settings.provided.margin_mode),
    )
    simulated_venue = providers.Singleton(
        SimulatedVenue,
        instruments=venue_instruments,
        wallet=settings.provided.paper.starting_balance,
        config=venue_config,
        # Exchange order ids must not repeat across restarts of a paper venue.
        first_id=providers.Callable(lambda clock: clock.now_ms() * 1000, clock),
    )
    replay = providers.Singleton(
        DeterministicPriceReplay,
        symbols=settings.provided.paper.symbols,
        seed=settings.provided.paper.seed,
        instruments=venue_instruments,
    )
    # With the candle feeds (paper.feed = synthetic | candles) the venue prices at candle
    # closes, falling back to the replay only before the first candle.
    candle_prices = providers.Singleton(
        CandlePrices,
        symbols=settings.provided.paper.symbols,
        instruments=venue_instruments,
        fallback=replay,
    )
    paper_prices = providers.Selector(
        settings.provided.paper.feed, replay=replay, synthetic=candle_prices, candles=candle_prices
    )
    simulated_exchange = providers.Singleton(
        SimulatedExchange,
        core=simulated_venue,
        prices=paper_prices,
        clock=clock,
        interval_ms=settings.provided.paper.tick_interval_ms,
    )
    # testnet and live: Binance USDⓈ-M through ccxt (entrypoints.binance_venue gates live).
    binance_exchange = providers.Singleton(build_exchange, settings, metrics)
    exchange = providers.Selector(
        settings.provided.mode,
        paper=simulated_exchange,
        testnet=binance_exchange,
        live=binance_exchange,
    )

    position_defaults = providers.Singleton(
        PositionDefaults,
        leverage=settings.provided.leverage,
        margin_mode=providers.Factory(MarginMode, settings.provided.margin_mode),
    )
    ledger = providers.Singleton(Ledger, uow=uow, publisher=bus, defaults=position_defaults)
    discrepancy_log = providers.Singleton(SqlaDiscrepancyLog, engine)
    discrepancy_publisher = providers.Singleton(LoggingDiscrepancyPublisher)
    reconcile = providers.Factory(
        Reconcile,
        venue=binance_exchange,
        ledger=ledger,
        uow=uow,
        log=discrepancy_log,
        listeners=discrepancy_publisher,
        events=bus,
        clock=clock,
    )
    # Risk: the chain every order passes (manual, strategy, rebalance, flatten).
    risk_store = providers.Singleton(SqlaRiskStore, engine)
    # Market data and strategies (issue 3).
    market_data = providers.Singleton(_pg_market_data, settings.provided.database)
    candle_store = providers.Selector(
        providers.Callable(_candle_backend, settings),
        sql=providers.Singleton(SqlaCandleStore, engine),
        postgres=providers.Singleton(_pg_candle_store, market_data),
    )
    strategy_states = providers.Singleton(SqlaStrategyStateStore, engine)
    snapshots = providers.Singleton(SqlaSnapshotStore, engine)
    risk_state = providers.Singleton(RiskState, risk_store)
    risk = providers.Singleton(standard_chain, risk_state, uow, prices, clock, ledger)

    place_order = providers.Factory(
        PlaceOrder,
        instruments=instruments,
        prices=prices,
        risk=risk,
        exchange=exchange,
        ledger=ledger,
        clock=clock,
        ids=ids,
    )
    cancel_order = providers.Factory(CancelOrder, exchange=exchange, ledger=ledger, uow=uow)
    get_order = providers.Factory(GetOrder, uow=uow)
    list_orders = providers.Factory(ListOrders, uow=uow)
    list_fills = providers.Factory(ListFills, uow=uow)
    read_events = providers.Factory(ReadEvents, uow=uow)
    valuation = providers.Factory(
        Valuation,
        uow=uow,
        prices=prices,
        instruments=instruments,
        defaults=position_defaults,
        ledger=ledger,
    )
    risk_book = providers.Factory(BookReader, uow, prices, ledger)
    flatten = providers.Factory(Flatten, uow=uow, place=place_order, cancel=cancel_order)
    set_kill_switch = providers.Factory(SetKillSwitch, risk_state, flatten, risk_book, clock)
    breaker = providers.Singleton(DrawdownBreaker, risk_state, risk_book, flatten, clock)
    price_history = providers.Singleton(PriceHistory)
    get_limits = providers.Factory(GetLimits, risk_state)
    set_limits = providers.Factory(SetLimits, risk_state, clock)
    risk_report = providers.Factory(
        GetRiskReport, valuation, risk_state, price_history, clock, candles=candle_store
    )
    optimizer = providers.Factory(PortfolioOptimizer, clock, candles=candle_store)
    rebalance = providers.Factory(Rebalance, instruments, risk_book, place_order)
    performance = providers.Factory(GetPerformance, uow, prices, snapshots=snapshots)
