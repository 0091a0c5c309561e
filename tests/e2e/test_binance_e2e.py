"""The service in testnet and live modes against the fake Binance, both as subprocesses.

The trader is killed (SIGKILL) while its resting order fills at the exchange;
on restart, reconciliation books the fill it never heard about.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from autotrader.v1 import trading_pb2 as pb
from tests.e2e.conftest import BIN, RunningService, free_port, service_env

KEY, SECRET = "fake-api-key", "fake-api-secret"


class FakeProcess:
    def __init__(self, port: int, log: Path) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    str(BIN / "autotrader"),
                    "fake-binance",
                    "--port",
                    str(port),
                    "--tick-ms",
                    "60000",
                ],
                stdout=out,
                stderr=out,
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/fapi/v1/time", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(log.read_text())

    def admin(self, path: str, body: dict[str, object]) -> None:
        request = urllib.request.Request(
            f"{self.url}{path}", data=json.dumps(body).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 200

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeProcess]:
    process = FakeProcess(free_port(), tmp_path / "fake.log")
    yield process
    process.stop()


NOWHERE = "http://127.0.0.1:9"  # for checks that refuse before any request is made


def binance_env(url: str, mode: str = "testnet", **extra: str) -> dict[str, str]:
    return service_env(
        AUTOTRADER_MODE=mode,
        AUTOTRADER_BINANCE__API_KEY=KEY,
        AUTOTRADER_BINANCE__API_SECRET=SECRET,
        AUTOTRADER_BINANCE__REST_URL=url,
        AUTOTRADER_BINANCE__RECONCILE_INTERVAL_S="1",
        **extra,
    )


def serve_once(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "autotrader"), "serve", "--data-dir", str(tmp_path / "d"), "--grpc-port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_fills_made_while_the_trader_was_dead_are_reconciled(
    fake: FakeProcess, tmp_path: Path
) -> None:
    trader = RunningService(tmp_path / "data", free_port(), binance_env(fake.url))
    trader.start()
    with grpc.insecure_channel(trader.target) as channel:
        submitted = trader.stub(channel).SubmitOrder(
            pb.SubmitOrderRequest(
                symbol="BTCUSDT",
                side=pb.SIDE_BUY,
                type=pb.ORDER_TYPE_LIMIT,
                quantity="0.01",
                price="50000",
                time_in_force=pb.TIME_IN_FORCE_GTC,
                client_order_id="e2e-rest-1",
            ),
            timeout=30,
        )
    assert submitted.order.status == pb.ORDER_STATUS_OPEN
    assert trader.process is not None
    trader.process.kill()  # no goodbye: whatever was in flight is lost
    trader.process.wait(timeout=10)
    trader.process = None
    fake.admin("/admin/price", {"symbol": "BTCUSDT", "price": "49000"})  # it fills now

    trader.start()
    try:
        with grpc.insecure_channel(trader.target) as channel:
            stub = trader.stub(channel)
            shown = stub.GetOrder(pb.GetOrderRequest(order_id="e2e-rest-1"), timeout=30)
            positions = stub.ListPositions(pb.ListPositionsRequest(), timeout=30).positions
        assert shown.order.status == pb.ORDER_STATUS_FILLED
        assert shown.order.filled_quantity == "0.01"
        assert [p.fill_id for p in shown.fills] == [shown.fills[0].fill_id]
        assert [(p.symbol, p.quantity) for p in positions] == [("BTCUSDT", "0.01")]
    finally:
        trader.stop()
    assert "order.fills" in trader.log.read_text()


def test_live_mode_without_its_switches_refuses_to_start(tmp_path: Path) -> None:
    result = serve_once(binance_env(NOWHERE, "live"), tmp_path)
    assert result.returncode == 2, result.stderr
    assert "refusing to start in live mode" in result.stderr
    assert "AUTOTRADER_LIVE_CONFIRM" in result.stderr
    assert "'live' role" in result.stderr
    assert SECRET not in result.stderr


def test_config_show_masks_the_keys() -> None:
    result = subprocess.run(
        [str(BIN / "autotrader"), "config", "show"],
        env=binance_env(NOWHERE),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    shown = json.loads(result.stdout)
    assert shown["binance"]["api_secret"] == "**********"
    assert SECRET not in result.stdout
    assert KEY not in result.stdout
