"""The scheduler: market data → pipeline → strategies on bar close, plus periodic jobs.

`StrategiesComponent` plugs it into the service (`autotrader serve` runs it beside the
gRPC server, `autotrader scheduler` runs the service without gRPC). Periodic jobs run on
candle time, never on the wall clock, so the same schedule holds when a replay is
accelerated: account snapshots every `paper.snapshot_minutes`, and writing the
pipeline's pending candles every 15 minutes (and at stop). Funding is settled by the
simulated venue itself every 8h.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog
import yaml

from adapters.market_data.paper_feed import PaperCandleFeed, stored_minutes, synthetic_minutes
from adapters.market_data.tick_bars import TickBarFeed
from adapters.simulated.replay import DEFAULT_START_PRICES
from application import telemetry
from application.market_data import MarketDataPipeline
from application.ports.strategies import AccountSnapshot, SnapshotStore
from application.strategy_config import EngineConfig, parse_engine_config
from application.strategy_engine import StrategyEngine
from application.use_cases.queries import Valuation
from autotrader.v1 import strategy_pb2_grpc
from domain.errors import InvalidInput
from domain.market.candles import MINUTE_MS, Candle, Timeframe
from entrypoints.grpc.interceptors import Role
from entrypoints.grpc.server import GrpcService
from entrypoints.grpc.strategy_servicer import StrategyServicer

if TYPE_CHECKING:
    from entrypoints.runtime import Service

log = structlog.get_logger("scheduler")

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "config" / "strategies.yaml"
STRATEGY = "autotrader.v1.StrategyService"
ROLES = {
    f"/{STRATEGY}/ListStrategies": Role.READ,
    f"/{STRATEGY}/GetStrategyState": Role.READ,
    f"/{STRATEGY}/StartStrategy": Role.TRADE,
    f"/{STRATEGY}/StopStrategy": Role.TRADE,
    f"/{STRATEGY}/UpdateParameters": Role.TRADE,
}
# Closed bars wait in the pipeline at most this long (candle time) before one batched write.
STORE_EVERY_MINUTES = 15
SYNTHETIC_MINUTES = 10**8  # the synthetic feed never runs out in practice


class StrategiesConfigError(Exception):
    """The strategies file is missing or invalid; the message says where."""


def load_engine_config(path: Path | None) -> EngineConfig:
    """Read and validate the strategies file (default: config/strategies.yaml)."""
    file = path or DEFAULT_FILE
    if path is None and not file.is_file():
        return EngineConfig()
    try:
        document = yaml.safe_load(file.read_text())
    except (OSError, yaml.YAMLError) as error:
        raise StrategiesConfigError(f"cannot read {file}: {error}") from error
    try:
        return parse_engine_config(document)
    except InvalidInput as error:
        raise StrategiesConfigError(f"{file}: {error}") from error


Job = Callable[[int], Awaitable[None]]


class Scheduler:
    """Run jobs every N minutes of candle time; fed the pipeline's closed 1m candles."""

    def __init__(self) -> None:
        self._jobs: list[tuple[str, int, Job]] = []
        self._due: dict[str, int] = {}

    def every(self, name: str, minutes: int, job: Job) -> None:
        self._jobs.append((name, minutes * MINUTE_MS, job))

    async def on_candle(self, candle: Candle) -> None:
        if candle.timeframe is not Timeframe.M1:
            return
        now = candle.open_time + MINUTE_MS
        for name, period, job in self._jobs:
            due = self._due.get(name)
            if due is None:
                self._due[name] = now - now % period + period
            elif now >= due:
                self._due[name] = now - now % period + period
                try:
                    with telemetry.span(f"job.{name}", ts=now):
                        await job(now)
                except Exception:
                    log.exception("scheduled job failed", job=name)


def snapshot_job(valuation: Valuation, snapshots: SnapshotStore) -> Job:
    """Store the account and the open positions at candle time `ts`."""

    async def take(ts: int) -> None:
        account = await valuation.account()
        positions = await valuation.positions()
        await snapshots.add(
            AccountSnapshot(
                ts,
                account.wallet_balance,
                account.margin_balance,
                account.unrealized_pnl,
                account.available_balance,
                {v.position.symbol: v.position.quantity for v in positions},
            )
        )

    return take


