"""`autotrader backtest | analyze`: run a backtest or analyse a series, in process.

Neither command needs a server. `backtest --data db` reads candles from the configured
database (and stores the run there); synthetic data needs nothing at all.
"""

from __future__ import annotations

import asyncio
import json
import math
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from entrypoints.cli import output
from entrypoints.cli.client import EXIT_INVALID, Connection, fail, rpc_errors

json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
report_option = click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a self-contained HTML report here, and its PNG charts beside it.",
)
DATE = click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"])
config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML settings.",
)
data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="AUTOTRADER_DATA_DIR",
    help="Where the SQLite database lives (env AUTOTRADER_DATA_DIR).",
)


def register(cli: click.Group) -> None:
    cli.add_command(backtest)
    cli.add_command(analyze)
    cli.add_command(search)
    cli.add_command(walkforward)
    cli.add_command(backtests)


def _ms(value: datetime) -> int:
    return int(value.replace(tzinfo=UTC).timestamp() * 1000)


def _pairs(items: tuple[str, ...], field: str) -> dict[str, Any]:
    import yaml

    from domain.errors import InvalidInput

    values: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(field, f"expected key=value, got {item!r}")
        try:
            values[key.strip()] = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError as error:
            raise InvalidInput(f"{field}.{key.strip()}", f"unreadable value {raw!r}") from error
    return values


@click.command()
@click.option("--strategy", default="trend", show_default=True, help="Registered strategy name.")
@click.option("--symbols", default="BTCUSDT", show_default=True, help="Comma-separated.")
@click.option("--start", required=True, type=DATE, help="First UTC day, e.g. 2024-01-01.")
@click.option("--end", required=True, type=DATE, help="End UTC day (exclusive).")
@click.option(
    "--data", type=click.Choice(["synthetic", "db"]), default="synthetic", show_default=True
)
@click.option("--params", "params", multiple=True, help="Strategy parameter k=v (repeatable).")
@click.option("--risk", "risk", multiple=True, help="Risk limit override k=v (repeatable).")
@click.option("--set", "extra", multiple=True, help="Other spec field k=v, e.g. latency_ms=500.")
@click.option("--seed", default=7, show_default=True, type=int, help="Synthetic data seed.")
@click.option("--balance", default="100000", show_default=True, help="Starting USDT.")
@report_option
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a TTY).")
@click.option(
    "--funding-csv",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Historical funding rates: CSV of time,rate (each applies from its time on).",
)
@click.option("--save", is_flag=True, help="Store the run in the database (always with --data db).")
@config_option
@data_dir_option
@json_option
def backtest(
    strategy: str,
    symbols: str,
    start: datetime,
    end: datetime,
    data: str,
    params: tuple[str, ...],
    risk: tuple[str, ...],
    extra: tuple[str, ...],
    seed: int,
    balance: str,
    report_path: Path | None,
    progress: bool | None,
    funding_csv: Path | None,
    save: bool,
    config_file: Path | None,
    data_dir: Path | None,
    as_json: bool,
) -> None:
    """Backtest a strategy on the same kernel as paper and live trading."""
    from domain.errors import InvalidInput

    try:
        if funding_csv is not None:
            extra = (*extra, f"funding_rates={json.dumps(_funding(funding_csv))}")
        spec = _spec(strategy, symbols, start, end, data, params, risk, extra, seed, balance)
        show = sys.stderr.isatty() if progress is None else progress
        result = asyncio.run(_run(spec, show, config_file, data_dir))
        if save or spec.data == "db":
            asyncio.run(_save(result, config_file, data_dir))
        files = _write(result, report_path) if report_path is not None else []
    except InvalidInput as error:
        fail(f"INVALID_ARGUMENT: {error.field}: {error.reason}", EXIT_INVALID)
    if as_json:
        output.print_json({**result.summary(), "files": [str(f) for f in files]})
        return
    _print_backtest(result, files)


