"""Secrets never reach a log line; lines inside a span carry its ids."""

from __future__ import annotations

import json

import pytest
import structlog
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from application import telemetry
from entrypoints.logs import configure_logging, scrub_secrets, scrub_text
from tests.tracing import spans

__all__ = ["spans"]

API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    ("text", "secret", "kept"),
    [
        (f"Authorization: Bearer {JWT}", JWT, "Authorization: Bearer ***"),
        (f"authorization=bearer {JWT}", JWT, "bearer ***"),
        ("Basic dXNlcjpodW50ZXIy sent", "dXNlcjpodW50ZXIy", "Basic *** sent"),
        (
            "postgresql+asyncpg://trader:hunter2@db:5432/autotrader",
            "hunter2",
            "postgresql+asyncpg://trader:***@db:5432/autotrader",
        ),
        ("redis://:s3cr3t-pass@127.0.0.1:6379/0", "s3cr3t-pass", "redis://:***@127.0.0.1:6379/0"),
        (
            "GET /fapi/v1/order?symbol=BTCUSDT&timestamp=1&signature=9f86d081884c7d65 failed",
            "9f86d081884c7d65",
            "symbol=BTCUSDT&timestamp=1&signature=*** failed",
        ),
        (f"headers={{'X-MBX-APIKEY': '{API_KEY}'}}", API_KEY, "'X-MBX-APIKEY': '***'"),
        (f'{{"api_key": "{API_KEY}", "qty": "1"}}', API_KEY, '"qty": "1"'),
        ("api_secret=abcdef123456 then", "abcdef123456", "api_secret=*** then"),
        ("password: hunter2", "hunter2", "password: ***"),
        ("refresh_token=tok_live_123", "tok_live_123", "refresh_token=***"),
    ],
    ids=[
        "bearer-header",
        "bearer-pair",
        "basic",
        "url-password",
        "url-password-no-user",
        "signed-query",
        "binance-api-key-header",
        "json-api-key",
        "api-secret",
        "password",
        "token",
    ],
)
def test_secrets_in_free_text_are_masked(text: str, secret: str, kept: str) -> None:
    scrubbed = scrub_text(text)
    assert secret not in scrubbed
    assert kept in scrubbed


def test_ordinary_text_is_left_alone() -> None:
    text = "order at-1 BUY 0.01 BTCUSDT at price=10000, https://example.com:443/x"
    assert scrub_text(text) == text


def test_secret_keys_and_nested_values_are_masked() -> None:
    event = {
        "event": "venue call",
        "api_key": API_KEY,
        "AUTHORIZATION": f"Bearer {JWT}",
        "headers": {"X-MBX-APIKEY": API_KEY, "Content-Type": "json"},
        "urls": [f"https://user:{API_KEY}@host/x"],
        "secret_token": 42,
        "symbol": "BTCUSDT",
    }
    scrubbed = scrub_secrets(None, "info", dict(event))
    assert API_KEY not in json.dumps(scrubbed)
    assert JWT not in json.dumps(scrubbed)
    assert scrubbed["headers"]["Content-Type"] == "json"
    assert scrubbed["symbol"] == "BTCUSDT"
    assert scrubbed["secret_token"] == "***"


def test_a_rendered_log_line_has_no_secret_and_carries_the_span(
    capsys: pytest.CaptureFixture[str], spans: InMemorySpanExporter
) -> None:
    configure_logging("info", "json", mode="testnet", session="s-42")
    try:
        log = structlog.get_logger("test")
        with telemetry.span("work") as span:
            log.info("calling", url=f"https://u:{API_KEY}@x/y", token=API_KEY)
        log.info("outside")
    finally:
        structlog.reset_defaults()
    inside, outside = (json.loads(line) for line in capsys.readouterr().err.splitlines())
    assert API_KEY not in json.dumps(inside)
    context = span.get_span_context()
    assert inside["trace_id"] == format(context.trace_id, "032x")
    assert inside["span_id"] == format(context.span_id, "016x")
    assert (inside["mode"], inside["session"]) == ("testnet", "s-42")
    assert "trace_id" not in outside
    assert outside["mode"] == "testnet"
