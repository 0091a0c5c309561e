"""ccxt's exceptions → the application's errors. Nothing of ccxt leaves this adapter.

Binance's own code ({"code": -2019, ...} in the message) decides, not ccxt's
class for it, which varies between ccxt versions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import ccxt.async_support as ccxt

from application.ports.venue import ExchangeError
from domain.errors import InvalidInput

_BODY = re.compile(r"\{.*\}", re.DOTALL)
_SECRETS = re.compile(r"(signature|apiKey|secret|listenKey)=[^&\s\"']+", re.IGNORECASE)

# Codes for an order Binance refused for what it is (the order is not placed).
REJECTION_CODES = frozenset(
    {
        -1013,
        -1102,
        -1106,
        -1111,
        -1116,
        -1117,
        -1121,
        -2019,
        -2021,
        -2022,
        -4003,
        -4116,
        -4120,
        -4164,
        -5021,
        -5022,
    }
)
UNKNOWN_ORDER_CODES = frozenset({-2011, -2013})
DUPLICATE_CLIENT_ID = -4116
TIMESTAMP_CODES = frozenset({-1021})
RATE_LIMIT_CODES = frozenset({-1003})
# -1001 internal error, -1007 timeout with unknown execution status, -1008 overload.
TRANSIENT_CODES = frozenset({-1001, -1007, -1008})


@dataclass(frozen=True, slots=True)
class BinanceFailure:
    """What went wrong with one call: Binance's code (if any) and a safe message."""

    code: int | None
    message: str
    retryable: bool
    rate_limited: bool


def classify(error: Exception) -> BinanceFailure:
    """Describe a ccxt exception without keeping any ccxt type."""
    code, message = _code_and_message(str(error))
    if code is None:
        message = f"{type(error).__name__}: {message}"  # RequestTimeout, NetworkError, ...
    rate_limited = code in RATE_LIMIT_CODES or isinstance(error, ccxt.DDoSProtection)
    retryable = (
        rate_limited
        or code in TRANSIENT_CODES
        or code in TIMESTAMP_CODES
        or (code is None and isinstance(error, ccxt.NetworkError))
        or isinstance(error, ccxt.RequestTimeout | ccxt.ExchangeNotAvailable)
    )
    return BinanceFailure(code, message, retryable, rate_limited)


def translate(failure: BinanceFailure, operation: str) -> Exception:
    """The application error a failed call becomes."""
    if failure.code == -1121:
        return InvalidInput("symbol", f"Binance: {failure.message}")
    if failure.code in (-1102, -1106, -1111, -1013, -4028, -4044):
        return InvalidInput(operation, f"Binance {failure.code}: {failure.message}")
    prefix = f"Binance {failure.code}" if failure.code is not None else "Binance"
    return ExchangeError(f"{operation} failed: {prefix}: {failure.message}")


def scrub(text: str) -> str:
    """Remove anything secret-looking (signatures, keys) from a message."""
    return _SECRETS.sub(r"\1=***", text)


def _code_and_message(text: str) -> tuple[int | None, str]:
    match = _BODY.search(text)
    if match:
        try:
            body = json.loads(match.group(0))
        except ValueError:
            body = None
        if isinstance(body, dict) and "code" in body:
            try:
                return int(body["code"]), scrub(str(body.get("msg", "")))
            except (TypeError, ValueError):
                pass
    return None, scrub(text)[:300]
