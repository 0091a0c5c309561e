"""Binance USDⓈ-M futures through ccxt (REST) and ccxt.pro (WebSocket)."""
