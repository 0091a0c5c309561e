"""The event-driven backtest: the live kernel driven by a simulated clock over candles."""
