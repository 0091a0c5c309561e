"""Candles, strategy states and account snapshots.

Revision ID: 0003
Revises: 0001
Create Date: 2025-01-03 00:00:00

OHLCV are floats: candles feed analytics, never the ledger.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXACT = sa.Numeric(38, 18).with_variant(sa.Text(), "sqlite")
KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "candles",
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("timeframe", sa.String(8), nullable=False),
        sa.Column("open_time", sa.BigInteger(), nullable=False),
        sa.Column("open", sa.Float(), nullable=False),
        sa.Column("high", sa.Float(), nullable=False),
        sa.Column("low", sa.Float(), nullable=False),
        sa.Column("close", sa.Float(), nullable=False),
        sa.Column("volume", sa.Float(), nullable=False),
        sa.Column("quote_volume", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("symbol", "timeframe", "open_time", name="pk_candles"),
    )
    op.create_table(
        "strategy_states",
        sa.Column("strategy_id", sa.String(64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("strategy_id", name="pk_strategy_states"),
    )
    op.create_table(
        "account_snapshots",
        sa.Column("id", KEY, autoincrement=True, nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("wallet_balance", EXACT, nullable=False),
        sa.Column("margin_balance", EXACT, nullable=False),
        sa.Column("unrealized_pnl", EXACT, nullable=False),
        sa.Column("available_balance", EXACT, nullable=False),
        sa.Column("positions", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_account_snapshots"),
    )
    op.create_index("ix_account_snapshots_ts", "account_snapshots", ["ts"])


def downgrade() -> None:
    op.drop_index("ix_account_snapshots_ts", table_name="account_snapshots")
    op.drop_table("account_snapshots")
    op.drop_table("strategy_states")
    op.drop_table("candles")
