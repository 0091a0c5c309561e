"""Risk analytics: position sizing, value at risk and exposure, as pure functions."""
