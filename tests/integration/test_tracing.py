"""A manual order over gRPC is one trace from the caller's span down to persistence."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
import structlog
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from autotrader.v1 import trading_pb2 as pb
from autotrader.v1 import trading_pb2_grpc
from entrypoints.grpc.client_tracing import aio_interceptors
from entrypoints.logs import configure_logging
from entrypoints.runtime import Service
from entrypoints.settings import PaperSettings, Settings
from tests.tracing import one, spans, tree

__all__ = ["spans"]
SUBMIT = "/autotrader.v1.TradingService/SubmitOrder"


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Service]:
    settings = Settings(
        data_dir=tmp_path,
        grpc_port=0,
        metrics_port=0,
        dashboard_port=0,
        paper=PaperSettings(tick_interval_ms=50),
        log_level="info",
    )
    service = Service(settings)
    await service.start()
    yield service
    await service.stop(grace=0)


def _market(quantity: str = "0.01") -> pb.SubmitOrderRequest:
    return pb.SubmitOrderRequest(
        symbol="BTCUSDT", side=pb.SIDE_BUY, type=pb.ORDER_TYPE_MARKET, quantity=quantity
    )


async def test_a_grpc_order_continues_the_callers_trace_down_to_persistence(
    service: Service, spans: InMemorySpanExporter
) -> None:
    assert service.grpc is not None
    target = f"127.0.0.1:{service.grpc.port}"
    tracer = trace.get_tracer("test-caller")
    async with grpc.aio.insecure_channel(target, interceptors=aio_interceptors()) as channel:
        stub = trading_pb2_grpc.TradingServiceStub(channel)
        with tracer.start_as_current_span("internal-caller") as caller:
            reply = await stub.SubmitOrder(_market())
    assert reply.order.status == pb.ORDER_STATUS_FILLED

    # The risk breaker reacts to the fill later, from the bus: see the bus test below.
    finished = [s for s in spans.get_finished_spans() if s.name != "risk.breaker"]
    root = one(finished, "internal-caller")
    assert tree(finished, root) == [
        "internal-caller",
        f"  {SUBMIT}",
        "    order.place",
        "      risk.check",
        "        risk.HaltCheck",
        "        risk.ReduceOnlyCheck",
        "        risk.PriceBandCheck",
        "        risk.ExposureCheck",
        "        risk.RateLimitCheck",
        "      ledger.persist",
        "      order.route",
        "        exchange.submit",
        "        order.report",
        "        order.fill",
        "          position.update",
        "        ledger.persist",
    ]
    server = one(finished, SUBMIT)
    assert server.context is not None
    assert server.context.trace_id == caller.get_span_context().trace_id
    assert server.kind is trace.SpanKind.SERVER
    assert server.attributes is not None
    assert server.attributes["rpc.method"] == "SubmitOrder"
    assert server.attributes["rpc.grpc.status_code"] == 0
    place = one(finished, "order.place")
    assert place.attributes is not None
    assert place.attributes["order_id"] == reply.order.order_id
    assert place.attributes["client_order_id"] == reply.order.client_order_id
    assert place.attributes["mode"] == "paper"
    exposure = one(finished, "risk.ExposureCheck")
    assert exposure.attributes is not None
    assert exposure.attributes["risk.verdict"] == "accepted"
    submit = one(finished, "exchange.submit")
    assert submit.attributes is not None
    assert submit.attributes["venue"] == "simulated"


async def test_without_a_caller_trace_the_grpc_call_is_the_root(
    service: Service, spans: InMemorySpanExporter
) -> None:
    assert service.grpc is not None
    async with grpc.aio.insecure_channel(f"127.0.0.1:{service.grpc.port}") as channel:
        stub = trading_pb2_grpc.TradingServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError):
            await stub.SubmitOrder(_market(quantity="-1"))
        await stub.SubmitOrder(_market())

    servers = [s for s in spans.get_finished_spans() if s.name == SUBMIT]
    assert [s.parent for s in servers] == [None, None]
    bad, good = servers
    assert bad.status.status_code is trace.StatusCode.ERROR
    assert bad.attributes is not None
    assert bad.attributes["rpc.grpc.status_code"] == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert good.status.status_code is trace.StatusCode.UNSET


async def test_log_lines_inside_the_call_carry_trace_ids_mode_and_session(
    service: Service, spans: InMemorySpanExporter, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("info", "json", mode="paper", session="sess-1")
    try:
        assert service.grpc is not None
        async with grpc.aio.insecure_channel(f"127.0.0.1:{service.grpc.port}") as channel:
            await trading_pb2_grpc.TradingServiceStub(channel).SubmitOrder(_market())
    finally:
        structlog.reset_defaults()
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if "{" in line]
    [rpc] = [line for line in lines if line.get("event") == "rpc"]
    server = one(spans.get_finished_spans(), SUBMIT)
    assert server.context is not None
    assert rpc["trace_id"] == format(server.context.trace_id, "032x")
    assert rpc["span_id"] == format(server.context.span_id, "016x")
    assert rpc["mode"] == "paper"
    assert rpc["session"] == "sess-1"


async def test_the_cli_continues_the_trace_in_traceparent(
    service: Service, spans: InMemorySpanExporter
) -> None:
    assert service.grpc is not None
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOTRADER_")}
    env |= {
        "AUTOTRADER_TARGET": f"127.0.0.1:{service.grpc.port}",
        "TRACEPARENT": f"00-{trace_id}-00f067aa0ba902b7-01",
    }
    args = ["orders", "submit", "--symbol", "BTCUSDT", "--side", "buy", "--qty", "0.01"]
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "autotrader"),
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()

    server = one(spans.get_finished_spans(), SUBMIT)
    assert server.parent is not None
    assert server.parent.span_id == int("00f067aa0ba902b7", 16)
    assert server.context is not None
    assert format(server.context.trace_id, "032x") == trace_id


async def test_a_subscriber_on_the_event_bus_continues_the_orders_trace(
    service: Service, spans: InMemorySpanExporter
) -> None:
    assert service.grpc is not None
    async with grpc.aio.insecure_channel(f"127.0.0.1:{service.grpc.port}") as channel:
        await trading_pb2_grpc.TradingServiceStub(channel).SubmitOrder(_market())
    server = one(spans.get_finished_spans(), SUBMIT)
    assert server.context is not None
    for _ in range(100):
        breakers = [s for s in spans.get_finished_spans() if s.name == "risk.breaker"]
        if breakers:
            break
        await asyncio.sleep(0.02)
    assert breakers, "the risk component never evaluated the breaker"
    assert {s.context.trace_id for s in breakers if s.context} == {server.context.trace_id}
