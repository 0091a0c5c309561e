"""Binance's request signing: HMAC-SHA256 over the query string and the body."""

from __future__ import annotations

import hashlib
import hmac

from adapters.fake_binance.errors import BinanceError

MAX_RECV_WINDOW_MS = 60_000
DEFAULT_RECV_WINDOW_MS = 5_000
AHEAD_TOLERANCE_MS = 1_000


def sign(secret: str, payload: str) -> str:
    """Return the hex signature Binance expects for `payload`."""
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def unsigned_part(raw: str) -> tuple[str, str | None]:
    """Split a raw query string or body into its text without `signature` and the signature."""
    kept: list[str] = []
    signature = None
    for part in raw.split("&") if raw else []:
        if part.startswith("signature="):
            signature = part.removeprefix("signature=")
        else:
            kept.append(part)
    return "&".join(kept), signature


def verify(
    keys: dict[str, str],
    api_key: str | None,
    query: str,
    body: str,
    params: dict[str, str],
    now: int,
) -> None:
    """Raise BinanceError unless the request is signed by a known key and fresh."""
    if not api_key or api_key not in keys:
        raise BinanceError(401, -2015, "Invalid API-key, IP, or permissions for action.")
    query_text, query_signature = unsigned_part(query)
    body_text, body_signature = unsigned_part(body)
    signature = query_signature or body_signature
    if signature is None:
        raise BinanceError(
            400,
            -1102,
            "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
        )
    expected = sign(keys[api_key], query_text + body_text)
    if not hmac.compare_digest(expected, signature):
        raise BinanceError(400, -1022, "Signature for this request is not valid.")
    check_timestamp(params, now)


def check_timestamp(params: dict[str, str], now: int) -> None:
    """Apply Binance's rule: timestamp < now + 1 s and now - timestamp <= recvWindow."""
    try:
        timestamp = int(params["timestamp"])
    except (KeyError, ValueError):
        raise BinanceError(
            400,
            -1102,
            "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
        ) from None
    recv_window = int(params.get("recvWindow", DEFAULT_RECV_WINDOW_MS))
    if recv_window > MAX_RECV_WINDOW_MS:
        raise BinanceError(400, -1131, "recvWindow must be less than 60000")
    if timestamp >= now + AHEAD_TOLERANCE_MS:
        raise BinanceError(
            400, -1021, "Timestamp for this request was 1000ms ahead of the server's time."
        )
    if now - timestamp > recv_window:
        raise BinanceError(400, -1021, "Timestamp for this request is outside of the recvWindow.")
