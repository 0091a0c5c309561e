"""Market-data adapters: Binance kline files, and the candle feeds of paper trading."""
