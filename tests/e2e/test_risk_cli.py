"""The kill switch and run-time limits through the CLI, across a restart of the server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import RunningService, free_port, service_env

pytestmark = pytest.mark.timeout(240)
TOKEN = "ops-token-0123456789abc"


@pytest.fixture
def guarded(tmp_path: Path) -> RunningService:
    tokens = json.dumps([{"name": "ops", "role": "admin", "token": TOKEN}])
    running = RunningService(tmp_path / "data", free_port(), service_env(AUTOTRADER_TOKENS=tokens))
    running.start()
    yield running  # type: ignore[misc]
    if running.process is not None:
        running.stop()


def run(service: RunningService, *args: str) -> object:
    result = service.cli(*args, "--json", token=TOKEN)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def buy(service: RunningService, qty: str = "0.01") -> tuple[int, str]:
    result = service.cli(
        "orders", "submit", "--symbol", "BTCUSDT", "--side", "buy", "--qty", qty, token=TOKEN
    )
    return result.returncode, result.stdout + result.stderr


def test_kill_switch_cancels_flattens_blocks_and_survives_a_restart(
    guarded: RunningService,
) -> None:
    code, text = buy(guarded)
    assert code == 0, text
    resting = run(
        guarded,
        "orders",
        "submit",
        "--symbol",
        "BTCUSDT",
        "--side",
        "sell",
        "--type",
        "limit",
        "--qty",
        "0.005",
        "--price",
        "999999",
    )
    resting_id = resting["order"]["order_id"]  # type: ignore[index]

    engaged = run(guarded, "kill-switch", "on", "--flatten", "--reason", "drill")
    assert engaged["canceled_order_ids"] == [resting_id]  # type: ignore[index]
    assert len(engaged["closing_order_ids"]) == 1  # type: ignore[index,arg-type]
    assert engaged["halt"]["kill_switch_by"] == "ops"  # type: ignore[index]
    positions = run(guarded, "positions")
    assert [p for p in positions if p["quantity"] not in ("0", "")] == []  # type: ignore[union-attr,index]
    listed = run(guarded, "orders", "list", "--status", "canceled")
    assert resting_id in [o["order_id"] for o in listed]  # type: ignore[union-attr,index]

    code, text = buy(guarded)
    assert code == 3, text
    assert "KILL_SWITCH" in text

    assert guarded.stop() == 0
    guarded.start()

    code, text = buy(guarded)
    assert code == 3, text
    assert "KILL_SWITCH" in text
    report = run(guarded, "risk", "report")
    assert report["halt"]["kill_switch"] is True  # type: ignore[index]
    assert report["halt"]["kill_switch_reason"] == "drill"  # type: ignore[index]
    table = guarded.cli("risk", "report", token=TOKEN)
    assert "ON by ops" in table.stdout

    released = guarded.cli("kill-switch", "off", token=TOKEN)
    assert released.returncode == 0, released.stderr
    code, text = buy(guarded)
    assert code == 0, text
    assert "FILLED" in text


def test_set_limit_is_audited_and_survives_a_restart(guarded: RunningService) -> None:
    changed = guarded.cli("risk", "set-limit", "max_order_notional=100", token=TOKEN)
    assert changed.returncode == 0, changed.stderr
    assert "ops" in changed.stdout
    code, text = buy(guarded, "0.01")
    assert code == 3, text
    assert "MAX_ORDER_NOTIONAL" in text

    bad = guarded.cli("risk", "set-limit", "max_order_notional=-5", token=TOKEN)
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        "error: INVALID_ARGUMENT: max_order_notional: must be a finite number > 0, got -5"
    ]

    assert guarded.stop() == 0
    guarded.start()
    limits = run(guarded, "risk", "limits")
    values = {x["name"]: x["value"] for x in limits["limits"]}  # type: ignore[index]
    assert values["max_order_notional"] == "100"
    [entry] = limits["audit"]  # type: ignore[index]
    assert (entry["name"], entry["old_value"], entry["new_value"], entry["changed_by"]) == (
        "max_order_notional",
        "25000",
        "100",
        "ops",
    )
    assert "max_order_notional" in guarded.cli("risk", "limits", token=TOKEN).stdout


def test_portfolio_commands_against_the_server(guarded: RunningService) -> None:
    code, text = buy(guarded, "0.01")
    assert code == 0, text
    plan = run(guarded, "portfolio", "rebalance", "--target", "ETHUSDT=0.2", "--dry-run")
    legs = {(o["symbol"], o["side"], o["status"]) for o in plan["orders"]}  # type: ignore[index]
    assert legs == {("BTCUSDT", "SELL", ""), ("ETHUSDT", "BUY", "")}  # BTC is closed
    table = guarded.cli("portfolio", "rebalance", "--target", "ETHUSDT=0.2", token=TOKEN)
    assert table.returncode == 0, table.stderr
    assert "FILLED" in table.stdout
    performance = guarded.cli("portfolio", "performance", token=TOKEN)
    assert performance.returncode == 0, performance.stderr
    assert "manual" in performance.stdout
    assert "ETHUSDT" in performance.stdout
    # No candles are stored in a fresh paper service: a clear one-line refusal.
    missing = guarded.cli(
        "portfolio", "optimize", "--symbols", "BTCUSDT,ETHUSDT", "--bars", "30", token=TOKEN
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: FAILED_PRECONDITION: only ")
    bad = guarded.cli("portfolio", "rebalance", "--target", "BTCUSDT", token=TOKEN)
    assert bad.returncode == 2
    assert "SYMBOL=WEIGHT" in bad.stderr
