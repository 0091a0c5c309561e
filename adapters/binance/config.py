"""How to reach Binance: keys, endpoints and the robustness knobs, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

TESTNET_REST = "https://demo-fapi.binance.com"
TESTNET_SPOT_REST = "https://demo-api.binance.com"
TESTNET_WS = "wss://fstream.binancefuture.com"


@dataclass(frozen=True, slots=True)
class BinanceConfig:
    """Everything the adapter needs; `rest_url`/`ws_url` None means Binance's own hosts.

    `rest_url` is a host root ("http://127.0.0.1:8765"); the futures paths
    (/fapi/v1 ...) and the spot account path (/api/v3) are appended to it.
    """

    api_key: SecretStr = field(repr=False)
    api_secret: SecretStr = field(repr=False)
    rest_url: str | None = None
    spot_rest_url: str | None = None
    ws_url: str | None = None
    recv_window_ms: int = 5_000
    timeout_s: float = 10.0
    max_retries: int = 4
    backoff_base_s: float = 0.2
    backoff_cap_s: float = 5.0
    weight_per_minute: int = 2_400
    reconcile_interval_s: float = 30.0
    symbols: tuple[str, ...] = ()
    close_grace_ms: int = 250  # ccxt waits this long on close for TLS shutdown

    def ccxt_options(self) -> dict[str, Any]:
        """Return the constructor arguments for ccxt's binanceusdm (REST and pro)."""
        options: dict[str, Any] = {
            "apiKey": self.api_key.get_secret_value(),
            "secret": self.api_secret.get_secret_value(),
            # One rate limiter and one retry loop, ours: ccxt's own are switched off.
            "enableRateLimit": False,
            "timeout": int(self.timeout_s * 1000),
            "timeout_on_exit": self.close_grace_ms,
            "options": {
                "defaultType": "swap",
                "recvWindow": self.recv_window_ms,
                "adjustForTimeDifference": False,
                "fetchCurrencies": False,
                "warnOnFetchOpenOrdersWithoutSymbol": False,
            },
        }
        if self.rest_url is not None:
            options["urls"] = {"api": urls(self.rest_url, self.spot_rest_url, self.ws_url)}
        return options


def urls(rest: str, spot_rest: str | None, ws: str | None) -> dict[str, Any]:
    """Return ccxt's `urls['api']` pointing every endpoint we use at `rest` and `ws`."""
    rest = rest.rstrip("/")
    spot = (spot_rest or rest).rstrip("/")
    ws_root = (ws or rest.replace("http", "ws", 1)).rstrip("/")
    table: dict[str, Any] = {
        "fapiPublic": f"{rest}/fapi/v1",
        "fapiPublicV2": f"{rest}/fapi/v2",
        "fapiPublicV3": f"{rest}/fapi/v3",
        "fapiPrivate": f"{rest}/fapi/v1",
        "fapiPrivateV2": f"{rest}/fapi/v2",
        "fapiPrivateV3": f"{rest}/fapi/v3",
        "fapiData": f"{rest}/futures/data",
        "public": f"{spot}/api/v3",
        "private": f"{spot}/api/v3",
        "v1": f"{spot}/api/v1",
        "sapi": f"{spot}/sapi/v1",
    }
    table["ws"] = {"future": f"{ws_root}/ws", "linear": f"{ws_root}/ws"}
    return table


def testnet_config(api_key: SecretStr, api_secret: SecretStr, **kwargs: Any) -> BinanceConfig:
    """Return a config for Binance's demo (testnet) futures endpoints."""
    return BinanceConfig(
        api_key,
        api_secret,
        rest_url=TESTNET_REST,
        spot_rest_url=TESTNET_SPOT_REST,
        ws_url=TESTNET_WS,
        **kwargs,
    )
