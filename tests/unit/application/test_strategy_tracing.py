"""A strategy-driven trade on the paper stack is one trace: candle → signal → sizing → order."""

from __future__ import annotations

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from application import telemetry
from tests.tracing import by_name, spans, tree
from tests.unit.application.strategy_rig import Rig, fast_trend_config
from tests.unit.application.test_strategy_engine import zigzag

__all__ = ["spans"]


async def test_a_strategy_trade_is_one_trace_from_the_candle_to_persistence(
    spans: InMemorySpanExporter,
) -> None:
    telemetry.ORDER_TRACES.clear()
    rig = Rig(fast_trend_config())
    await rig.open()

    await rig.feed(zigzag(200))

    orders = await rig.orders()
    assert orders
    finished = spans.get_finished_spans()
    places = by_name(finished, "order.place")
    assert len(places) == len(orders)
    place = places[0]
    assert place.parent is not None
    assert place.context is not None
    [root] = [s for s in finished if s.context and s.context.span_id == place.parent.span_id]
    assert root.name == "market_data"
    assert root.parent is None
    lines = tree(finished, root)
    assert lines[:1] == ["market_data"]
    assert "  strategy.signal" in lines
    # sizing, then the order it sized, as siblings under the candle
    assert lines.index("  sizing") < lines.index("  order.place")
    assert lines[lines.index("  order.place") :] == [
        "  order.place",
        "    risk.check",
        "    ledger.persist",
        "    order.route",
        "      exchange.submit",
        "      order.report",
        "      order.fill",
        "        position.update",
        "      ledger.persist",
    ]
    assert place.attributes is not None
    assert str(place.attributes["client_order_id"]).startswith("st-")
    assert {s.context.trace_id for s in finished if s.context and s.name == "order.fill"} >= {
        place.context.trace_id
    }
    signals = [s for s in by_name(finished, "strategy.signal") if "target" in (s.attributes or {})]
    assert signals
    assert signals[0].attributes is not None
    assert signals[0].attributes["strategy"] == "trend"


async def test_warm_up_makes_no_spans(spans: InMemorySpanExporter) -> None:
    rig = Rig(fast_trend_config())
    await rig.open()
    await rig.candles.upsert(zigzag(60))
    spans.clear()
    assert await rig.engine.warm_up(rig.candles) > 0
    assert spans.get_finished_spans() == ()
