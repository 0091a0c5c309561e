"""Prometheus metrics: counted by observing events, set from snapshots, reported by adapters.

`PrometheusMetrics` implements `OperationalMetrics` for the adapters (WebSocket
reconnects, rate-limit waits, market-data lag, outbox backlog), counts orders,
rejects, fills and the order-path latencies from the events the ledger publishes,
and sets equity, PnL, exposure, VaR, positions and strategy states from snapshots.
Each instance owns its registry, so tests and several services never collide.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from application.events import Event, EventKind
from application.use_cases.monitoring import MonitorSnapshot
from domain.fill import Fill
from domain.order import Order, OrderStatus

CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
STRATEGY_STATES = ("running", "stopped", "error")
_ACKED = frozenset(OrderStatus) - {OrderStatus.NEW}


def reject_reason(reason: str | None) -> str:
    """A low-cardinality label for a reject: the risk code before ':' or a short prefix."""
    if not reason:
        return "unknown"
    code = reason.split(":", 1)[0].strip()
    return code[:40] if code else "unknown"


class PrometheusMetrics:
    """All the service's metrics, in one registry."""

    def __init__(
        self,
        registry: CollectorRegistry | None = None,
        now: Callable[[], float] = time.perf_counter,
        pending_capacity: int = 100_000,
    ) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self._now = now
        self._pending_capacity = pending_capacity
        # client order id -> (submitted at, acked yet)
        self._pending: OrderedDict[str, tuple[float, bool]] = OrderedDict()
        self._strategy_labels: set[tuple[str, str]] = set()
        self._position_symbols: set[str] = set()
        r = self.registry
        self.orders = Counter(
            "autotrader_orders", "Orders reaching each status.", ["status", "symbol"], registry=r
        )
        self.rejects = Counter(
            "autotrader_order_rejects", "Rejected orders by reason code.", ["reason"], registry=r
        )
        self.fills = Counter("autotrader_fills", "Fills booked.", ["symbol", "side"], registry=r)
        self.fill_volume = Counter(
            "autotrader_fill_notional", "Notional filled, quote asset.", ["symbol"], registry=r
        )
        self.ack_latency = Histogram(
            "autotrader_order_ack_seconds",
            "Order path: stored NEW to the venue's first answer.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.fill_latency = Histogram(
            "autotrader_order_fill_seconds",
            "Order path: stored NEW to FILLED.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.equity = Gauge("autotrader_equity", "Margin balance (wallet + uPnL).", registry=r)
        self.wallet = Gauge("autotrader_wallet_balance", "Wallet balance.", registry=r)
        self.available = Gauge("autotrader_available_balance", "Available balance.", registry=r)
        self.pnl = Gauge("autotrader_pnl", "Realised − fees + funding + unrealised.", registry=r)
        self.unrealized = Gauge("autotrader_unrealized_pnl", "Unrealised PnL.", registry=r)
        self.exposure = Gauge(
            "autotrader_exposure_notional", "Signed notional by symbol.", ["symbol"], registry=r
        )
        self.gross_exposure = Gauge(
            "autotrader_gross_exposure", "Sum of |notional| over positions.", registry=r
        )
        self.margin_used = Gauge("autotrader_margin_used", "Position + order margin.", registry=r)
        self.open_positions = Gauge("autotrader_open_positions", "Non-flat positions.", registry=r)
        self.open_orders = Gauge("autotrader_open_orders", "Orders still working.", registry=r)
        self.var = Gauge("autotrader_var", "One-day value at risk (NaN: unknown).", registry=r)
        self.kill_switch = Gauge(
            "autotrader_kill_switch", "1 while new risk is halted (NaN: unknown).", registry=r
        )
        self.limit_usage = Gauge(
            "autotrader_risk_limit_usage_ratio", "Used / limit by limit.", ["limit"], registry=r
        )
        self.strategy_state = Gauge(
            "autotrader_strategy_state",
            "1 for each strategy's current state.",
            ["strategy", "state"],
            registry=r,
        )
        self.md_lag = Histogram(
            "autotrader_market_data_lag_seconds",
            "Arrival time minus exchange time of market data.",
            ["symbol"],
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60),
            registry=r,
        )
        self.ws_reconnects = Counter(
            "autotrader_websocket_reconnects",
            "WebSocket reconnects.",
            ["venue", "stream"],
            registry=r,
        )
        self.rate_limit_waits = Counter(
            "autotrader_rate_limit_waits", "Waits for a venue's rate limit.", ["venue"], registry=r
        )
        self.rate_limit_wait_seconds = Counter(
            "autotrader_rate_limit_wait_seconds", "Time spent waiting.", ["venue"], registry=r
        )
        self.outbox = Gauge(
            "autotrader_outbox_backlog", "Events not yet relayed (NaN: no outbox).", registry=r
        )
        self.events = Counter("autotrader_events", "Events observed.", ["kind"], registry=r)
        for gauge in (self.var, self.kill_switch, self.outbox):  # NaN: nothing reported
            gauge.set(float("nan"))

    def render(self) -> bytes:
        """The text exposition format, for GET /metrics."""
        return generate_latest(self.registry)

    # -- OperationalMetrics: called by adapters -------------------------------------

    def market_data_lag(self, symbol: str, seconds: float) -> None:
        self.md_lag.labels(symbol).observe(max(seconds, 0.0))

    def websocket_reconnected(self, venue: str, stream: str) -> None:
        self.ws_reconnects.labels(venue, stream).inc()

    def rate_limit_waited(self, venue: str, seconds: float) -> None:
        self.rate_limit_waits.labels(venue).inc()
        self.rate_limit_wait_seconds.labels(venue).inc(max(seconds, 0.0))

    def outbox_backlog(self, messages: int) -> None:
        self.outbox.set(messages)

    # -- events ---------------------------------------------------------------------

    def observe(self, event: Event) -> None:
        """Count what an event says happened (orders, rejects, fills, latencies)."""
        self.events.labels(event.kind.value).inc()
        if event.kind is EventKind.ORDER_UPDATED and isinstance(event.subject, Order):
            self._order(event.subject)
        elif event.kind is EventKind.FILL_RECORDED and isinstance(event.subject, Fill):
            fill = event.subject
            self.fills.labels(fill.symbol, fill.side.value).inc()
            self.fill_volume.labels(fill.symbol).inc(float(fill.quantity * fill.price))

    def _order(self, order: Order) -> None:
        self.orders.labels(order.status.value, order.symbol).inc()
        key = order.client_order_id
        if order.status is OrderStatus.REJECTED:
            self.rejects.labels(reject_reason(order.reject_reason)).inc()
        if order.status is OrderStatus.NEW:
            self._pending[key] = (self._now(), False)
            while len(self._pending) > self._pending_capacity:
                self._pending.popitem(last=False)
            return
        pending = self._pending.get(key)
        if pending is None:
            return
        submitted, acked = pending
        elapsed = self._now() - submitted
        if order.status in _ACKED and not acked:
            self.ack_latency.observe(elapsed)
            self._pending[key] = (submitted, True)
        if order.status is OrderStatus.FILLED:
            self.fill_latency.observe(elapsed)
        if order.status.is_final:
            self._pending.pop(key, None)

    # -- snapshots ------------------------------------------------------------------

    def update(self, snapshot: MonitorSnapshot) -> None:
        """Set the gauges from a fresh read of the book."""
        account = snapshot.account
        self.equity.set(float(account.margin_balance))
        self.wallet.set(float(account.wallet_balance))
        self.available.set(float(account.available_balance))
        self.unrealized.set(float(account.unrealized_pnl))
        self.margin_used.set(float(account.used_margin))
        self.pnl.set(float(snapshot.pnl))
        self.open_orders.set(len(snapshot.open_orders))
        self.open_positions.set(len(snapshot.open_positions))
        self.gross_exposure.set(float(snapshot.gross_exposure))
        symbols = {view.position.symbol for view in snapshot.open_positions}
        for view in snapshot.open_positions:
            sign = 1 if view.position.quantity > 0 else -1
            self.exposure.labels(view.position.symbol).set(sign * float(abs(view.notional)))
        for gone in self._position_symbols - symbols:
            self.exposure.labels(gone).set(0)
        self._position_symbols = symbols
        self._risk(snapshot)
        self._strategies(snapshot)

    def _risk(self, snapshot: MonitorSnapshot) -> None:
        risk = snapshot.risk
        if risk is None:
            return
        self.kill_switch.set(1 if risk.kill_switch else 0)
        self.var.set(float(risk.var) if risk.var is not None else float("nan"))
        for limit in risk.limits:
            self.limit_usage.labels(limit.name).set(limit.ratio)

    def _strategies(self, snapshot: MonitorSnapshot) -> None:
        if snapshot.strategies is None:
            return
        seen: set[tuple[str, str]] = set()
        for status in snapshot.strategies:
            for state in (*STRATEGY_STATES, status.state):
                value = 1 if state == status.state else 0
                self.strategy_state.labels(status.strategy_id, state).set(value)
                seen.add((status.strategy_id, state))
        for strategy, state in self._strategy_labels - seen:
            self.strategy_state.remove(strategy, state)
        self._strategy_labels = seen