def _funding(path: Path) -> list[list[Any]]:
    from adapters.reporting.series_io import read_returns_csv

    times, rates = read_returns_csv(path)
    return [[int(t), repr(float(r))] for t, r in zip(times, rates, strict=True)]


def _spec(
    strategy: str,
    symbols: str,
    start: datetime,
    end: datetime,
    data: str,
    params: tuple[str, ...],
    risk: tuple[str, ...],
    extra: tuple[str, ...],
    seed: int,
    balance: str,
) -> Any:
    from application.backtest.spec import parse_spec

    return parse_spec(
        {
            "strategy": strategy,
            "symbols": [s.strip().upper() for s in symbols.split(",") if s.strip()],
            "start_ms": _ms(start),
            "end_ms": _ms(end),
            "data": data,
            "seed": seed,
            "balance": balance,
            "params": _pairs(params, "params"),
            "risk": _pairs(risk, "risk"),
            **_pairs(extra, "set"),
        }
    )


async def _run(spec: Any, show: bool, config_file: Path | None, data_dir: Path | None) -> Any:
    from adapters.backtest.kernel import run_backtest

    with _bar(spec.minutes, show) as tick:
        if spec.data != "db":
            return await run_backtest(spec, progress=tick)
        return await _run_on_database(spec, tick, config_file, data_dir)


async def _run_on_database(
    spec: Any, tick: Callable[[int], None], config_file: Path | None, data_dir: Path | None
) -> Any:
    from adapters.backtest.kernel import run_backtest
    from adapters.sql.candles import SqlaCandleStore
    from adapters.sql.engine import create_engine, dispose, migrate
    from entrypoints.settings import load_settings

    settings = load_settings(config_file, data_dir=data_dir)
    engine = create_engine(settings.database)
    try:
        await migrate(engine)
        result = await run_backtest(spec, SqlaCandleStore(engine), progress=tick)
    finally:
        await dispose(engine)
    if result.timestamps.size == 0:
        from domain.errors import InvalidInput

        raise InvalidInput(
            "data", "no stored 1m candles in that period; run `autotrader data synth`"
        )
    return result


async def _save(result: Any, config_file: Path | None, data_dir: Path | None) -> None:
    from adapters.sql.backtests import SqlaBacktestRunStore
    from adapters.sql.engine import create_engine, dispose, migrate
    from entrypoints.backtests import save
    from entrypoints.settings import load_settings

    settings = load_settings(config_file, data_dir=data_dir)
    engine = create_engine(settings.database)
    try:
        await migrate(engine)
        await save(SqlaBacktestRunStore(engine), result)
    finally:
        await dispose(engine)


class _bar:  # noqa: N801 - used as a context manager like click's progressbar
    def __init__(self, total: int, show: bool) -> None:
        self._total, self._show, self._done = total, show, 0
        self._bar: Any = None

    def __enter__(self) -> Callable[[int], None]:
        if self._show:
            self._bar = click.progressbar(
                length=self._total, label="backtest", file=sys.stderr, show_pos=True
            ).__enter__()
        return self._tick

    def _tick(self, done: int) -> None:
        if self._bar is not None:
            self._bar.update(done - self._done)
            self._done = done

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


def _write(result: Any, path: Path) -> list[Path]:
    from adapters.reporting.html_report import write_report

    spec = result.spec
    title = f"Backtest {spec.strategy} {','.join(spec.symbols)}"
    return write_report(
        path,
        result.report,
        result.equity,
        result.timestamps,
        title,
        prices=result.closes,
        trades=[t for t in result.trades if t.symbol == spec.symbols[0]],
        png_dir=path.with_suffix("").with_name(path.stem + "_charts"),
    )


