"""`autotrader backtest` and `analyze` as a user runs them: a subprocess, no server."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import BIN, RunningService, service_env


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "autotrader"), *args],
        check=False,
        env=service_env(AUTOTRADER_DATA_DIR=str(cwd)),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_backtest_writes_the_report_and_prints_json(tmp_path: Path) -> None:
    report = tmp_path / "out.html"
    args = ["backtest", "--strategy", "trend", "--symbols", "BTCUSDT", "--start", "2024-01-01"]
    args += ["--end", "2024-01-03", "--params", "timeframe=15m", "--params", "fast=5"]
    done = _run(*args, "--report", str(report), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["bars"] == 2 * 1440
    assert document["spec"]["params"] == {"timeframe": "15m", "fast": 5}
    assert set(document["metrics"]) >= {"sharpe", "max_drawdown", "cagr", "win_rate"}
    assert report.read_text().startswith("<!doctype html") or "<html" in report.read_text()
    charts = sorted(p.name for p in (tmp_path / "out_charts").iterdir())
    assert {"equity.png", "drawdown.png", "price.png"} <= set(charts)
    assert "backtest" not in done.stderr.split("wrote")[0]  # no progress bar off a TTY
    table = _run(*args, "--progress", cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    assert "Sharpe ratio" in table.stdout
    assert "backtest" in table.stderr  # the forced progress bar


def test_analyze_equity_and_returns(tmp_path: Path) -> None:
    equity = tmp_path / "equity.csv"
    equity.write_text(
        "date,equity\n2024-01-01,100\n2024-01-02,102\n2024-01-03,99\n2024-01-04,105\n"
    )
    report = tmp_path / "a.html"
    done = _run("analyze", "--equity", str(equity), "--report", str(report), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    metrics = json.loads(done.stdout)["metrics"]
    assert metrics["total_return"] == pytest.approx(0.05)
    assert metrics["periods_per_year"] == 365
    assert report.exists()
    returns = tmp_path / "returns.csv"
    returns.write_text("date,return\n2024-01-02,1%\n2024-01-03,-0.5%\n2024-01-04,2%\n")
    plain = _run("analyze", "--returns", str(returns), "--periods-per-year", "252", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert "Sharpe ratio" in plain.stdout


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for args in (
        ["backtest", "--start", "2024-01-02", "--end", "2024-01-01"],
        ["backtest", "--start", "2024-01-01", "--end", "2024-01-02", "--params", "fast=x"],
        ["backtest", "--start", "2024-01-01", "--end", "2024-01-02", "--strategy", "nope"],
        ["analyze", "--equity", str(tmp_path / "missing.csv")],
        ["analyze"],
    ):
        done = _run(*args, cwd=tmp_path)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith("error: INVALID_ARGUMENT: "), done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        assert "Traceback" not in done.stderr


def test_stored_candles_give_the_synthetic_run_and_the_run_is_stored(tmp_path: Path) -> None:
    synth = _run(
        "data",
        "synth",
        "--symbols",
        "BTCUSDT",
        "--days",
        "2",
        "--start",
        "2024-01-01",
        cwd=tmp_path,
    )
    assert synth.returncode == 0, synth.stderr
    args = ["backtest", "--start", "2024-01-01", "--end", "2024-01-03", "--params", "timeframe=15m"]
    args += ["--params", "fast=3", "--params", "slow=8", "--json"]
    stored = json.loads(_run(*args, "--data", "db", cwd=tmp_path).stdout)
    synthetic = json.loads(_run(*args, cwd=tmp_path).stdout)
    assert stored["run_id"]
    assert synthetic["run_id"] == ""
    assert stored["final_equity"] == synthetic["final_equity"]
    assert stored["orders"] == synthetic["orders"] > 0


def test_walkforward_and_search(tmp_path: Path) -> None:
    common = ["--start", "2024-01-01", "--end", "2024-01-04", "--params", "timeframe=15m"]
    common += ["--grid", "fast=3,5", "--grid", "slow=8", "--workers", "2", "--json"]
    walked = _run("walkforward", *common, "--train-days", "1", "--test-days", "1", cwd=tmp_path)
    assert walked.returncode == 0, walked.stderr
    document = json.loads(walked.stdout)
    assert len(document["windows"]) == 2
    assert {"in_sample", "out_of_sample", "degradation"} <= set(document)
    searched = _run("search", *common, cwd=tmp_path)
    assert searched.returncode == 0, searched.stderr
    assert len(json.loads(searched.stdout)["surface"]) == 2
    bad = _run("walkforward", *common, "--cluster", "nowhere", cwd=tmp_path)
    assert bad.returncode == 2
    assert "cluster" in bad.stderr


def test_a_saved_run_is_listed_by_the_server(service: RunningService) -> None:
    args = ["backtest", "--start", "2024-01-01", "--end", "2024-01-02", "--params", "timeframe=15m"]
    saved = service.cli(*args, "--save", "--data-dir", str(service.data_dir), "--json")
    assert saved.returncode == 0, saved.stderr
    run_id = json.loads(saved.stdout)["run_id"]
    listed = service.cli_json("backtests", "list")
    assert isinstance(listed, list)
    assert [r["run_id"] for r in listed] == [run_id]
    got = service.cli("backtests", "get", run_id)
    assert json.loads(got.stdout)["run_id"] == run_id
    missing = service.cli("backtests", "get", "nope")
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: NOT_FOUND")
