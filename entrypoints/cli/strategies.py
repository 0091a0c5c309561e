"""`autotrader strategies ...` over gRPC, and `autotrader scheduler` (the engine, no gRPC)."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from autotrader.v1 import strategy_pb2 as pb
from autotrader.v1 import strategy_pb2_grpc
from entrypoints.cli import output
from entrypoints.cli.client import EXIT_INVALID, Connection, fail, rpc_errors
from entrypoints.logs import configure_logging

json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")


def register(cli: click.Group) -> None:
    cli.add_command(strategies)
    cli.add_command(scheduler)


def _stub(conn: Connection) -> strategy_pb2_grpc.StrategyServiceStub:
    return strategy_pb2_grpc.StrategyServiceStub(conn.channel())


@click.group()
def strategies() -> None:
    """List, start, stop and tune the trading strategies."""


@strategies.command("list")
@json_option
@click.pass_obj
@rpc_errors
def list_strategies(conn: Connection, as_json: bool) -> None:
    """Show every configured strategy, its switch and its combined targets."""
    response = conn.call(_stub(conn).ListStrategies, pb.ListStrategiesRequest())
    if as_json:
        output.print_json(output.to_dict(response).get("strategies", []))
        return
    output.print_table(
        ["STRATEGY", "ENABLED", "SYMBOLS", "TF", "CAPITAL", "TARGETS", "REGIMES"],
        [_summary_row(s) for s in response.strategies],
        "no strategies configured",
    )


def _summary_row(s: pb.StrategySummary) -> list[str]:
    return [
        s.strategy_id,
        "yes" if s.enabled else "no",
        ",".join(s.symbols),
        s.timeframe,
        s.capital,
        " ".join(f"{k}={v}" for k, v in sorted(s.targets.items())),
        " ".join(f"{k}={v}" for k, v in sorted(s.regimes.items())),
    ]


@strategies.command("start")
@click.argument("strategy_id")
@json_option
@click.pass_obj
@rpc_errors
def start(conn: Connection, strategy_id: str, as_json: bool) -> None:
    """Enable a strategy: it trades from the next closed candle on."""
    response = conn.call(
        _stub(conn).StartStrategy, pb.StartStrategyRequest(strategy_id=strategy_id)
    )
    _print_summary(response.strategy, as_json, "started")


@strategies.command("stop")
@click.argument("strategy_id")
@json_option
@click.pass_obj
@rpc_errors
def stop(conn: Connection, strategy_id: str, as_json: bool) -> None:
    """Disable a strategy: its targets drop to zero from the next closed candle on."""
    response = conn.call(_stub(conn).StopStrategy, pb.StopStrategyRequest(strategy_id=strategy_id))
    _print_summary(response.strategy, as_json, "stopped")


def _print_summary(summary: pb.StrategySummary, as_json: bool, what: str) -> None:
    if as_json:
        output.print_json(output.to_dict(summary))
        return
    click.echo(f"{summary.strategy_id} {what} (symbols {', '.join(summary.symbols)})")


@strategies.command("set")
@click.argument("strategy_id")
@click.argument("assignments", nargs=-1, required=True, metavar="NAME=VALUE...")
@json_option
@click.pass_obj
@rpc_errors
def set_parameters(
    conn: Connection, strategy_id: str, assignments: tuple[str, ...], as_json: bool
) -> None:
    """Change parameters, e.g. `strategies set trend fast=8 slow=21 timeframe=15m`."""
    params: dict[str, str] = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            fail(f"INVALID_ARGUMENT: params: expected NAME=VALUE, got {item!r}", EXIT_INVALID)
        params[name.strip()] = value.strip()
    request = pb.UpdateParametersRequest(strategy_id=strategy_id, params=params)
    response = conn.call(_stub(conn).UpdateParameters, request)
    _print_state(response.state, as_json)


@strategies.command("show")
@click.argument("strategy_id")
@json_option
@click.pass_obj
@rpc_errors
def show(conn: Connection, strategy_id: str, as_json: bool) -> None:
    """Show a strategy's parameters, regimes, indicators, targets and last signal."""
    request = pb.GetStrategyStateRequest(strategy_id=strategy_id)
    response = conn.call(_stub(conn).GetStrategyState, request)
    _print_state(response.state, as_json)


def _print_state(state: pb.StrategyState, as_json: bool) -> None:
    if as_json:
        output.print_json(output.to_dict(state))
        return
    s = state.summary
    pairs: list[tuple[str, str]] = [
        ("strategy", s.strategy_id),
        ("enabled", "yes" if s.enabled else "no"),
        ("symbols", ", ".join(s.symbols)),
        ("timeframe", s.timeframe),
        ("capital", s.capital),
        ("params", " ".join(f"{k}={v}" for k, v in sorted(state.params.items()))),
        ("regimes", " ".join(f"{k}={v}" for k, v in sorted(s.regimes.items())) or "warming up"),
        ("targets", " ".join(f"{k}={v}" for k, v in sorted(s.targets.items()))),
    ]
    if state.HasField("last_signal"):
        sig = state.last_signal
        pairs.append(
            ("last signal", f"{sig.symbol} {sig.target} {sig.reason} at {output.when(sig.ts)}")
        )
    if state.last_error:
        pairs.append(("last error", state.last_error))
    output.print_fields(pairs)
    if state.indicators:
        click.echo("")
        output.print_table(
            ["INDICATOR", "VALUE"], sorted(state.indicators.items()), "no indicators yet"
        )


@click.command()
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML settings file; AUTOTRADER_* variables override it.",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="AUTOTRADER_DATA_DIR",
    help="Where the SQLite database lives (env AUTOTRADER_DATA_DIR).",
)
def scheduler(config_file: Path | None, data_dir: Path | None) -> None:
    """Run the market data, the strategies and the periodic jobs alone, without gRPC.

    In paper mode the simulated venue lives in this process: do not run it beside
    `autotrader serve` on the same database.
    """
    from entrypoints.runtime import Service, StartupError
    from entrypoints.settings import load_settings

    try:
        settings = load_settings(config_file, data_dir=data_dir)
    except (ValidationError, FileNotFoundError) as error:
        click.echo(f"error: invalid configuration:\n{error}", err=True)
        sys.exit(2)
    configure_logging(settings.log_level, settings.log_format)
    try:
        asyncio.run(_run(Service(settings, serve_grpc=False)))
    except StartupError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)


async def _run(service: Any) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await service.start()
    click.echo(f"autotrader scheduler running (data: {service.settings.data_dir})", err=True)
    await stop.wait()
    click.echo("shutting down ...", err=True)
    await service.stop()
