"""Binance markets and leverage brackets → domain Instruments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.binance import parsing
from adapters.binance.http import BinanceHttp
from domain.instrument import Instrument


class BinanceInstrumentProvider:
    """Load exchangeInfo (through ccxt's markets) and leverageBracket once; map symbols."""

    def __init__(self, http: BinanceHttp, symbols: Sequence[str] = ()) -> None:
        self._http = http
        self._only = set(symbols)
        self._unified: dict[str, str] = {}
        self.instruments: dict[str, Instrument] = {}

    async def load(self) -> list[Instrument]:
        exchange = self._http.exchange
        markets: dict[str, Any] = await self._http.call("exchange_info", exchange.load_markets)
        raw_brackets: list[dict[str, Any]] = await self._http.call(
            "leverage_brackets", exchange.fapiPrivateGetLeverageBracket
        )
        brackets = {b["symbol"]: b for b in raw_brackets}
        loaded: dict[str, Instrument] = {}
        for market in markets.values():
            info = market.get("info") or {}
            symbol = info.get("symbol")
            if not market.get("linear") or not market.get("swap") or symbol is None:
                continue
            if self._only and symbol not in self._only:
                continue
            instrument = parsing.instrument(info, brackets.get(symbol))
            if instrument is not None:
                loaded[symbol] = instrument
                self._unified[symbol] = market["symbol"]
        self.instruments = loaded
        return list(loaded.values())

    def unified(self, symbol: str) -> str:
        """Return ccxt's name for a Binance symbol ("BTCUSDT" → "BTC/USDT:USDT")."""
        unified = self._unified.get(symbol)
        if unified is None:
            from domain.errors import InvalidInput

            raise InvalidInput("symbol", f"{symbol!r} is not a Binance USDⓈ-M perpetual we trade")
        return unified
