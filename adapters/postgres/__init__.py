"""PostgreSQL-only adapters: bulk market data over asyncpg (TimescaleDB when present)."""