def _print_backtest(result: Any, files: list[Path]) -> None:
    spec = result.spec
    output.print_fields(
        [
            ("run id", result.run_id or "(not stored)"),
            ("strategy", f"{spec.strategy} on {', '.join(spec.symbols)} ({spec.data})"),
            ("bars", str(result.timestamps.size)),
            ("orders", f"{len(result.orders)} ({result.rejected} rejected)"),
            ("trades", str(len(result.trades))),
            ("fees", f"{result.fees} USDT"),
            ("funding", f"{result.funding} USDT"),
            ("liquidations", str(result.liquidations)),
            ("final equity", f"{result.final_equity} USDT"),
        ]
    )
    _print_metrics(result.report, result.timestamps, files)


def _print_metrics(report: Any, stamps: Any, files: list[Path]) -> None:
    from adapters.reporting.formatting import metric_sections

    for title, rows in metric_sections(report, stamps):
        click.echo("")
        output.print_table([title.upper(), ""], [list(r) for r in rows], "")
    for path in files:
        click.echo(f"wrote {path}", err=True)


@click.command()
@click.option("--equity", type=click.Path(dir_okay=False, path_type=Path), help="CSV: time,equity")
@click.option("--returns", type=click.Path(dir_okay=False, path_type=Path), help="CSV: time,return")
@click.option("--periods-per-year", type=float, help="Default: inferred from the time step.")
@click.option("--risk-free", default=0.0, show_default=True, type=float, help="Annual rate.")
@report_option
@json_option
def analyze(
    equity: Path | None,
    returns: Path | None,
    periods_per_year: float | None,
    risk_free: float,
    report_path: Path | None,
    as_json: bool,
) -> None:
    """Compute the backtest metrics and report for your own equity or returns series."""
    from adapters.reporting.series_io import read_equity_csv, read_returns_csv
    from domain.errors import InvalidInput
    from domain.performance import compute_report, equity_curve_from_returns

    try:
        if (equity is None) == (returns is None):
            raise InvalidInput("equity/returns", "give exactly one of --equity or --returns")
        if equity is not None:
            stamps, curve = read_equity_csv(equity)
        else:
            assert returns is not None
            times, rets = read_returns_csv(returns)
            stamps, curve = equity_curve_from_returns(times, rets)
        if curve.size < 2:
            raise InvalidInput("equity", "needs at least two rows")
        report = compute_report(curve, stamps, None, None, periods_per_year, risk_free)
        files: list[Path] = []
        if report_path is not None:
            from adapters.reporting.html_report import write_report

            source = equity or returns
            files = write_report(
                report_path,
                report,
                curve,
                stamps,
                f"Analysis of {source.name if source else ''}",
                png_dir=report_path.with_name(report_path.stem + "_charts"),
            )
    except InvalidInput as error:
        fail(f"INVALID_ARGUMENT: {error.field}: {error.reason}", EXIT_INVALID)
    if as_json:
        output.print_json({"metrics": report_json(report), "files": [str(f) for f in files]})
        return
    _print_metrics(report, stamps, files)


def report_json(report: Any) -> dict[str, Any]:
    """Return a PerformanceReport as JSON-safe values (nan and infinity become null)."""
    import dataclasses

    def clean(value: Any) -> Any:
        if isinstance(value, float):
            return value if math.isfinite(value) else None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    return clean(dataclasses.asdict(report))


