"""structlog set-up: JSON lines by default, trace ids on lines inside a span, secrets scrubbed."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog
from opentelemetry import trace

_SENSITIVE = r"token|secret|passw(?:or)?d|pwd|api[_-]?key|authorization|signature|credential"
_SECRET_KEYS = re.compile(rf"({_SENSITIVE})", re.I)
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]+@")
# key=value / key: value / "key": "value" pairs inside free text (query strings, headers)
_SECRET_PAIR = re.compile(
    rf"""(?i)(["']?[\w-]*(?:{_SENSITIVE})[\w-]*["']?\s*[=:]\s*["']?)(?!\*\*\*|(?:bearer|basic)\s)[^\s&"',;}}]+"""
)
_MASK = "***"


def scrub_text(text: str) -> str:
    """Mask bearer tokens, URL passwords and secret key=value pairs in free text."""
    text = _BEARER.sub(lambda m: f"{m.group(1)} {_MASK}", text)
    text = _URL_PASSWORD.sub(rf"\1{_MASK}@", text)
    return _SECRET_PAIR.sub(rf"\1{_MASK}", text)


def _scrub(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if depth > 5:
        return value
    if isinstance(value, Mapping):
        return {
            k: _MASK if isinstance(k, str) and _SECRET_KEYS.search(k) else _scrub(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_scrub(v, depth + 1) for v in value)
    return value


def scrub_secrets(_: object, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Mask values under secret-looking keys and secrets embedded in strings, at any depth."""
    for key, value in list(event.items()):
        if _SECRET_KEYS.search(key):
            event[key] = _MASK
        else:
            event[key] = _scrub(value)
    return event


def add_trace_context(
    _: object, __: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Add the active span's trace_id and span_id, so a log line leads to its trace."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event.setdefault("trace_id", format(context.trace_id, "032x"))
        event.setdefault("span_id", format(context.span_id, "016x"))
    return event


def service_identity(mode: str | None, session: str | None) -> structlog.types.Processor:
    """Return a processor stamping every line with the trading mode and session id."""
    fields = {k: v for k, v in (("mode", mode), ("session", session)) if v is not None}

    def add(_: object, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        for key, value in fields.items():
            event.setdefault(key, value)
        return event

    return add


class _Stderr:
    """sys.stderr looked up at every write.

    Loggers are cached on first use; looking the stream up late keeps a cached
    logger working when stderr is replaced (pytest's capture, a daemon's redirect).
    """

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(
    level: str = "info", fmt: str = "json", mode: str | None = None, session: str | None = None
) -> None:
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            add_trace_context,
            service_identity(mode, session),
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            scrub_secrets,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=structlog.PrintLoggerFactory(file=_Stderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=True,
    )
