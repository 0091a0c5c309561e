"""Binance in the running service: the live-mode switches, the adapter's config, start-up.

Live trading needs every one of four separate switches; any one missing stops
the service before it talks to the exchange, with a message naming it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

import structlog

from adapters.binance.config import TESTNET_REST, TESTNET_SPOT_REST, TESTNET_WS, BinanceConfig
from application.ports.monitoring import OperationalMetrics
from application.ports.venue import ExchangeError
from application.reconciliation import Reconcile
from domain.errors import InvalidInput
from domain.position import MarginMode
from entrypoints.settings import Settings

if TYPE_CHECKING:
    from adapters.binance.execution import CcxtBinanceExchange
    from entrypoints.runtime import Service

log = structlog.get_logger("binance")
CONFIRM_ENV = "AUTOTRADER_LIVE_CONFIRM"


class LiveModeRefused(Exception):
    """A live-mode switch is missing or wrong; the message names it."""


def missing_live_switches(settings: Settings, environ: Mapping[str, str]) -> list[str]:
    """Return one line per switch live trading still lacks (empty when all are set)."""
    missing = []
    if settings.mode != "live":
        missing.append("mode: live is not set in the configuration")
    key, secret = settings.binance.key_and_secret()
    if key is None or secret is None:
        missing.append(
            "Binance API keys: set AUTOTRADER_BINANCE__API_KEY and AUTOTRADER_BINANCE__API_SECRET "
            "(or binance.api_key_file and binance.api_secret_file)"
        )
    if not any(grant.role == "live" for grant in settings.tokens):
        missing.append("an operator credential with the 'live' role (a token with role: live)")
    if not environ.get(CONFIRM_ENV):
        missing.append(f"{CONFIRM_ENV}: set it to the exact Binance account id")
    return missing


def check_live_switches(settings: Settings, environ: Mapping[str, str] | None = None) -> None:
    """Raise LiveModeRefused unless every switch that needs no exchange is set."""
    missing = missing_live_switches(settings, os.environ if environ is None else environ)
    if missing:
        raise LiveModeRefused("refusing to start in live mode; missing: " + "; ".join(missing))


def confirm_account(account_id: str, environ: Mapping[str, str] | None = None) -> None:
    """Raise LiveModeRefused unless AUTOTRADER_LIVE_CONFIRM repeats the exchange's account id."""
    confirm = (os.environ if environ is None else environ).get(CONFIRM_ENV, "")
    if confirm.strip() != account_id:
        raise LiveModeRefused(
            f"refusing to start in live mode: {CONFIRM_ENV} does not match the account id "
            "the exchange reports for these API keys"
        )


def binance_config(settings: Settings) -> BinanceConfig:
    """Build the adapter's config: testnet defaults to Binance's demo endpoints."""
    b = settings.binance
    key, secret = b.key_and_secret()
    if key is None or secret is None:
        raise LiveModeRefused(
            f"mode {settings.mode} needs Binance API keys: set AUTOTRADER_BINANCE__API_KEY and "
            "AUTOTRADER_BINANCE__API_SECRET (or binance.api_key_file / api_secret_file)"
        )
    rest, spot, ws = b.rest_url, b.spot_rest_url, b.ws_url
    if settings.mode == "testnet" and rest is None:
        rest, spot, ws = TESTNET_REST, spot or TESTNET_SPOT_REST, ws or TESTNET_WS
    return BinanceConfig(
        key,
        secret,
        rest_url=rest,
        spot_rest_url=spot,
        ws_url=ws,
        recv_window_ms=b.recv_window_ms,
        timeout_s=b.timeout_s,
        max_retries=b.max_retries,
        reconcile_interval_s=b.reconcile_interval_s,
        symbols=tuple(b.symbols),
    )


def build_exchange(
    settings: Settings, metrics: OperationalMetrics | None = None
) -> CcxtBinanceExchange:
    """Build the adapter; ccxt is imported only here, so paper mode never loads it."""
    from adapters.binance.execution import CcxtBinanceExchange

    return CcxtBinanceExchange(binance_config(settings), metrics=metrics)


async def start_binance(service: Service) -> asyncio.Task[None]:
    """Confirm the account (live), open our books, reconcile, then stream.

    Returns the task that reconciles every `reconcile_interval_s`; cancelling it
    closes the adapter.
    """
    c = service.container
    exchange: CcxtBinanceExchange = c.binance_exchange()
    try:
        reconcile = await _open_books(service, exchange)
    except BaseException:
        await exchange.close()  # no half-open sessions or streams after a refusal
        raise
    return asyncio.create_task(
        _reconcile_forever(exchange, reconcile, service.settings.binance.reconcile_interval_s),
        name="binance-reconcile",
    )


async def _open_books(service: Service, exchange: CcxtBinanceExchange) -> Reconcile:
    c = service.container
    settings = service.settings
    if settings.mode == "live":
        confirm_account(await exchange.fetch_account_id())
    await _apply_position_settings(exchange, settings)
    wallet = await exchange.fetch_wallet_balance()
    await c.ledger().open_account(wallet, c.clock().now_ms())
    for update in await exchange.fetch_marks(settings.binance.symbols):
        c.prices().set_mark(update)
    reconcile: Reconcile = c.reconcile()
    found = await reconcile.execute(settle_now=True)  # no stream runs yet: nothing in flight
    log.info("reconciled at start", differences=len(found))
    await exchange.start_streams(settings.binance.symbols)
    return reconcile


async def _apply_position_settings(exchange: CcxtBinanceExchange, settings: Settings) -> None:
    # The exchange's leverage and margin type should be what our books assume; a symbol
    # holding a position keeps its margin type (Binance refuses the change, -4048).
    mode = MarginMode(settings.margin_mode)
    for symbol in settings.binance.symbols:
        try:
            await exchange.set_leverage(symbol, settings.leverage)
            await exchange.set_margin_mode(symbol, mode)
        except (ExchangeError, InvalidInput) as error:
            log.warning("position settings not applied", symbol=symbol, error=str(error))


async def _reconcile_forever(
    exchange: CcxtBinanceExchange, reconcile: Reconcile, every_s: float
) -> None:
    try:
        while True:
            await asyncio.sleep(every_s)
            try:
                found = await reconcile.execute()
            except ExchangeError as error:
                log.warning("reconciliation failed", error=str(error))
                continue
            if found:
                log.warning("reconciliation corrected the books", differences=len(found))
    finally:
        with contextlib.suppress(Exception):
            await exchange.close()
