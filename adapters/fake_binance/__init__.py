"""A loopback Binance USDⓈ-M server for tests and local runs: never a real exchange."""
