"""`autotrader fake-binance` (the loopback Binance for tests and demos) and `config show`."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from decimal import Decimal
from pathlib import Path

import click
from pydantic import ValidationError


def register(cli: click.Group) -> None:
    cli.add_command(fake_binance)
    cli.add_command(config)


@click.command("fake-binance")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface (loopback).")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the price path.")
@click.option(
    "--tick-ms",
    type=click.IntRange(10, 60_000),
    default=1000,
    show_default=True,
    help="How often prices move along the seeded path.",
)
@click.option("--wallet", default="10000", show_default=True, help="Starting USDT balance.")
def fake_binance(port: int, host: str, seed: int, tick_ms: int, wallet: str) -> None:
    """Serve a fake Binance USDⓈ-M futures API (REST + WebSocket) on loopback.

    API key "fake-api-key", secret "fake-api-secret". Faults: POST /admin/faults
    with JSON such as {"rate_limited": 2, "retry_after_s": 1} or {"max_fill_qty": "0.01"}.
    """
    asyncio.run(_serve_fake(host, port, seed, tick_ms, Decimal(wallet)))


async def _serve_fake(host: str, port: int, seed: int, tick_ms: int, wallet: Decimal) -> None:
    from adapters.fake_binance.server import FakeBinance

    fake = FakeBinance(seed=seed, wallet=wallet, tick_ms=tick_ms)
    await fake.start(host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    click.echo(f"fake Binance listening on http://{host}:{fake.port}", err=True)
    await stop.wait()
    await fake.stop()


@click.group()
def config() -> None:
    """Inspect the effective configuration."""


@config.command("show")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML settings file; AUTOTRADER_* variables override it.",
)
def show(config_file: Path | None) -> None:
    """Print the effective settings as JSON, every secret masked."""
    from entrypoints.settings import load_settings

    try:
        settings = load_settings(config_file)
    except (ValidationError, FileNotFoundError) as error:
        click.echo(f"error: invalid configuration: {_first_line(error)}", err=True)
        sys.exit(2)
    click.echo(json.dumps(settings.redacted(), indent=2, sort_keys=True, default=str))


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
