"""`autotrader serve`: run the service in the foreground until SIGTERM or Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from entrypoints.logs import configure_logging


def register(cli: click.Group) -> None:
    cli.add_command(serve)


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
    help="Where the SQLite database lives (env AUTOTRADER_DATA_DIR; default: per-user dir).",
)
@click.option("--grpc-port", type=click.IntRange(0, 65535), help="Port (default 50051).")
@click.option("--grpc-host", help="Interface to listen on (default 127.0.0.1).")
def serve(
    config_file: Path | None, data_dir: Path | None, grpc_port: int | None, grpc_host: str | None
) -> None:
    """Run the trading service (paper mode on the embedded default unless configured)."""
    from entrypoints.runtime import Service, StartupError
    from entrypoints.settings import load_settings

    try:
        settings = load_settings(
            config_file, data_dir=data_dir, grpc_port=grpc_port, grpc_host=grpc_host
        )
    except (ValidationError, FileNotFoundError) as error:
        click.echo(f"error: invalid configuration:\n{error}", err=True)
        sys.exit(2)
    from entrypoints.telemetry import configure_tracing, session_id

    configure_logging(settings.log_level, settings.log_format, settings.mode, session_id())
    provider = configure_tracing(settings)
    try:
        asyncio.run(_run(Service(settings)))
    except StartupError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    finally:
        if provider is not None:
            provider.shutdown()  # flush spans still in the batch


async def _run(service: object) -> None:
    from entrypoints.runtime import Service

    assert isinstance(service, Service)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if not await _start_unless_stopped(service, stop):
        return
    assert service.grpc is not None
    click.echo(
        f"autotrader {service.settings.mode} mode listening on "
        f"{service.settings.grpc_host}:{service.grpc.port} (data: {service.settings.data_dir})",
        err=True,
    )
    await stop.wait()
    click.echo("shutting down ...", err=True)
    await service.stop()


async def _start_unless_stopped(service: Any, stop: asyncio.Event) -> bool:
    """Start the service; a signal during start (a standby waiting to lead) stops it."""
    starting = asyncio.ensure_future(service.start())
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if starting.done():
        starting.result()  # raise what start raised
        return True
    starting.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await starting
    click.echo("stopped before start-up finished", err=True)
    await service.stop(grace=0)
    return False
