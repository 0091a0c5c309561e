"""The strategy engine: closed candles in, orders through PlaceOrder out.

Every configured strategy is fed every closed candle of its timeframe, started or not, so
a strategy that is started is already warm. Only started strategies count in the
allocator. When a symbol's combined target changes, the engine sizes it against account
equity, diffs it against the position and sends the difference through the same
`PlaceOrder` use case as a manual order, under a client order id derived from the candle
that caused it: a replayed candle finds its order already there and never trades twice.

It reads no wall clock and never sleeps: time is the candles' own, so a backtest can drive
it from a simulated clock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from application import telemetry
from application.instruments import InstrumentCatalog
from application.ledger import UnitOfWorkFactory
from application.ports.candles import CandleStore
from application.ports.market_data import PriceCache
from application.ports.strategies import StoredStrategy, StrategyStateStore
from application.ports.venue import ExchangeError
from application.strategy_config import EngineConfig, StrategySlot
from application.use_cases.place_order import PlaceOrder
from application.use_cases.queries import Valuation
from domain.errors import DomainError, InvalidInput, NotFound
from domain.instrument import Instrument
from domain.market.candles import Candle, Timeframe
from domain.numbers import ZERO, floor_to
from domain.order import OrderRequest, OrderType, Side
from domain.risk.sizing import MarketStats, SizingConfig, SizingMethod, size_target
from domain.strategies import (
    InvalidStrategyParams,
    Regime,
    RegimeAllocator,
    RegimeDetector,
    Signal,
    Strategy,
    build_strategy,
)


def order_quantity(
    target: float, equity: Decimal, price: Decimal, instrument: Instrument, max_leverage: float
) -> Decimal:
    """Return the signed position, in contracts, that a combined target asks for.

    The one sizing hook: a fixed fraction of equity (domain `size_target`), floored to
    the instrument's step so a rounded order never exceeds the target.
    """
    config = SizingConfig(SizingMethod.FIXED, max_leverage=max_leverage, fixed_fraction=1.0)
    notional = size_target(config, target, max(equity, ZERO), MarketStats())
    quantity = floor_to(abs(notional) / price, instrument.step_size)
    return quantity if notional >= 0 else -quantity


# (target, equity, price, instrument, max_leverage) -> signed contracts; `order_quantity`
# by default, a fixed quantity in the benchmark and in backtests that ask for one.
Sizer = Callable[[float, Decimal, Decimal, Instrument, float], Decimal]


def client_order_id(trigger: Candle, symbol: str) -> str:
    """Return the deterministic client id of the order `trigger` causes on `symbol`."""
    key = f"{trigger.symbol}|{trigger.timeframe}|{trigger.open_time}|{symbol}"
    return f"st-{symbol}-{hashlib.blake2b(key.encode(), digest_size=6).hexdigest()}"


@dataclass(slots=True)
class _Slot:
    name: str
    config: StrategySlot
    strategy: Strategy
    enabled: bool
    signals: dict[str, Signal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StrategyView:
    """What GetStrategyState shows about one strategy."""

    strategy_id: str
    enabled: bool
    symbols: tuple[str, ...]
    timeframe: Timeframe
    capital: float
    params: dict[str, Any]
    indicators: dict[str, float | str]
    regimes: dict[str, str]
    targets: dict[str, float]
    last_signal: Signal | None
    last_error: str | None


@dataclass(slots=True)
class EngineStats:
    candles: int = 0
    signals: int = 0
    orders: int = 0
    duplicates: int = 0
    skipped: int = 0
    errors: int = 0


class StrategyEngine:
    """Run the configured strategies, the regime detector and the allocator."""

    def __init__(
        self,
        config: EngineConfig,
        place_order: PlaceOrder,
        valuation: Valuation,
        prices: PriceCache,
        instruments: InstrumentCatalog,
        uow: UnitOfWorkFactory,
        states: StrategyStateStore | None = None,
        sizer: Sizer | None = None,
    ) -> None:
        self.config = config
        self._place_order = place_order
        self._valuation = valuation
        self._prices = prices
        self._instruments = instruments
        self._uow = uow
        self._states = states
        self._sizer = sizer or order_quantity
        self._slots = {
            name: _Slot(name, slot, build_strategy(name, slot.symbols, slot.params), slot.enabled)
            for name, slot in config.strategies.items()
        }
        symbols = sorted({s for slot in config.strategies.values() for s in slot.symbols})
        self._detector = RegimeDetector(symbols, config.regime) if symbols else None
        self._allocator = RegimeAllocator(config.allocator_weights())
        self._combined: dict[str, float] = {}
        self._dirty: set[str] = set()
        self._errors: dict[str, str] = {}
        self._now = 0
        self._trading = True
        self.stats = EngineStats()

    # -- lifecycle ------------------------------------------------------------------

    @property
    def trading(self) -> bool:
        """False while warming up: targets are tracked but no order is sent."""
        return self._trading

    @trading.setter
    def trading(self, on: bool) -> None:
        self._trading = on

    async def restore(self) -> None:
        """Apply the persisted switches and parameters over the configured ones."""
        if self._states is None:
            return
        for name, stored in (await self._states.load()).items():
            slot = self._slots.get(name)
            if slot is None:
                continue
            try:
                slot.strategy = build_strategy(name, slot.config.symbols, stored.params)
            except InvalidStrategyParams as error:
                self._errors[name] = f"stored parameters ignored: {error}"
            slot.enabled = stored.enabled

    async def warm_up(self, store: CandleStore, until_ms: int | None = None) -> int:
        """Feed stored history to every strategy and the detector without trading."""
        bars: list[Candle] = []
        for timeframe, symbols in self._needs().items():
            for symbol in symbols:
                last = await store.last_open_time(symbol, timeframe)
                if last is None:
                    continue
                end = last + 1 if until_ms is None else min(last + 1, until_ms)
                start = end - self.config.warmup_bars * timeframe.ms
                bars += await store.range(symbol, timeframe, start, end)
        bars.sort(key=lambda c: (c.open_time + c.timeframe.ms, c.timeframe.ms, c.symbol))
        self._trading = False
        try:
            for bar in bars:
                await self.on_candle(bar)
        finally:
            self._trading = True
        self._combined.update(self._allocator.targets())
        self._dirty.clear()
        return len(bars)

    def _needs(self) -> dict[Timeframe, set[str]]:
        needs: dict[Timeframe, set[str]] = {}
        for slot in self._slots.values():
            needs.setdefault(slot.strategy.params.timeframe, set()).update(slot.config.symbols)
        if self._detector is not None:
            needs.setdefault(self.config.regime.timeframe, set()).update(self._detector.symbols)
        return needs

    # -- the per-candle path ---------------------------------------------------------

    async def on_candle(self, candle: Candle) -> None:
        """Take a closed candle; trade the symbols whose combined target it changed."""
        if not self._trading:  # warm-up replays history: no trace per bar
            await self._on_candle(candle)
            return
        # The root of every trade this candle causes: signal → sizing → order → fills.
        with telemetry.span(
            "market_data",
            symbol=candle.symbol,
            timeframe=candle.timeframe.value,
            open_time=candle.open_time,
            close=candle.close,
        ):
            await self._on_candle(candle)

    async def _on_candle(self, candle: Candle) -> None:
        self.stats.candles += 1
        self._now = max(self._now, candle.open_time + candle.timeframe.ms)
        touched: set[str] = set()
        self._update_regime(candle, touched)
        for slot in self._slots.values():
            if candle.timeframe is not slot.strategy.params.timeframe:
                continue
            signal = self._signal(slot, candle)
            if signal is None:
                continue
            self.stats.signals += 1
            slot.signals[signal.symbol] = signal
            if slot.enabled:
                touched.update(self._allocator.on_signal(slot.name, signal))
        if self._dirty:
            touched |= self._dirty
            self._dirty = set()
        for symbol in sorted(touched):
            target = self._allocator.target(symbol)
            if target != self._combined.get(symbol, 0.0) or not self._trading:
                self._combined[symbol] = target
                if self._trading:
                    await self._trade(symbol, target, candle)

    def _signal(self, slot: _Slot, candle: Candle) -> Signal | None:
        if not self._trading:
            return slot.strategy.on_candle(candle)
        with telemetry.span("strategy.signal", strategy=slot.name, symbol=candle.symbol) as span:
            signal = slot.strategy.on_candle(candle)
            if signal is not None:
                span.set_attributes(
                    telemetry.attributes(
                        {"target": signal.target, "reason": signal.reason, "enabled": slot.enabled}
                    )
                )
            return signal

    def _update_regime(self, candle: Candle, touched: set[str]) -> None:
        detector = self._detector
        if detector is None or candle.timeframe is not self.config.regime.timeframe:
            return
        if candle.symbol not in detector.symbols:
            return
        before = detector.regime(candle.symbol)
        regime = detector.update(candle)
        if regime is not None and regime is not before:
            touched.update(self._allocator.on_regime(candle.symbol, regime))

    async def _trade(self, symbol: str, target: float, trigger: Candle) -> None:
        try:
            await self._rebalance(symbol, target, trigger)
        except (DomainError, ExchangeError) as error:
            self.stats.errors += 1
            self._errors[symbol] = f"{type(error).__name__}: {error}"

    async def _rebalance(self, symbol: str, target: float, trigger: Candle) -> None:
        instrument = self._instruments.get(symbol)
        with telemetry.span("sizing", symbol=symbol, target=target) as span:
            price = self._prices.mark(symbol)
            if price is None:
                raise InvalidInput("price", f"no mark for {symbol} yet")
            equity = (await self._valuation.account()).margin_balance
            desired = self._sizer(target, equity, price, instrument, self.config.max_leverage)
            async with self._uow() as uow:
                position = await uow.positions.get(symbol)
            current = position.quantity if position is not None else ZERO
            diff = desired - current
            negligible = self._negligible(diff, desired, current, price, instrument)
            span.set_attributes(
                telemetry.attributes(
                    {"equity": equity, "desired": desired, "current": current, "skip": negligible}
                )
            )
        if negligible:
            self.stats.skipped += 1
            return
        reduce_only = desired == ZERO or (desired * current > 0 and abs(desired) < abs(current))
        request = OrderRequest(
            symbol=symbol,
            side=Side.BUY if diff > 0 else Side.SELL,
            type=OrderType.MARKET,
            quantity=abs(diff),
            reduce_only=reduce_only,
            client_order_id=client_order_id(trigger, symbol),
        )
        _, duplicate = await self._place_order.execute(request)
        if duplicate:
            self.stats.duplicates += 1
        else:
            self.stats.orders += 1
            self._errors.pop(symbol, None)

    def _negligible(
        self,
        diff: Decimal,
        desired: Decimal,
        current: Decimal,
        price: Decimal,
        instrument: Instrument,
    ) -> bool:
        if abs(diff) < instrument.step_size:
            return True
        if desired == ZERO:
            return False  # closing is never too small
        if abs(diff) * price < instrument.min_notional:
            return True
        tolerance = Decimal(repr(self.config.rebalance_tolerance))
        return desired * current > 0 and abs(diff) <= tolerance * abs(desired)

    # -- commands --------------------------------------------------------------------

    async def start(self, strategy_id: str) -> StrategyView:
        """Enable a strategy: its current targets count from the next candle on."""
        slot = self._slot(strategy_id)
        if not slot.enabled:
            slot.enabled = True
            for signal in slot.signals.values():
                self._dirty.update(self._allocator.on_signal(slot.name, signal))
            await self._persist(slot)
        return self.view(strategy_id)

    async def stop(self, strategy_id: str) -> StrategyView:
        """Disable a strategy: its targets drop to zero from the next candle on."""
        slot = self._slot(strategy_id)
        if slot.enabled:
            slot.enabled = False
            self._zero(slot, "stopped")
            await self._persist(slot)
        return self.view(strategy_id)

    async def update_parameters(
        self, strategy_id: str, changes: Mapping[str, Any], store: CandleStore | None = None
    ) -> StrategyView:
        """Validate and apply new parameters; on any bad value change nothing at all."""
        slot = self._slot(strategy_id)
        merged = {**slot.strategy.params.model_dump(mode="json"), **changes}
        try:
            rebuilt = build_strategy(slot.name, slot.config.symbols, merged)
        except InvalidStrategyParams as error:
            raise InvalidInput(f"params.{error.field}", error.reason) from error
        previous = slot.strategy
        slot.strategy = rebuilt
        try:
            await self._persist(slot)
        except Exception:
            slot.strategy = previous
            raise
        slot.signals.clear()
        if slot.enabled:  # the old instance's targets go; the new one's come from warm-up
            self._zero(slot, "parameters changed")
        if store is not None:
            await self._warm_one(slot, store)
        return self.view(strategy_id)

    def _zero(self, slot: _Slot, reason: str) -> None:
        for symbol in slot.config.symbols:
            zero = Signal(symbol, self._now, 0.0, reason)
            self._dirty.update(self._allocator.on_signal(slot.name, zero))

    async def _warm_one(self, slot: _Slot, store: CandleStore) -> None:
        timeframe = slot.strategy.params.timeframe
        bars: list[Candle] = []
        for symbol in slot.config.symbols:
            end = self._now - timeframe.ms + 1 if self._now else None
            last = await store.last_open_time(symbol, timeframe)
            if last is None:
                continue
            stop = last + 1 if end is None else min(last + 1, end)
            bars += await store.range(
                symbol, timeframe, stop - self.config.warmup_bars * timeframe.ms, stop
            )
        bars.sort(key=lambda c: (c.open_time, c.symbol))
        for bar in bars:
            signal = slot.strategy.on_candle(bar)
            if signal is not None:
                slot.signals[signal.symbol] = signal
        if slot.enabled:
            for signal in slot.signals.values():
                self._dirty.update(self._allocator.on_signal(slot.name, signal))

    async def _persist(self, slot: _Slot) -> None:
        if self._states is None:
            return
        params = slot.strategy.params.model_dump(mode="json")
        await self._states.save(StoredStrategy(slot.name, slot.enabled, params, self._now))

    def _slot(self, strategy_id: str) -> _Slot:
        slot = self._slots.get(strategy_id)
        if slot is None:
            raise NotFound("strategy", strategy_id)
        return slot

    # -- queries ---------------------------------------------------------------------

    def strategy_ids(self) -> list[str]:
        return list(self._slots)

    def views(self) -> list[StrategyView]:
        return [self.view(name) for name in self._slots]

    def view(self, strategy_id: str) -> StrategyView:
        """Return a strategy's switch, parameters, indicators, regimes and targets."""
        slot = self._slot(strategy_id)
        symbols = slot.config.symbols
        last = max(slot.signals.values(), key=lambda s: s.ts, default=None)
        errors = [self._errors[k] for k in (slot.name, *symbols) if k in self._errors]
        return StrategyView(
            strategy_id=slot.name,
            enabled=slot.enabled,
            symbols=symbols,
            timeframe=slot.strategy.params.timeframe,
            capital=slot.config.capital,
            params=slot.strategy.params.model_dump(mode="json"),
            indicators={**slot.strategy.state(), **self._regime_state(symbols)},
            regimes={s: r.value for s in symbols if (r := self.regime(s)) is not None},
            targets={s: self._combined.get(s, 0.0) for s in symbols},
            last_signal=last,
            last_error=errors[0] if errors else None,
        )

    def _regime_state(self, symbols: tuple[str, ...]) -> dict[str, float | str]:
        if self._detector is None:
            return {}
        return {
            f"regime.{key}": value
            for key, value in self._detector.state().items()
            if key.split(".", 1)[0] in symbols
        }

    def regime(self, symbol: str) -> Regime | None:
        detector = self._detector
        if detector is None or symbol not in detector.symbols:
            return None
        return detector.regime(symbol)

    def targets(self) -> dict[str, float]:
        """Return the combined target of every symbol traded so far."""
        return dict(self._combined)

    def symbols(self) -> Iterable[str]:
        return self._detector.symbols if self._detector is not None else ()
