"""`autotrader data import|synth`: write candles straight into the configured database.

These commands open the database themselves (no server needed; SQLite allows a running
server beside them). Higher timeframes (5m/15m/1h/4h) are built from the 1m bars and
stored too, so strategies on any timeframe can warm up from them.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from entrypoints.cli import output
from entrypoints.cli.client import EXIT_INVALID, fail

json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML settings file (for database_url / data_dir).",
)
data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="AUTOTRADER_DATA_DIR",
    help="Where the SQLite database lives (env AUTOTRADER_DATA_DIR).",
)
DAY_MS = 86_400_000


def register(cli: click.Group) -> None:
    cli.add_command(data)


@click.group()
def data() -> None:
    """Load candles into the candle store: Binance kline files or synthetic data."""


@data.command("import")
@click.option("--format", "fmt", required=True, type=click.Choice(["binance-csv"]))
@click.option("--symbol", required=True, help="Symbol the files hold, e.g. BTCUSDT.")
@click.option("--timeframe", default="1m", show_default=True, help="Bar length of the files.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@config_option
@data_dir_option
@json_option
def import_files(
    fmt: str,
    symbol: str,
    timeframe: str,
    files: tuple[Path, ...],
    config_file: Path | None,
    data_dir: Path | None,
    as_json: bool,
) -> None:
    """Import Binance kline dumps (the downloaded .zip or the .csv inside it)."""
    from adapters.market_data.binance_csv_files import read_kline_file
    from domain.errors import InvalidInput
    from domain.market.candles import Timeframe

    try:
        tf = Timeframe(timeframe)
        symbol = _symbol(symbol)
        # Feed files oldest first, whatever order they were given in.
        firsts = [(next(iter(read_kline_file(f, symbol, tf)), None), f) for f in files]
        ordered = [f for first, f in sorted(firsts, key=lambda p: _start(p[0]))]
        candles = (c for f in ordered for c in read_kline_file(f, symbol, tf))
        result = asyncio.run(_store(config_file, data_dir, candles, aggregate=tf.value == "1m"))
    except (InvalidInput, ValueError) as error:
        field = getattr(error, "field", "timeframe")
        reason = getattr(error, "reason", str(error))
        fail(f"INVALID_ARGUMENT: {field}: {reason}", EXIT_INVALID)
    _report(result, as_json)


def _start(candle: Any) -> int:
    return -1 if candle is None else int(candle.open_time)


def _symbol(symbol: str) -> str:
    from domain.errors import InvalidInput

    cleaned = symbol.strip().upper()
    if not cleaned.isalnum():
        raise InvalidInput("symbol", f"expected a bare symbol such as BTCUSDT, got {symbol!r}")
    return cleaned


@data.command("synth")
@click.option("--symbols", required=True, help="Comma-separated, e.g. BTCUSDT,ETHUSDT")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3650))
@click.option("--seed", default=7, show_default=True, type=int)
@click.option(
    "--start",
    "start_day",
    type=click.DateTime(["%Y-%m-%d"]),
    help="First UTC day (default: the days up to today).",
)
@config_option
@data_dir_option
@json_option
def synth(
    symbols: str,
    days: int,
    seed: int,
    start_day: datetime | None,
    config_file: Path | None,
    data_dir: Path | None,
    as_json: bool,
) -> None:
    """Generate deterministic synthetic 1m candles (correlated, fat-tailed, regime-switching)."""
    from adapters.simulated.replay import DEFAULT_START_PRICES
    from domain.errors import InvalidInput
    from domain.market.synthetic import generate

    try:
        names = [_symbol(s) for s in symbols.split(",") if s.strip()]
        if not names or len(set(names)) != len(names):
            raise InvalidInput("symbols", "give distinct symbols, e.g. BTCUSDT,ETHUSDT")
        if start_day is None:
            today = datetime.now(UTC).timestamp() * 1000
            start = int(today - today % DAY_MS) - days * DAY_MS
        else:
            start = int(start_day.replace(tzinfo=UTC).timestamp() * 1000)
        base = {s: float(DEFAULT_START_PRICES.get(s, 100)) for s in names}
        candles = generate(names, start, days * 1440, seed, base)
        result = asyncio.run(_store(config_file, data_dir, candles, aggregate=True))
    except InvalidInput as error:
        fail(f"INVALID_ARGUMENT: {error.field}: {error.reason}", EXIT_INVALID)
    _report(result, as_json)


async def _store(
    config_file: Path | None, data_dir: Path | None, candles: Iterable[Any], *, aggregate: bool
) -> dict[str, Any]:
    from adapters.sql.candles import SqlaCandleStore
    from adapters.sql.engine import dispose, migrate
    from application.market_data import HIGHER_TIMEFRAMES, MarketDataPipeline, PipelineConfig
    from entrypoints.container import Container
    from entrypoints.settings import load_settings

    try:
        settings = load_settings(config_file, data_dir=data_dir)
    except (ValidationError, FileNotFoundError) as error:
        click.echo(f"error: invalid configuration:\n{error}", err=True)
        sys.exit(2)
    # The container's candle store: the one the service reads (PgCandleStore on PostgreSQL).
    container = Container(settings=settings)
    engine = container.engine()
    store: Any = None
    try:
        await migrate(engine)
        store = container.candle_store()
        timeframes = HIGHER_TIMEFRAMES if aggregate else ()
        config = PipelineConfig(timeframes=timeframes, window=8, store_batch=20_000)
        pipeline = MarketDataPipeline(store, None, config)
        counts: dict[str, int] = {}
        first = last = None
        for chunk in _chunks(iter(candles), 20_000):
            for candle in chunk:
                await pipeline.on_candle(candle)
                counts[candle.symbol] = counts.get(candle.symbol, 0) + 1
                first = candle.open_time if first is None else min(first, candle.open_time)
                last = candle.open_time if last is None else max(last, candle.open_time)
        await pipeline.finish()
    finally:
        if store is not None and not isinstance(store, SqlaCandleStore):
            await container.market_data().close()
        await dispose(engine)
    from sqlalchemy.engine import make_url

    return {
        "candles": counts,
        "stored_rows": pipeline.stats.stored,
        "duplicates": pipeline.stats.duplicates + pipeline.stats.conflicts,
        "late": pipeline.stats.late,
        "missing_minutes": pipeline.stats.missing_minutes,
        "first": output.when(first or 0),
        "last": output.when(last or 0),
        "database": make_url(settings.database).render_as_string(hide_password=True),
    }


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _report(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        output.print_json(result)
        return
    per_symbol = ", ".join(f"{s} {n}" for s, n in sorted(result["candles"].items()))
    click.echo(
        f"stored {per_symbol or 'no'} candles ({result['first']} .. {result['last']} UTC), "
        f"{result['stored_rows']} rows with higher timeframes, into {result['database']}"
    )
    if result["duplicates"] or result["late"] or result["missing_minutes"]:
        click.echo(
            f"skipped {result['duplicates']} duplicate and {result['late']} out-of-order bars; "
            f"{result['missing_minutes']} minutes missing",
            err=True,
        )
