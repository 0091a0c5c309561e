"""Market data on PostgreSQL (TimescaleDB when present); outbox cursor, idempotency, fences.

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-24 00:00:00

On PostgreSQL the market-data tables md_candles, md_trades, md_funding and
md_mark_prices are keyed by (symbol, time). When the timescaledb extension is
available (pg_available_extensions) and $AUTOTRADER_TIMESCALE is not "off", they
become hypertables with a compression policy, and md_candles_1h is a continuous
aggregate of the 1m candles; otherwise they are plain tables with BRIN indexes on
time and md_candles_1h is a plain view computing the same hourly bars.
SQLite gets no market-data tables (its candles live in issue 3's `candles`).

On every dialect: `outbox_relay` (how far the event relay has published the
journal), `idempotency_keys` (SubmitOrder retries) and `leader_fences` (the
newest fencing token per account; a write under an older token is refused).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SWITCH = "AUTOTRADER_TIMESCALE"
MARKET_TABLES = ("md_candles", "md_trades", "md_funding", "md_mark_prices")

_PLAIN_TABLES = (
    """
    CREATE TABLE md_candles (
        symbol text NOT NULL,
        timeframe text NOT NULL,
        ts timestamptz NOT NULL,
        open double precision NOT NULL,
        high double precision NOT NULL,
        low double precision NOT NULL,
        close double precision NOT NULL,
        volume double precision NOT NULL,
        quote_volume double precision NOT NULL,
        CONSTRAINT pk_md_candles PRIMARY KEY (symbol, timeframe, ts)
    )
    """,
    """
    CREATE TABLE md_trades (
        symbol text NOT NULL,
        ts timestamptz NOT NULL,
        trade_id bigint NOT NULL,
        price double precision NOT NULL,
        qty double precision NOT NULL,
        is_buyer_maker boolean NOT NULL,
        CONSTRAINT pk_md_trades PRIMARY KEY (symbol, ts, trade_id)
    )
    """,
    """
    CREATE TABLE md_funding (
        symbol text NOT NULL,
        ts timestamptz NOT NULL,
        rate double precision NOT NULL,
        mark_price double precision NOT NULL,
        CONSTRAINT pk_md_funding PRIMARY KEY (symbol, ts)
    )
    """,
    """
    CREATE TABLE md_mark_prices (
        symbol text NOT NULL,
        ts timestamptz NOT NULL,
        mark double precision NOT NULL,
        index_price double precision NOT NULL,
        funding_rate double precision NOT NULL,
        next_funding_time timestamptz NOT NULL,
        CONSTRAINT pk_md_mark_prices PRIMARY KEY (symbol, ts)
    )
    """,
)

# Without TimescaleDB: BRIN on time (tiny, right for append-mostly data) and a view.
_FALLBACK = (
    *(f"CREATE INDEX ix_{name}_ts_brin ON {name} USING brin (ts)" for name in MARKET_TABLES),
    """
    CREATE VIEW md_candles_1h AS
    SELECT symbol,
           date_trunc('hour', ts) AS ts,
           (array_agg(open ORDER BY ts))[1] AS open,
           max(high) AS high,
           min(low) AS low,
           (array_agg(close ORDER BY ts DESC))[1] AS close,
           sum(volume) AS volume,
           sum(quote_volume) AS quote_volume
    FROM md_candles
    WHERE timeframe = '1m'
    GROUP BY symbol, date_trunc('hour', ts)
    """,
)

# With TimescaleDB: 7-day chunks, compress after 30 days segmented by symbol, and a
# real-time continuous aggregate refreshed every 30 minutes.
_TIMESCALE = (
    "CREATE EXTENSION IF NOT EXISTS timescaledb",
    *(
        f"SELECT create_hypertable('{name}', 'ts', chunk_time_interval => interval '7 days')"
        for name in MARKET_TABLES
    ),
    "ALTER TABLE md_candles SET (timescaledb.compress, "
    "timescaledb.compress_segmentby = 'symbol, timeframe', timescaledb.compress_orderby = 'ts')",
    *(
        f"ALTER TABLE {name} SET (timescaledb.compress, "
        f"timescaledb.compress_segmentby = 'symbol', timescaledb.compress_orderby = 'ts')"
        for name in MARKET_TABLES[1:]
    ),
    *(f"SELECT add_compression_policy('{name}', interval '30 days')" for name in MARKET_TABLES),
    """
    CREATE MATERIALIZED VIEW md_candles_1h
    WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
    SELECT symbol,
           time_bucket(interval '1 hour', ts) AS ts,
           first(open, ts) AS open,
           max(high) AS high,
           min(low) AS low,
           last(close, ts) AS close,
           sum(volume) AS volume,
           sum(quote_volume) AS quote_volume
    FROM md_candles
    WHERE timeframe = '1m'
    GROUP BY symbol, time_bucket(interval '1 hour', ts)
    WITH NO DATA
    """,
    "SELECT add_continuous_aggregate_policy('md_candles_1h', "
    "start_offset => interval '3 days', end_offset => interval '1 hour', "
    "schedule_interval => interval '30 minutes')",
)


def upgrade() -> None:
    op.create_table(
        "outbox_relay",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_outbox_relay"),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("method", sa.String(64), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("response", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_idempotency_keys"),
    )
    op.create_table(
        "leader_fences",
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("token", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account", name="pk_leader_fences"),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in _PLAIN_TABLES:
        op.execute(statement)
    for statement in _TIMESCALE if timescale_available() else _FALLBACK:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        if _is_continuous_aggregate("md_candles_1h"):
            op.execute("DROP MATERIALIZED VIEW md_candles_1h")
        else:
            op.execute("DROP VIEW IF EXISTS md_candles_1h")
        for name in reversed(MARKET_TABLES):
            op.execute(f"DROP TABLE {name}")
    op.drop_table("leader_fences")
    op.drop_table("idempotency_keys")
    op.drop_table("outbox_relay")


def timescale_available() -> bool:
    """Tell whether to build the TimescaleDB layout: installed and not switched off."""
    if os.environ.get(SWITCH, "auto").lower() == "off":
        return False
    query = sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")
    return op.get_bind().execute(query).first() is not None


def _is_continuous_aggregate(name: str) -> bool:
    bind = op.get_bind()
    installed = sa.text("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")
    if bind.execute(installed).first() is None:
        return False
    query = sa.text(
        "SELECT 1 FROM timescaledb_information.continuous_aggregates WHERE view_name = :name"
    )
    return bind.execute(query, {"name": name}).first() is not None
