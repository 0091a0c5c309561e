"""Read Binance kline dumps (data.binance.vision): the downloaded .zip or the .csv in it."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from domain.errors import InvalidInput
from domain.market.binance_csv import KlineParseError, parse_klines
from domain.market.candles import Candle, Timeframe


def read_kline_file(
    path: Path, symbol: str, timeframe: Timeframe = Timeframe.M1
) -> Iterator[Candle]:
    """Yield the candles of one file, lazily; raise InvalidInput naming the file and line."""
    if not path.is_file():
        raise InvalidInput("file", f"{path}: no such file")
    if path.suffix.lower() == ".zip":
        yield from _zip(path, symbol, timeframe)
    elif path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8", errors="strict", newline="") as handle:
            yield from _parse(path.name, handle, symbol, timeframe)
    else:
        raise InvalidInput("file", f"{path}: expected a .zip or .csv kline file")


def _zip(path: Path, symbol: str, timeframe: Timeframe) -> Iterator[Candle]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise InvalidInput("file", f"{path}: not a readable zip archive ({error})") from error
    with archive:
        members = [m for m in archive.namelist() if m.lower().endswith(".csv")]
        if not members:
            raise InvalidInput("file", f"{path}: the archive holds no .csv file")
        for member in members:
            with archive.open(member) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                yield from _parse(f"{path.name}:{member}", text, symbol, timeframe)


def _parse(
    name: str, lines: Iterator[str] | io.TextIOBase, symbol: str, timeframe: Timeframe
) -> Iterator[Candle]:
    try:
        yield from parse_klines(lines, symbol, timeframe)
    except KlineParseError as error:
        raise InvalidInput("file", f"{name}: {error}") from error
    except UnicodeDecodeError as error:
        raise InvalidInput("file", f"{name}: not a text CSV file ({error.reason})") from error
