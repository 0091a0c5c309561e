"""Human tables and JSON documents for the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import click
from google.protobuf.json_format import MessageToDict
from google.protobuf.message import Message


def to_dict(message: Message) -> dict[str, Any]:
    return MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )


def print_json(document: Any) -> None:
    click.echo(json.dumps(document, indent=2, sort_keys=False))


def enum_label(name: str, prefix: str) -> str:
    """Turn 'ORDER_STATUS_PARTIALLY_FILLED' into 'PARTIALLY_FILLED'."""
    return name.removeprefix(prefix)


def when(ms: int) -> str:
    if not ms:
        return ""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def print_table(headers: Sequence[str], rows: Iterable[Sequence[str]], empty: str) -> None:
    """Print an aligned table; numbers are right-aligned."""
    rows = [[str(cell) for cell in row] for row in rows]
    if not rows:
        click.echo(empty)
        return
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in rows:
        cells = [
            cell.rjust(w) if cell and _is_number(cell) else cell.ljust(w)
            for cell, w in zip(row, widths, strict=True)
        ]
        click.echo("  ".join(cells).rstrip())


def print_fields(pairs: Sequence[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in pairs)
    for key, value in pairs:
        click.echo(f"{key.ljust(width)}  {value}")
