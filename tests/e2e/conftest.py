"""Run the real service as a subprocess and talk to it over gRPC and through the CLI."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from autotrader.v1 import trading_pb2_grpc

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningService:
    data_dir: Path
    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.data_dir.parent / f"server-{self.port}.log"

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        args = [
            str(BIN / "autotrader"),
            "serve",
            "--data-dir",
            str(self.data_dir),
            "--grpc-port",
            str(self.port),
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(args, env=self.env, stdout=log, stderr=log)
        self._wait_serving()

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.process = None
        return code

    def _wait_serving(self) -> None:
        # Poll the TCP port first: a gRPC channel that failed to connect backs off for
        # seconds before it tries again.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log.read_text()}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    break
            time.sleep(0.05)
        with grpc.insecure_channel(self.target) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            reply = stub.Check(health_pb2.HealthCheckRequest(), timeout=10, wait_for_ready=True)
        if reply.status != health_pb2.HealthCheckResponse.SERVING:
            raise RuntimeError(f"server not serving:\n{self.log.read_text()}")

    def stub(self, channel: grpc.Channel) -> trading_pb2_grpc.TradingServiceStub:
        return trading_pb2_grpc.TradingServiceStub(channel)

    def cli(self, *args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {**self.env, "AUTOTRADER_TARGET": self.target}
        if token:
            env["AUTOTRADER_TOKEN"] = token
        return subprocess.run(
            [str(BIN / "autotrader"), *args],
            check=False,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def cli_json(self, *args: str) -> object:
        result = self.cli(*args, "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)


def service_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOTRADER_")}
    env.update(
        {
            "AUTOTRADER_PAPER__TICK_INTERVAL_MS": "50",
            "AUTOTRADER_LOG_LEVEL": "warning",
            # no /metrics or dashboard listeners unless a test asks for them (0 = off)
            "AUTOTRADER_METRICS_PORT": "0",
            "AUTOTRADER_DASHBOARD_PORT": "0",
        }
    )
    env.update(extra)
    return env


@pytest.fixture
def service(tmp_path: Path) -> Iterator[RunningService]:
    running = RunningService(tmp_path / "data", free_port(), service_env())
    running.start()
    yield running
    if running.process is not None:
        running.stop()