def spec_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that describe the backtest a search or walk-forward varies."""
    options = [
        click.option("--strategy", default="trend", show_default=True),
        click.option("--symbols", default="BTCUSDT", show_default=True, help="Comma-separated."),
        click.option("--start", required=True, type=DATE, help="First UTC day."),
        click.option("--end", required=True, type=DATE, help="End UTC day (exclusive)."),
        click.option("--params", "params", multiple=True, help="Fixed parameter k=v."),
        click.option("--risk", "risk", multiple=True, help="Risk limit override k=v."),
        click.option("--set", "extra", multiple=True, help="Other spec field k=v."),
        click.option("--seed", default=7, show_default=True, type=int),
        click.option("--balance", default="100000", show_default=True),
        click.option(
            "--grid", "grid", multiple=True, help="Parameter values k=v1,v2,... (repeatable)."
        ),
        click.option(
            "--objective", default="sharpe", show_default=True, help="Metric to maximise."
        ),
        click.option(
            "--cluster",
            help="Dask scheduler, e.g. tcp://scheduler:8786 (default: local processes).",
        ),
        click.option(
            "--workers", type=click.IntRange(1, 256), help="Local processes (default: cores)."
        ),
        json_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _grid(items: tuple[str, ...]) -> dict[str, str]:
    from domain.errors import InvalidInput

    grid: dict[str, str] = {}
    for item in items:
        key, sep, values = item.partition("=")
        if not sep or not key.strip():
            raise InvalidInput("grid", f"expected name=v1,v2,..., got {item!r}")
        grid[key.strip()] = values
    return grid


@click.command()
@spec_options
@click.option(
    "--random", "random_count", type=click.IntRange(1, 10_000), help="Draw N random sets."
)
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 1000))
def search(
    strategy: str,
    symbols: str,
    start: datetime,
    end: datetime,
    params: tuple[str, ...],
    risk: tuple[str, ...],
    extra: tuple[str, ...],
    seed: int,
    balance: str,
    grid: tuple[str, ...],
    objective: str,
    cluster: str | None,
    workers: int | None,
    as_json: bool,
    random_count: int | None,
    top: int,
) -> None:
    """Search a strategy's parameters (grid or random) for the best objective."""
    from adapters.backtest.jobs import run_job
    from application.backtest.search import random_sets
    from application.backtest.search import search as run_search
    from domain.errors import InvalidInput
    from entrypoints.walkforward import executor_for, parse_grid, search_summary

    try:
        spec = _spec(strategy, symbols, start, end, "synthetic", params, risk, extra, seed, balance)
        sets = (
            random_sets(strategy, random_count, seed) if random_count else parse_grid(_grid(grid))
        )
        result = run_search(spec, sets, run_job, executor_for(cluster, workers), objective, top)
    except InvalidInput as error:
        fail(f"INVALID_ARGUMENT: {error.field}: {error.reason}", EXIT_INVALID)
    summary = search_summary(result)
    if as_json:
        output.print_json(summary)
        return
    names = sorted({k for row in summary["surface"] for k in row["params"]})
    rows = [
        [
            *(str(row["params"].get(n, "")) for n in names),
            _fmt(row.get(objective)),
            row["final_equity"],
        ]
        for row in summary["surface"]
    ]
    output.print_table(
        [*(n.upper() for n in names), objective.upper(), "FINAL EQUITY"], rows, "no runs"
    )
    click.echo(
        f"\nbest: {summary['top'][0]['params']} ({objective} {_fmt(summary['top'][0][objective])})"
    )


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value:.4f}"