class StrategiesComponent:
    """Market data, the strategy engine, the scheduler's jobs and StrategyService."""

    def __init__(self, service: Service) -> None:
        self._service = service
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.engine: StrategyEngine | None = None
        self.pipeline: MarketDataPipeline | None = None
        self.feed: PaperCandleFeed | TickBarFeed | None = None

    async def start(self, service: Service) -> None:
        c, settings = service.container, service.settings
        try:
            config = load_engine_config(settings.strategies_file)
        except StrategiesConfigError as error:
            from entrypoints.runtime import StartupError

            raise StartupError(str(error)) from error
        engine = self.engine = StrategyEngine(
            config,
            c.place_order(),
            c.valuation(),
            c.prices(),
            c.instruments(),
            c.uow(),
            c.strategy_states(),
        )
        await engine.restore()
        store = c.candle_store()
        warmed = await engine.warm_up(store)
        feed = self.feed = await self._feed()
        pipeline = self.pipeline = MarketDataPipeline(store, feed)
        scheduler = Scheduler()
        scheduler.every(
            "snapshot", settings.paper.snapshot_minutes, snapshot_job(c.valuation(), c.snapshots())
        )
        scheduler.every("store-candles", STORE_EVERY_MINUTES, lambda _ts: self._flush())
        pipeline.subscribe(engine.on_candle)
        pipeline.subscribe(scheduler.on_candle)
        pipeline.attach()
        if isinstance(feed, TickBarFeed):
            feed.attach()
        else:
            await self._fast_forward(feed, settings.paper.warmup_minutes)
            self._task = asyncio.create_task(feed.run(self._stop), name="candle-feed")
        log.info(
            "strategies ready",
            feed=settings.paper.feed,
            strategies={v.strategy_id: v.enabled for v in engine.views()},
            warmed_bars=warmed,
        )

    async def _flush(self) -> None:
        if self.pipeline is not None:
            await self.pipeline.flush()

    async def _feed(self) -> PaperCandleFeed | TickBarFeed:
        c, paper = self._service.container, self._service.settings.paper
        exchange = c.simulated_exchange()
        if paper.feed == "replay":
            return TickBarFeed(exchange)
        store = c.candle_store()
        minutes: Any
        if paper.feed == "synthetic":
            now = c.clock().now_ms()
            start = now - now % MINUTE_MS - paper.warmup_minutes * MINUTE_MS
            # After a restart, carry on after the last stored minute rather than replay
            # different synthetic bars over times the strategies have already seen.
            ends = [await store.last_open_time(s, Timeframe.M1) for s in paper.symbols]
            start = max([start, *(end + MINUTE_MS for end in ends if end is not None)])
            base = {s: float(DEFAULT_START_PRICES.get(s, 100)) for s in paper.symbols}
            minutes = synthetic_minutes(paper.symbols, start, SYNTHETIC_MINUTES, paper.seed, base)
        else:
            minutes = stored_minutes(store, paper.symbols, await self._stored_start())
        return PaperCandleFeed(
            minutes, c.candle_prices(), exchange, paper.tick_interval_ms, history=store
        )

    async def _stored_start(self) -> int:
        paper, store = self._service.settings.paper, self._service.container.candle_store()
        if paper.candles_start_ms is not None:
            return paper.candles_start_ms
        ends = [await store.last_open_time(s, Timeframe.M1) for s in paper.symbols]
        known = [e for e in ends if e is not None]
        if not known:
            from entrypoints.runtime import StartupError

            raise StartupError(
                "paper.feed is 'candles' but no 1m candles are stored for "
                f"{', '.join(paper.symbols)}; run `autotrader data synth` or `data import`"
            )
        return max(0, max(known) - 7 * 24 * 60 * MINUTE_MS)

    async def _fast_forward(self, feed: PaperCandleFeed, minutes: int) -> None:
        assert self.engine is not None
        started = time.monotonic()
        self.engine.trading = False
        try:
            for _ in range(minutes):
                if not await feed.step():
                    break
        finally:
            self.engine.trading = True
        if not minutes:
            await feed.prime()  # candle prices in the venue before the first order
        log.info("feed warmed up", minutes=feed.steps, seconds=round(time.monotonic() - started, 2))

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            await self._flush()

    def grpc_services(self) -> list[GrpcService]:
        assert self.engine is not None
        servicer = StrategyServicer(self.engine, self._service.container.candle_store())
        return [
            GrpcService(
                STRATEGY,
                strategy_pb2_grpc.add_StrategyServiceServicer_to_server,
                servicer,
                ROLES,
            )
        ]
