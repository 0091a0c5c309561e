"""Tables of revision 0003: candles, strategy states and account snapshots."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sql.tables import ExactDecimal

metadata = sa.MetaData()

candles = sa.Table(
    "candles",
    metadata,
    sa.Column("symbol", sa.String(32), primary_key=True),
    sa.Column("timeframe", sa.String(8), primary_key=True),
    sa.Column("open_time", sa.BigInteger(), primary_key=True),
    sa.Column("open", sa.Float(), nullable=False),
    sa.Column("high", sa.Float(), nullable=False),
    sa.Column("low", sa.Float(), nullable=False),
    sa.Column("close", sa.Float(), nullable=False),
    sa.Column("volume", sa.Float(), nullable=False),
    sa.Column("quote_volume", sa.Float(), nullable=False),
)

strategy_states = sa.Table(
    "strategy_states",
    metadata,
    sa.Column("strategy_id", sa.String(64), primary_key=True),
    sa.Column("enabled", sa.Boolean(), nullable=False),
    sa.Column("params", sa.Text(), nullable=False),
    sa.Column("updated_at", sa.BigInteger(), nullable=False),
)

account_snapshots = sa.Table(
    "account_snapshots",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("ts", sa.BigInteger(), nullable=False),
    sa.Column("wallet_balance", ExactDecimal(), nullable=False),
    sa.Column("margin_balance", ExactDecimal(), nullable=False),
    sa.Column("unrealized_pnl", ExactDecimal(), nullable=False),
    sa.Column("available_balance", ExactDecimal(), nullable=False),
    sa.Column("positions", sa.Text(), nullable=False),
)