@click.command()
@spec_options
@click.option("--train-days", default=30, show_default=True, type=click.IntRange(1, 3650))
@click.option("--test-days", default=7, show_default=True, type=click.IntRange(1, 3650))
@click.option("--anchored", is_flag=True, help="Grow the train window from the start (else roll).")
@report_option
def walkforward(
    strategy: str,
    symbols: str,
    start: datetime,
    end: datetime,
    params: tuple[str, ...],
    risk: tuple[str, ...],
    extra: tuple[str, ...],
    seed: int,
    balance: str,
    grid: tuple[str, ...],
    objective: str,
    cluster: str | None,
    workers: int | None,
    as_json: bool,
    train_days: int,
    test_days: int,
    anchored: bool,
    report_path: Path | None,
) -> None:
    """Walk-forward: optimise in-sample, test out-of-sample, stitch the OOS equity."""
    from adapters.backtest.jobs import run_job
    from application.backtest.search import walk_forward
    from domain.errors import InvalidInput
    from domain.performance import compute_report
    from entrypoints.walkforward import executor_for, parse_grid, walk_forward_summary

    try:
        spec = _spec(strategy, symbols, start, end, "synthetic", params, risk, extra, seed, balance)
        result = walk_forward(
            spec,
            parse_grid(_grid(grid)),
            run_job,
            executor_for(cluster, workers),
            train_days,
            test_days,
            anchored,
            objective,
        )
        files: list[Path] = []
        if report_path is not None and result.equity.size >= 2:
            from adapters.reporting.html_report import write_report

            report = compute_report(result.equity, result.timestamps, None)
            files = write_report(
                report_path,
                report,
                result.equity,
                result.timestamps,
                f"Walk-forward {strategy} (out-of-sample)",
                png_dir=report_path.with_name(report_path.stem + "_charts"),
            )
    except InvalidInput as error:
        fail(f"INVALID_ARGUMENT: {error.field}: {error.reason}", EXIT_INVALID)
    summary = walk_forward_summary(spec, result)
    if as_json:
        output.print_json({**summary, "files": [str(f) for f in files]})
        return
    output.print_table(
        [
            "TEST FROM",
            "TEST TO",
            "BEST PARAMS",
            f"IS {objective.upper()}",
            f"OOS {objective.upper()}",
        ],
        [
            [
                output.when(w["test"][0]),
                output.when(w["test"][1]),
                json.dumps(w["best_params"]),
                _fmt(w["in_sample"]),
                _fmt(w["out_of_sample"]),
            ]
            for w in summary["windows"]
        ],
        "no windows",
    )
    click.echo(
        f"\nin-sample {_fmt(summary['in_sample'])}, "
        f"out-of-sample {_fmt(summary['out_of_sample'])}, "
        f"degradation {_fmt(summary['degradation'])}; OOS total return "
        f"{_fmt(summary['metrics'].get('total_return'))}"
    )
    for path in files:
        click.echo(f"wrote {path}", err=True)


@click.group()
def backtests() -> None:
    """Stored backtest and walk-forward runs, read from the server."""


@backtests.command("list")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
@click.option("--strategy", default="", help="Only this strategy's runs.")
@json_option
@click.pass_obj
@rpc_errors
def list_runs(conn: Connection, limit: int, strategy: str, as_json: bool) -> None:
    """List stored runs, newest first."""
    from autotrader.v1 import backtest_pb2 as pb
    from autotrader.v1 import backtest_pb2_grpc

    stub = backtest_pb2_grpc.BacktestServiceStub(conn.channel())
    response = conn.call(
        stub.ListBacktests, pb.ListBacktestsRequest(limit=limit, strategy=strategy)
    )
    if as_json:
        output.print_json(output.to_dict(response).get("runs", []))
        return
    output.print_table(
        ["RUN ID", "KIND", "STRATEGY", "SYMBOLS", "FROM", "TO", "SHARPE", "RETURN", "FINAL EQUITY"],
        [
            [
                r.run_id,
                r.kind,
                r.strategy,
                ",".join(r.symbols),
                output.when(r.start_ms),
                output.when(r.end_ms),
                r.metrics.get("sharpe") or "-",
                r.metrics.get("total_return") or "-",
                r.final_equity,
            ]
            for r in response.runs
        ],
        "no stored runs",
    )


@backtests.command("get")
@click.argument("run_id")
@click.pass_obj
@rpc_errors
def get_run(conn: Connection, run_id: str) -> None:
    """Print one stored run's result document (JSON)."""
    from autotrader.v1 import backtest_pb2 as pb
    from autotrader.v1 import backtest_pb2_grpc

    stub = backtest_pb2_grpc.BacktestServiceStub(conn.channel())
    response = conn.call(stub.GetBacktest, pb.GetBacktestRequest(run_id=run_id))
    output.print_json(json.loads(response.run.result_json))
