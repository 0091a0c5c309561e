"""A started strategy trades on the running paper service; its state survives a restart."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import grpc
import pytest

from autotrader.v1 import trading_pb2 as pb
from tests.e2e.conftest import RunningService, free_port, service_env

pytestmark = pytest.mark.timeout(180)

# Fast enough to trade within seconds: 1m bars, short periods, trend weighted in every
# regime, one synthetic minute every 20 ms after an hour replayed at full speed.
FAST_STRATEGIES = """
strategies:
  trend:
    symbols: [BTCUSDT, ETHUSDT]
    capital: 0.5
    params: {timeframe: 1m, fast: 3, slow: 8, atr_period: 5}
  pairs:
    symbols: [ETHUSDT, BTCUSDT]
    params: {timeframe: 1m, lookback: 30}
regime: {timeframe: 1m, adx_period: 5, vol_period: 5, vol_rank_period: 20}
weights:
  TRENDING: {trend: 1.0}
  RANGING: {trend: 1.0}
  HIGH_VOLATILITY: {trend: 1.0}
warmup_bars: 100
"""


@pytest.fixture
def paper(tmp_path: Path) -> Any:
    config = tmp_path / "strategies.yaml"
    config.write_text(FAST_STRATEGIES)
    env = service_env(
        AUTOTRADER_PAPER__FEED="synthetic",
        AUTOTRADER_PAPER__TICK_INTERVAL_MS="20",
        AUTOTRADER_PAPER__WARMUP_MINUTES="60",
        AUTOTRADER_STRATEGIES_FILE=str(config),
    )
    running = RunningService(tmp_path / "data", free_port(), env)
    running.start()
    yield running
    if running.process is not None:
        running.stop()


def _poll(check: Any, seconds: float = 40.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("condition not met in time")


def _strategy(service: RunningService, name: str) -> dict[str, Any]:
    listed = service.cli_json("strategies", "list")
    assert isinstance(listed, list)
    return next(s for s in listed if s["strategy_id"] == name)


def test_a_started_strategy_trades_and_shows_in_orders_and_positions(
    paper: RunningService,
) -> None:
    assert _strategy(paper, "trend")["enabled"] is False
    started = paper.cli("strategies", "start", "trend")
    assert started.returncode == 0, started.stderr

    with grpc.insecure_channel(paper.target) as channel:
        stub = paper.stub(channel)

        def strategy_fills_and_a_position() -> bool:
            listed = stub.ListOrders(pb.ListOrdersRequest(limit=1000)).orders
            filled = [
                o
                for o in listed
                if o.client_order_id.startswith("st-") and o.status == pb.ORDER_STATUS_FILLED
            ]
            return bool(filled) and bool(stub.ListPositions(pb.ListPositionsRequest()).positions)

        _poll(strategy_fills_and_a_position)
    stopped = paper.cli("strategies", "stop", "trend")  # positions stay; no new entries
    assert stopped.returncode == 0, stopped.stderr
    orders = paper.cli_json("orders", "list", "--status", "filled")
    assert isinstance(orders, list)
    mine = [o for o in orders if o["client_order_id"].startswith("st-")]
    assert mine
    assert {o["symbol"] for o in mine} <= {"BTCUSDT", "ETHUSDT"}
    assert "st-" in paper.cli("orders", "list").stdout

    state = paper.cli_json("strategies", "show", "trend")
    assert isinstance(state, dict)
    assert state["summary"]["enabled"] is False
    assert state["last_signal"]["reason"] in {"cross_up", "cross_down", "atr_stop", "stopped"}


def test_bad_parameters_are_refused_and_changes_survive_a_restart(
    paper: RunningService,
) -> None:
    bad = paper.cli("strategies", "set", "trend", "fast=abc")
    assert bad.returncode == 2
    assert "INVALID_ARGUMENT" in bad.stderr
    assert "params.fast" in bad.stderr
    assert "Traceback" not in bad.stderr
    crossed = paper.cli("strategies", "set", "trend", "fast=20")  # slow is 8
    assert crossed.returncode == 2
    assert "params.slow" in crossed.stderr
    state = paper.cli_json("strategies", "show", "trend")
    assert isinstance(state, dict)
    assert state["params"]["fast"] == "3"  # nothing changed

    ok = paper.cli("strategies", "set", "trend", "fast=4", "slow=10")
    assert ok.returncode == 0, ok.stderr
    assert paper.cli("strategies", "start", "pairs").returncode == 0
    assert paper.stop() == 0
    paper.start()
    state = paper.cli_json("strategies", "show", "trend")
    assert isinstance(state, dict)
    assert (state["params"]["fast"], state["params"]["slow"]) == ("4", "10")
    assert _strategy(paper, "pairs")["enabled"] is True
    unknown = paper.cli("strategies", "start", "nope")
    assert unknown.returncode != 0
    assert "NOT_FOUND" in unknown.stderr
