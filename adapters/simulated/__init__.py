"""The simulated venue: a deterministic matching core, price replays and the async adapter."""
