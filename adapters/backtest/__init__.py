"""Backtest composition: the live kernel over the simulated venue, in memory."""
