"""Use cases: one small class per thing a user or a strategy can ask for."""
