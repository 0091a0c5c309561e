"""Order-path latency with tracing off vs on (in-memory exporter), 10,000 orders each.

Mirrors bench/order_path.py: starts the paper service as a subprocess, sends market
orders from concurrent gRPC clients and measures submit→ack (the SubmitOrder reply)
and submit→fill (the fill.recorded event on a StreamEvents subscriber). The "on" run
starts the same service with an SDK tracer provider whose batch processor exports to
an InMemorySpanExporter, and reports how many spans it recorded.

    .venv/bin/python bench/order_path_tracing.py [--orders 10000] [--clients 8]
    .venv/bin/python bench/order_path_tracing.py --in-process 3   # PlaceOrder alone

Run as `... order_path_tracing.py serve-traced --data-dir D --grpc-port P` it is the
traced server itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import grpc

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autotrader.v1 import trading_pb2 as pb
from autotrader.v1 import trading_pb2_grpc
from bench.order_path import free_port, percentile, wait_serving

SPAN_REPORT = "spans recorded:"


@dataclass
class Result:
    label: str
    elapsed: float
    ack_ms: list[float]
    fill_ms: list[float]
    spans: str = "-"

    def line(self) -> str:
        ack, fill = self.ack_ms, self.fill_ms
        return (
            f"{self.label:<12} {len(ack) / self.elapsed:>8,.0f} orders/s   "
            f"ack p50 {statistics.median(ack):6.2f} ms  p99 {percentile(ack, 0.99):6.2f} ms   "
            f"fill p50 {statistics.median(fill):6.2f} ms  p99 {percentile(fill, 0.99):6.2f} ms"
            f"   spans {self.spans}"
        )


# The benchmark measures the path, not the pre-trade rate limits: lift them far away.
BENCH_LIMITS = """\
max_order_notional: 10000000
max_position_notional: 100000000
max_gross_exposure: 100000000
max_net_exposure: 100000000
max_leverage: 100
symbol_order_rate: 100000
symbol_order_burst: 100000
account_order_rate: 100000
account_order_burst: 100000
daily_loss_limit: 1000000
max_drawdown_pct: 90
"""


def _env(tmp: Path) -> dict[str, str]:
    limits = tmp / "bench_limits.yaml"
    limits.write_text(BENCH_LIMITS)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOTRADER_")}
    env.update(
        {
            "AUTOTRADER_LOG_LEVEL": "warning",
            "AUTOTRADER_PAPER__STARTING_BALANCE": "1000000",
            "AUTOTRADER_RISK_LIMITS_FILE": str(limits),
            # the monitoring component runs as in production, on free ports
            "AUTOTRADER_METRICS_PORT": str(free_port()),
            "AUTOTRADER_DASHBOARD_PORT": str(free_port()),
        }
    )
    return env


def start(data_dir: Path, port: int, traced: bool, log: Path) -> subprocess.Popen[bytes]:
    args = ["--data-dir", str(data_dir), "--grpc-port", str(port)]
    if traced:
        cmd = [sys.executable, __file__, "serve-traced", *args]
    else:
        cmd = [str(Path(sys.executable).parent / "autotrader"), "serve", *args]
    with log.open("wb") as out:
        return subprocess.Popen(cmd, env=_env(log.parent), stderr=out)


async def drive(target: str, orders: int, clients: int, label: str) -> Result:
    sent: dict[str, float] = {}
    ack_ms: list[float] = []
    fill_ms: list[float] = []
    filled = asyncio.Event()
    async with grpc.aio.insecure_channel(target) as channel:
        stub = trading_pb2_grpc.TradingServiceStub(channel)
        stream = stub.StreamEvents(pb.StreamEventsRequest(follow=True, kinds=["fill.recorded"]))

        async def watch() -> None:
            async for event in stream:
                started = sent.get(event.fill.client_order_id)
                if started is not None:
                    fill_ms.append((time.perf_counter() - started) * 1000)
                    if len(fill_ms) == orders:
                        filled.set()
                        return

        watcher = asyncio.create_task(watch())
        await asyncio.sleep(0.3)
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(orders):
            queue.put_nowait(n)

        async def client() -> None:
            while not queue.empty():
                n = queue.get_nowait()
                client_id = f"{label}-{n}"
                request = pb.SubmitOrderRequest(
                    symbol="BTCUSDT",
                    side=pb.SIDE_BUY if n % 2 == 0 else pb.SIDE_SELL,
                    type=pb.ORDER_TYPE_MARKET,
                    quantity="0.002",
                    client_order_id=client_id,
                )
                started = time.perf_counter()
                sent[client_id] = started
                reply = await stub.SubmitOrder(request)
                ack_ms.append((time.perf_counter() - started) * 1000)
                assert reply.order.status == pb.ORDER_STATUS_FILLED, reply.order

        began = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        await asyncio.wait_for(filled.wait(), timeout=120)
        elapsed = time.perf_counter() - began
        watcher.cancel()
        stream.cancel()
    return Result(label, elapsed, ack_ms, fill_ms)


def run_one(traced: bool, orders: int, clients: int) -> Result:
    label = "tracing on" if traced else "tracing off"
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        log = Path(tmp) / "server.log"
        server = start(Path(tmp) / "data", port, traced, log)
        try:
            target = f"127.0.0.1:{port}"
            asyncio.run(wait_serving(target))
            result = asyncio.run(drive(target, orders, clients, label.replace(" ", "-")))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        for line in log.read_text().splitlines():
            if line.startswith(SPAN_REPORT):
                result.spans = line.removeprefix(SPAN_REPORT).strip()
    return result


def serve_traced(argv: list[str]) -> None:
    """The paper service with an SDK provider exporting to memory (the "on" run)."""
    from opentelemetry import trace
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from entrypoints.cli.serve import _run
    from entrypoints.logs import configure_logging
    from entrypoints.runtime import Service
    from entrypoints.settings import load_settings
    from entrypoints.telemetry import build_provider, session_id

    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--grpc-port", type=int, required=True)
    args = parser.parse_args(argv)
    settings = load_settings(None, data_dir=args.data_dir, grpc_port=args.grpc_port)
    configure_logging(settings.log_level, settings.log_format, settings.mode, session_id())
    exporter = InMemorySpanExporter()
    provider = build_provider(settings, exporter, batch=True)
    trace.set_tracer_provider(provider)
    asyncio.run(_run(Service(settings)))
    provider.shutdown()
    spans = exporter.get_finished_spans()
    traces = len({s.context.trace_id for s in spans if s.context is not None})
    print(f"{SPAN_REPORT} {len(spans)} in {traces} traces", file=sys.stderr)


async def _in_process(orders: int, traced: bool) -> list[float]:
    """Time PlaceOrder alone on in-memory storage and the simulated venue (no gRPC, no I/O)."""
    from decimal import Decimal

    from adapters.memory.clock import SequentialIds, WallClock
    from adapters.memory.event_bus import InMemoryEventBus
    from adapters.memory.prices import InMemoryPriceCache
    from adapters.memory.storage import InMemoryStore
    from adapters.simulated.exchange import SimulatedExchange
    from adapters.simulated.instruments import default_instruments
    from adapters.simulated.matching import SimulatedVenue
    from adapters.simulated.replay import DeterministicPriceReplay
    from application.instruments import InstrumentCatalog
    from application.ledger import Ledger, PositionDefaults
    from application.ports.market_data import PriceUpdate
    from application.risk import RiskChain
    from application.use_cases.place_order import PlaceOrder
    from domain.order import OrderRequest, OrderType, Side

    instruments = default_instruments()
    clock, store, prices = WallClock(), InMemoryStore(), InMemoryPriceCache()
    replay = DeterministicPriceReplay(["BTCUSDT"], 7, instruments=instruments)
    venue = SimulatedVenue(instruments, Decimal(10**9))
    exchange = SimulatedExchange(venue, replay, clock)

    async def mark(update: PriceUpdate) -> None:
        prices.set_mark(update)

    exchange.subscribe_prices(mark)
    await exchange.tick(clock.now_ms())
    ledger = Ledger(store.unit_of_work, InMemoryEventBus(), PositionDefaults())
    await ledger.open_account(Decimal(10**9), clock.now_ms())
    place = PlaceOrder(
        InstrumentCatalog(instruments),
        prices,
        RiskChain(),
        exchange,
        ledger,
        clock,
        SequentialIds("o"),
    )
    took: list[float] = []
    for n in range(orders + 1000):  # the first 1,000 warm up
        side = Side.BUY if n % 2 == 0 else Side.SELL
        request = OrderRequest("BTCUSDT", side, OrderType.MARKET, Decimal("0.002"))
        started = time.perf_counter()
        await place.execute(request)
        took.append((time.perf_counter() - started) * 1000)
    return took[1000:]


def in_process(argv: list[str]) -> None:
    """One in-process run, in its own process: `inproc on|off ORDERS`."""
    traced, orders = argv[0] == "on", int(argv[1])
    if traced:
        from opentelemetry import trace
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        from entrypoints.settings import Settings
        from entrypoints.telemetry import build_provider

        trace.set_tracer_provider(build_provider(Settings(), InMemorySpanExporter()))
    took = asyncio.run(_in_process(orders, traced))
    print(f"{statistics.median(took):.4f} {percentile(took, 0.99):.4f}")


def run_in_process(orders: int, repeats: int) -> None:
    rows: dict[str, list[tuple[float, float]]] = {"off": [], "on": []}
    for _ in range(repeats):  # interleaved, so a busy neighbour hurts both alike
        for mode in ("off", "on"):
            out = subprocess.run(
                [sys.executable, __file__, "inproc", mode, str(orders)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
            rows[mode].append((float(out[0]), float(out[1])))
    print(f"in-process PlaceOrder (memory storage, simulated venue), {orders} orders x {repeats}")
    p50 = {m: statistics.median(r[0] for r in rows[m]) for m in rows}
    p99 = {m: statistics.median(r[1] for r in rows[m]) for m in rows}
    for mode in ("off", "on"):
        print(f"tracing {mode:<3}  p50 {p50[mode]:.3f} ms  p99 {p99[mode]:.3f} ms")
    print(
        f"overhead    p50 {p50['on'] - p50['off']:+.3f} ms ({p50['on'] / p50['off'] - 1:+.1%})  "
        f"p99 {p99['on'] - p99['off']:+.3f} ms ({p99['on'] / p99['off'] - 1:+.1%})"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve-traced":
        serve_traced(sys.argv[2:])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "inproc":
        in_process(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--in-process",
        type=int,
        default=0,
        metavar="REPEATS",
        help="instead, time PlaceOrder in-process, off/on interleaved REPEATS times",
    )
    args = parser.parse_args()
    if args.in_process:
        run_in_process(args.orders, args.in_process)
        return
    off = run_one(False, args.orders, args.clients)
    on = run_one(True, args.orders, args.clients)
    print(f"{args.orders} market orders from {args.clients} concurrent gRPC clients each run")
    print(off.line())
    print(on.line())
    for name, a, b in (("ack", off.ack_ms, on.ack_ms), ("fill", off.fill_ms, on.fill_ms)):
        p50 = statistics.median(b) - statistics.median(a)
        p99 = percentile(b, 0.99) - percentile(a, 0.99)
        print(
            f"overhead {name:<4}  p50 {p50:+.2f} ms ({p50 / statistics.median(a):+.1%})  "
            f"p99 {p99:+.2f} ms ({p99 / percentile(a, 0.99):+.1%})"
        )


if __name__ == "__main__":
    main()
