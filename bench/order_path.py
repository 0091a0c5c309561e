"""Order-path benchmark: 10,000 market orders over gRPC against the paper service.

Starts `autotrader serve` on a temporary data directory, sends the orders from
concurrent clients, and prints orders/second and p50/p99 latency from submit to
acknowledgement (the SubmitOrder reply) and to fill (the fill.recorded event on a
StreamEvents subscriber). Finally checks that every order was persisted.

    .venv/bin/python bench/order_path.py [--orders 10000] [--clients 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from autotrader.v1 import trading_pb2 as pb
from autotrader.v1 import trading_pb2_grpc

# Every pre-trade check still runs; the order-rate buckets are opened wide so that
# the benchmark measures the order path rather than the rate limiter.
BENCH_LIMITS = """
max_order_notional: 1000000
max_position_notional: 5000000
max_gross_exposure: 10000000
max_net_exposure: 10000000
max_leverage: 20
price_band_pct: 5
symbol_order_rate: 100000
symbol_order_burst: 100000
account_order_rate: 100000
account_order_burst: 100000
daily_loss_limit: 1000000
max_drawdown_pct: 90
flatten_on_breaker: false
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path, port: int, extra_env: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOTRADER_")}
    env.update({"AUTOTRADER_LOG_LEVEL": "warning", **extra_env})
    exe = Path(sys.executable).parent / "autotrader"
    cmd = [str(exe), "serve", "--data-dir", str(data_dir), "--grpc-port", str(port)]
    return subprocess.Popen(cmd, env=env)


async def wait_serving(target: str) -> None:
    async with grpc.aio.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        for _ in range(300):
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=1)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.aio.AioRpcError:
                await asyncio.sleep(0.1)
    raise RuntimeError("server did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(target: str, orders: int, clients: int) -> None:
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
                client_id = f"bench-{n}"
                side = pb.SIDE_BUY if n % 2 == 0 else pb.SIDE_SELL
                request = pb.SubmitOrderRequest(
                    symbol="BTCUSDT",
                    side=side,
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
        await asyncio.wait_for(filled.wait(), timeout=60)
        elapsed = time.perf_counter() - began
        watcher.cancel()
        stream.cancel()

        stored = 0
        for status in (pb.ORDER_STATUS_FILLED,):
            reply = await stub.ListOrders(pb.ListOrdersRequest(statuses=[status], limit=1000))
            stored = len(reply.orders)
        fills = len(fill_ms)

    print(f"orders: {orders} from {clients} concurrent clients in {elapsed:.2f} s")
    print(f"throughput: {orders / elapsed:,.0f} orders/s")
    print(
        f"submit->ack  p50 {statistics.median(ack_ms):.2f} ms  "
        f"p99 {percentile(ack_ms, 0.99):.2f} ms"
    )
    print(
        f"submit->fill p50 {statistics.median(fill_ms):.2f} ms  "
        f"p99 {percentile(fill_ms, 0.99):.2f} ms"
    )
    print(f"fills seen on the event stream: {fills}; ListOrders page (max 1000): {stored}")


def count_persisted(data_dir: Path) -> int:
    import sqlite3

    with sqlite3.connect(data_dir / "autotrader.db") as db:
        return int(db.execute("select count(*) from orders where status = 'FILLED'").fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        port = free_port()
        limits = Path(tmp) / "risk_limits.yaml"
        limits.write_text(BENCH_LIMITS)
        env = {
            "AUTOTRADER_PAPER__STARTING_BALANCE": "1000000",
            "AUTOTRADER_RISK_LIMITS_FILE": str(limits),
            "AUTOTRADER_METRICS_PORT": "0",
            "AUTOTRADER_DASHBOARD_PORT": "0",
        }
        server = start_server(data_dir, port, env)
        try:
            target = f"127.0.0.1:{port}"
            asyncio.run(wait_serving(target))
            asyncio.run(run(target, args.orders, args.clients))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        persisted = count_persisted(data_dir)
        print(f"persisted FILLED orders in SQLite after shutdown: {persisted}")
        if persisted != args.orders:
            raise SystemExit(f"lost orders: {args.orders - persisted}")


if __name__ == "__main__":
    main()
