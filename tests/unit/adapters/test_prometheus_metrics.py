"""Metrics counted from events and set from snapshots, in a private registry."""

from __future__ import annotations

import copy
from decimal import Decimal

from adapters.prometheus.metrics import PrometheusMetrics, reject_reason
from application.events import fill_recorded, order_updated
from application.ports.monitoring import LimitUsage, RiskStatus, StrategyStatus
from application.use_cases.monitoring import MonitorSnapshot
from domain.account import AccountSummary
from domain.order import Order, OrderRequest, OrderType, Side, new_order
from tests.unit.application.fakes import filled

D = Decimal


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def _value(m: PrometheusMetrics, name: str, **labels: str) -> float:
    value = m.registry.get_sample_value(name, labels)
    assert value is not None, (name, labels)
    return value


def _order(client_id: str = "c-1") -> Order:
    request = OrderRequest("BTCUSDT", Side.BUY, OrderType.MARKET, D("0.1"))
    return new_order(request, "o-1", client_id, at=1)


def test_orders_latencies_and_fills_come_from_events() -> None:
    clock = Clock()
    m = PrometheusMetrics(now=clock)
    order = _order()
    m.observe(order_updated(order))
    clock.t += 0.004
    order.accept("x-1", 2)
    m.observe(order_updated(copy.copy(order)))
    clock.t += 0.006
    report = filled(order, "10000")
    assert report.fill is not None
    order.record_fill(report.fill.quantity, report.fill.price, report.fill.fee, 3)
    m.observe(order_updated(order))
    m.observe(fill_recorded(report.fill))

    assert _value(m, "autotrader_orders_total", status="NEW", symbol="BTCUSDT") == 1
    assert _value(m, "autotrader_orders_total", status="FILLED", symbol="BTCUSDT") == 1
    assert _value(m, "autotrader_order_ack_seconds_count") == 1
    assert abs(_value(m, "autotrader_order_ack_seconds_sum") - 0.004) < 1e-9
    assert abs(_value(m, "autotrader_order_fill_seconds_sum") - 0.010) < 1e-9
    assert _value(m, "autotrader_fills_total", symbol="BTCUSDT", side="BUY") == 1
    assert _value(m, "autotrader_fill_notional_total", symbol="BTCUSDT") == 1000


def test_rejects_are_counted_by_reason_code() -> None:
    m = PrometheusMetrics()
    order = _order()
    order.reject("MAX_ORDER_NOTIONAL: 30,000 over 25,000", 2)
    m.observe(order_updated(order))
    assert _value(m, "autotrader_order_rejects_total", reason="MAX_ORDER_NOTIONAL") == 1
    assert reject_reason(None) == "unknown"
    assert reject_reason("the venue said no") == "the venue said no"


def test_adapters_report_what_is_not_an_event() -> None:
    m = PrometheusMetrics()
    m.websocket_reconnected("binance", "user")
    m.rate_limit_waited("binance", 0.25)
    m.market_data_lag("BTCUSDT", 0.08)
    m.outbox_backlog(7)
    assert _value(m, "autotrader_websocket_reconnects_total", venue="binance", stream="user") == 1
    assert _value(m, "autotrader_rate_limit_wait_seconds_total", venue="binance") == 0.25
    assert _value(m, "autotrader_market_data_lag_seconds_count", symbol="BTCUSDT") == 1
    assert _value(m, "autotrader_outbox_backlog") == 7


def test_snapshots_set_the_gauges_and_strategy_states() -> None:
    m = PrometheusMetrics()
    account = AccountSummary("USDT", D(1000), D(25), D(1025), D(100), D(0), D(925))
    risk = RiskStatus(True, "operator", (LimitUsage("gross exposure", D(50), D(200)),), D(12))
    strategies = [StrategyStatus("trend", "running"), StrategyStatus("pairs", "error")]
    m.update(MonitorSnapshot(1, account, [], [], D(30), risk, strategies))

    assert _value(m, "autotrader_equity") == 1025
    assert _value(m, "autotrader_pnl") == 30
    assert _value(m, "autotrader_kill_switch") == 1
    assert _value(m, "autotrader_var") == 12
    assert _value(m, "autotrader_risk_limit_usage_ratio", limit="gross exposure") == 0.25
    assert _value(m, "autotrader_strategy_state", strategy="trend", state="running") == 1
    assert _value(m, "autotrader_strategy_state", strategy="trend", state="stopped") == 0
    assert _value(m, "autotrader_strategy_state", strategy="pairs", state="error") == 1
    assert b"autotrader_open_positions 0.0" in m.render()
