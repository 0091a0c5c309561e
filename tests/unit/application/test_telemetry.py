"""Tracing in the application: one trace per trade, late fills join it, events carry it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from application import telemetry
from application.ports.risk import RiskVerdict
from domain.order import OrderRequest, OrderType, Side
from tests.tracing import by_name, one, spans, tree
from tests.unit.application.fakes import App, RecordingCheck, fill_at, filled, make_app

__all__ = ["spans"]
D = Decimal


@pytest.fixture
async def app() -> App:
    app = make_app()
    await app.ledger.open_account(D(10_000), at=0)
    app.set_mark("BTCUSDT", 10_000)
    telemetry.ORDER_TRACES.clear()
    return app


async def _strategy_trade(app: App, request: OrderRequest) -> None:
    # The shape a strategy engine gives a trade: market data → signal → sizing → order.
    with (
        telemetry.span("market_data", symbol="BTCUSDT", price="10000"),
        telemetry.span("strategy.signal", strategy="trend", signal="long"),
    ):
        with telemetry.span("sizing", symbol="BTCUSDT", quantity=request.quantity):
            pass
        await app.place.execute(request)


async def test_a_strategy_trade_is_one_trace_from_market_data_to_persistence(
    app: App, spans: InMemorySpanExporter
) -> None:
    app.exchange.on_submit = fill_at(10_000)
    app.risk.add(RecordingCheck())

    await _strategy_trade(app, OrderRequest("BTCUSDT", Side.BUY, OrderType.MARKET, D("0.1")))

    finished = spans.get_finished_spans()
    root = one(finished, "market_data")
    assert tree(finished, root) == [
        "market_data",
        "  strategy.signal",
        "    sizing",
        "    order.place",
        "      risk.check",
        "        risk.RecordingCheck",
        "      ledger.persist",
        "      order.route",
        "        exchange.submit",
        "        order.report",
        "        order.fill",
        "          position.update",
        "        ledger.persist",
    ]
    assert {s.context.trace_id for s in finished if s.context} == {root.context.trace_id}
    place = one(finished, "order.place")
    assert place.attributes is not None
    assert place.attributes["symbol"] == "BTCUSDT"
    assert place.attributes["side"] == "BUY"
    assert place.attributes["quantity"] == "0.1"
    assert place.attributes["status"] == "FILLED"
    assert str(place.attributes["client_order_id"]).startswith("at-")
    assert place.attributes["mode"] == "paper"
    risk = one(finished, "risk.check")
    assert risk.attributes is not None
    assert risk.attributes["risk.verdict"] == "accepted"
    fill = one(finished, "order.fill")
    assert fill.attributes is not None
    assert fill.attributes["price"] == "10000"


async def test_a_rejected_order_carries_the_risk_verdict_and_reason(
    app: App, spans: InMemorySpanExporter
) -> None:
    app.risk.add(RecordingCheck(RiskVerdict.reject("MAX_NOTIONAL", "1,000 over the limit")))

    await _strategy_trade(app, OrderRequest("BTCUSDT", Side.BUY, OrderType.MARKET, D("0.1")))

    finished = spans.get_finished_spans()
    risk = one(finished, "risk.check")
    assert risk.attributes is not None
    assert risk.attributes["risk.verdict"] == "rejected"
    assert risk.attributes["risk.code"] == "MAX_NOTIONAL"
    assert risk.attributes["risk.reason"] == "1,000 over the limit"
    check = one(finished, "risk.RecordingCheck")
    assert check.attributes is not None
    assert check.attributes["risk.verdict"] == "rejected"
    assert by_name(finished, "order.route") == []


async def test_a_late_fill_from_the_venue_joins_the_orders_trace(
    app: App, spans: InMemorySpanExporter
) -> None:
    request = OrderRequest("BTCUSDT", Side.BUY, OrderType.LIMIT, D("0.1"), D("9000"))
    await _strategy_trade(app, request)  # rests: the fake venue only accepts it
    [order] = await app.orders()
    place = one(spans.get_finished_spans(), "order.place")
    assert place.context is not None

    # The venue's subscription delivers the fill later, inside an unrelated tick span.
    with telemetry.span("venue.tick") as tick:
        await app.ledger.apply([filled(order, "9000")])

    fill = one(spans.get_finished_spans(), "order.fill")
    assert fill.parent is not None
    assert fill.parent.span_id == place.context.span_id
    assert fill.context is not None
    assert fill.context.trace_id == place.context.trace_id
    assert [link.context.span_id for link in fill.links] == [tick.get_span_context().span_id]


async def test_published_events_carry_the_trace_they_were_made_in(
    app: App, spans: InMemorySpanExporter
) -> None:
    app.exchange.on_submit = fill_at(10_000)
    app.listen()

    with telemetry.span("caller") as caller:
        await app.place.execute(OrderRequest("BTCUSDT", Side.BUY, OrderType.MARKET, D("0.1")))

    events = await app.published()
    assert events
    trace_id = caller.get_span_context().trace_id
    for event in events:
        context = telemetry.context_from(event.trace)
        assert context is not None
        assert context.trace_id == trace_id


def test_traceparent_round_trips_and_rejects_garbage(spans: InMemorySpanExporter) -> None:
    assert telemetry.traceparent() is None
    with telemetry.span("outer") as outer:
        header = telemetry.traceparent()
    assert telemetry.context_from(header) == outer.get_span_context().__class__(
        outer.get_span_context().trace_id,
        outer.get_span_context().span_id,
        is_remote=True,
        trace_flags=outer.get_span_context().trace_flags,
    )
    assert telemetry.context_from("not-a-traceparent") is None
    assert telemetry.context_from(None) is None


def test_order_traces_forget_the_oldest_beyond_capacity(spans: InMemorySpanExporter) -> None:
    traces = telemetry.OrderTraces(capacity=2)
    for client_id in ("a", "b", "c"):
        with telemetry.span(client_id):
            traces.remember(client_id)
    assert traces.get("a") is None
    assert traces.get("b") is not None
    assert traces.get("c") is not None
