"""Two real servers on one account: the standby waits, then takes over when the leader dies."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from pathlib import Path

import grpc
import pytest

from autotrader.v1 import trading_pb2 as pb
from tests.contract import postgres_database
from tests.e2e.conftest import BIN, RunningService, free_port, service_env
from tests.integration.storage.conftest import PrivateRedis

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]
TTL_MS = 1500


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _spawn(service: RunningService) -> None:
    args = [str(BIN / "autotrader"), "serve", "--data-dir", str(service.data_dir)]
    args += ["--grpc-port", str(service.port)]
    with service.log.open("ab") as log:
        service.process = subprocess.Popen(args, env=service.env, stdout=log, stderr=log)


def _wait_for_line(log: Path, text: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text():
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never appeared in {log}")


def _leading(log: Path) -> dict[str, object]:
    for line in log.read_text().splitlines():
        if '"leading"' in line:
            return json.loads(line)
    raise AssertionError(f"no 'leading' line in {log}")


def test_a_standby_takes_over_within_the_bound_when_the_leader_dies(tmp_path: Path) -> None:
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        with postgres_database("autotrader_failover") as url:
            env = service_env(
                AUTOTRADER_DATABASE_URL=url,
                AUTOTRADER_REDIS_URL=redis.url,
                AUTOTRADER_STORAGE__LEADER_LOCK="true",
                AUTOTRADER_STORAGE__LEADER_TTL_MS=str(TTL_MS),
                AUTOTRADER_LOG_LEVEL="info",
                AUTOTRADER_LOG_FORMAT="json",
            )
            _fail_over(tmp_path, env)
    finally:
        redis.stop()


def _fail_over(tmp_path: Path, env: dict[str, str]) -> None:
    leader = RunningService(tmp_path / "a", free_port(), env)
    standby = RunningService(tmp_path / "b", free_port(), env)
    leader.start()
    _spawn(standby)
    try:
        with grpc.insecure_channel(leader.target) as channel:
            placed = leader.stub(channel).SubmitOrder(
                pb.SubmitOrderRequest(
                    symbol="BTCUSDT", side=pb.SIDE_BUY, type=pb.ORDER_TYPE_MARKET, quantity="0.01"
                ),
                timeout=10,
            )
        _wait_for_line(standby.log, "waiting for leadership")
        time.sleep(TTL_MS / 1000)
        assert not _listening(standby.port)  # waiting as a standby, not serving

        assert leader.process is not None
        leader.process.kill()  # dies without releasing the lock
        leader.process.wait(10)
        died = time.time()
        standby._wait_serving()
        took_over = _leading(standby.log)
        assert took_over["fence"] == 2  # the fencing token grew
        elected_after = _timestamp(took_over) - died
        assert elected_after <= TTL_MS * 4 / 3 / 1000 + 0.5, elected_after

        with grpc.insecure_channel(standby.target) as channel:
            stub = standby.stub(channel)
            known = stub.GetOrder(pb.GetOrderRequest(order_id=placed.order.order_id), timeout=10)
            assert known.order.order_id == placed.order.order_id
            again = stub.SubmitOrder(
                pb.SubmitOrderRequest(
                    symbol="BTCUSDT", side=pb.SIDE_BUY, type=pb.ORDER_TYPE_MARKET, quantity="0.01"
                ),
                timeout=10,
            )
            assert again.order.order_id

        late = RunningService(tmp_path / "c", free_port(), env)
        _spawn(late)
        _wait_for_line(late.log, "waiting for leadership")
        assert late.stop() == 0  # a standby stops cleanly on SIGTERM while it waits
    finally:
        for service in (standby, leader):
            if service.process is not None and service.process.poll() is None:
                service.stop()


def _timestamp(line: dict[str, object]) -> float:
    from datetime import datetime

    return datetime.fromisoformat(str(line["timestamp"]).replace("Z", "+00:00")).timestamp()
