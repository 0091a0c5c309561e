"""The market-data pipeline: raw events in, clean closed candles and analytics out.

Per symbol it keeps bounded, de-duplicated windows of every timeframe (domain
`CandleSeries`), builds 5m/15m/1h/4h bars from closed 1m bars (domain
`TimeframeAggregator`), back-fills missing minutes through the feed before the bar that
revealed the gap goes on, stores closed bars in batches and hands every closed bar, in
time order, to its subscribers (the strategy engine). It reads no clock: time is the
candles' own.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

from application.ports.candles import CandleStore
from application.ports.market_data import MarketDataFeed, MarketEvent
from domain.market.aggregation import CandleSeries, SeriesStatus, TimeframeAggregator
from domain.market.candles import BookTop, Candle, DepthSnapshot, MarkPrice, Timeframe, Trade
from domain.market.indicators import ATR, RealizedVolatility, RollingVWAP
from domain.market.microstructure import TradeFlowImbalance, depth_imbalance, spread_bps

CandleHandler = Callable[[Candle], Awaitable[None]]

HIGHER_TIMEFRAMES = (Timeframe.M5, Timeframe.M15, Timeframe.H1, Timeframe.H4)


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """Window sizes and analytics periods; every buffer is bounded by one of these."""

    timeframes: tuple[Timeframe, ...] = HIGHER_TIMEFRAMES
    window: int = 500
    vol_period: int = 60
    atr_period: int = 14
    vwap_period: int = 60
    flow_window_ms: int = 60_000
    depth_levels: int = 5
    store_batch: int = 1000
    max_backfill_minutes: int = 24 * 60


@dataclass(slots=True)
class PipelineStats:
    """What the pipeline saw that it did not simply pass on."""

    duplicates: int = 0
    conflicts: int = 0
    late: int = 0
    gaps: int = 0
    missing_minutes: int = 0
    backfilled: int = 0
    unfilled: int = 0
    stored: int = 0


class SymbolAnalytics:
    """Incremental analytics of one symbol: O(1) per update, bounded memory."""

    __slots__ = ("_atr", "_flow", "_last_close", "_vol", "_vwap", "values")

    def __init__(self, config: PipelineConfig) -> None:
        self._vol = RealizedVolatility(config.vol_period)
        self._atr = ATR(config.atr_period)
        self._vwap = RollingVWAP(config.vwap_period)
        self._flow = TradeFlowImbalance(config.flow_window_ms)
        self._last_close: float | None = None
        self.values: dict[str, float] = {}

    def on_candle(self, candle: Candle) -> None:
        if self._last_close is not None:
            self.values["return"] = math.log(candle.close / self._last_close)
        self._last_close = candle.close
        self._put("realized_vol", self._vol.update(candle.close))
        self._put("atr", self._atr.update(candle.high, candle.low, candle.close))
        self._put("vwap", self._vwap.update(candle.typical_price, candle.volume))
        self.values["close"] = candle.close

    def on_trade(self, trade: Trade) -> None:
        self._put("trade_flow_imbalance", self._flow.update(trade))

    def on_book(self, book: BookTop) -> None:
        self.values["spread_bps"] = spread_bps(book)

    def on_depth(self, depth: DepthSnapshot, levels: int) -> None:
        self.values["depth_imbalance"] = depth_imbalance(depth, levels)

    def on_mark(self, mark: MarkPrice) -> None:
        self.values["mark"] = mark.mark
        self.values["funding_rate"] = mark.funding_rate

    def _put(self, name: str, value: float | None) -> None:
        if value is not None:
            self.values[name] = value


@dataclass(slots=True)
class _Symbol:
    series: dict[Timeframe, CandleSeries]
    analytics: SymbolAnalytics


class MarketDataPipeline:
    """Turn a feed's raw events into stored, aggregated, analysed closed candles."""

    def __init__(
        self,
        store: CandleStore | None = None,
        feed: MarketDataFeed | None = None,
        config: PipelineConfig | None = None,
    ) -> None:
        self.config = config or PipelineConfig()
        self._store = store
        self._feed = feed
        self._aggregators = [TimeframeAggregator(tf) for tf in self.config.timeframes]
        self._symbols: dict[str, _Symbol] = {}
        self._handlers: list[CandleHandler] = []
        self._pending: list[Candle] = []
        self.stats = PipelineStats()

    def subscribe(self, handler: CandleHandler) -> None:
        """Hand every closed bar of every timeframe to `handler`, oldest first."""
        self._handlers.append(handler)

    def attach(self) -> None:
        """Subscribe to the feed's events."""
        if self._feed is not None:
            self._feed.subscribe_market(self.on_event)

    async def on_event(self, event: MarketEvent) -> None:
        """Take one raw event from the feed."""
        if isinstance(event, Candle):
            await self.on_candle(event)
            return
        analytics = self._symbol(event.symbol).analytics
        if isinstance(event, Trade):
            analytics.on_trade(event)
        elif isinstance(event, BookTop):
            analytics.on_book(event)
        elif isinstance(event, DepthSnapshot):
            analytics.on_depth(event, self.config.depth_levels)
        else:
            analytics.on_mark(event)

    async def on_candle(self, candle: Candle) -> None:
        """Take a bar; closed, new bars go on (after any back-filled minutes before them)."""
        series = self._series(candle.symbol, candle.timeframe)
        update = series.add(candle)
        if not update.accepted:
            self._count(update.status)
            return
        if update.missing:
            await self._backfill(series, update.missing, candle)
        if not candle.closed:
            return  # a still-open bar: kept as the window's last, passed on once closed
        await self._closed(candle)

    async def flush(self) -> int:
        """Write the bars waiting to be stored; return how many were written."""
        if self._store is None or not self._pending:
            self._pending.clear()
            return 0
        pending, self._pending = self._pending, []
        written = await self._store.upsert(pending)
        self.stats.stored += written
        return written

    async def finish(self) -> None:
        """Emit the short higher-timeframe buckets still pending, then store everything."""
        for aggregator in self._aggregators:
            for symbol in list(self._symbols):
                merged = aggregator.flush(symbol)
                if merged is not None:
                    await self._accept(merged.candle)
        await self.flush()

    def window(self, symbol: str, timeframe: Timeframe) -> Sequence[Candle]:
        """Return the symbol's bounded window of bars of `timeframe`, oldest first."""
        state = self._symbols.get(symbol)
        series = state.series.get(timeframe) if state else None
        return tuple(series) if series is not None else ()

    def analytics(self, symbol: str) -> dict[str, float]:
        """Return the symbol's latest analytics (return, vol, ATR, VWAP, microstructure)."""
        state = self._symbols.get(symbol)
        return dict(state.analytics.values) if state else {}

    def symbols(self) -> list[str]:
        return sorted(self._symbols)

    async def _backfill(self, series: CandleSeries, missing: Iterable[int], after: Candle) -> None:
        times = list(missing)
        self.stats.gaps += 1
        self.stats.missing_minutes += len(times)
        if series.timeframe is not Timeframe.M1 or self._feed is None:
            self.stats.unfilled += len(times)
            return
        start = max(times[0], times[-1] - (self.config.max_backfill_minutes - 1) * 60_000)
        fetched = await self._feed.fetch_candles(after.symbol, Timeframe.M1, start, after.open_time)
        wanted = set(times)
        filled = 0
        for bar in sorted(fetched, key=lambda c: c.open_time):
            if bar.open_time in wanted and bar.closed and series.backfill(bar).accepted:
                filled += 1
                await self._closed(bar)
        self.stats.backfilled += filled
        self.stats.unfilled += len(times) - filled

    async def _closed(self, candle: Candle) -> None:
        await self._accept(candle)
        if candle.timeframe is not Timeframe.M1:
            return
        for aggregator in self._aggregators:
            merged = aggregator.update(candle)
            if merged is not None:
                higher = self._series(candle.symbol, merged.candle.timeframe).add(merged.candle)
                if higher.missing:
                    self.stats.gaps += 1
                if higher.accepted:
                    await self._accept(merged.candle)

    async def _accept(self, candle: Candle) -> None:
        if candle.timeframe is Timeframe.M1:
            self._symbol(candle.symbol).analytics.on_candle(candle)
        if self._store is not None:
            self._pending.append(candle)
            if len(self._pending) >= self.config.store_batch:
                await self.flush()
        for handler in self._handlers:
            await handler(candle)

    def _count(self, status: SeriesStatus) -> None:
        if status is SeriesStatus.DUPLICATE:
            self.stats.duplicates += 1
        elif status is SeriesStatus.CONFLICT:
            self.stats.conflicts += 1
        else:
            self.stats.late += 1

    def _symbol(self, symbol: str) -> _Symbol:
        state = self._symbols.get(symbol)
        if state is None:
            state = self._symbols[symbol] = _Symbol({}, SymbolAnalytics(self.config))
        return state

    def _series(self, symbol: str, timeframe: Timeframe) -> CandleSeries:
        by_tf = self._symbol(symbol).series
        series = by_tf.get(timeframe)
        if series is None:
            series = by_tf[timeframe] = CandleSeries(symbol, timeframe, self.config.window)
        return series
