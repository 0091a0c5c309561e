"""Orders, fills, positions, the account and the event journal.

Revision ID: 0001
Revises:
Create Date: 2025-01-01 00:00:00

The DDL is written out here on purpose: a revision must not import the live
tables, which change over time.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Exact decimals: NUMERIC(38,18) on PostgreSQL, the decimal's text on SQLite.
EXACT = sa.Numeric(38, 18).with_variant(sa.Text(), "sqlite")
# SQLite makes only a column declared exactly INTEGER PRIMARY KEY the rowid.
KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column("id", KEY, autoincrement=True, nullable=False),
        sa.Column("order_id", sa.String(64), nullable=False),
        sa.Column("client_order_id", sa.String(64), nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("side", sa.String(8), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("quantity", EXACT, nullable=False),
        sa.Column("price", EXACT, nullable=True),
        sa.Column("stop_price", EXACT, nullable=True),
        sa.Column("time_in_force", sa.String(8), nullable=False),
        sa.Column("reduce_only", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("filled_quantity", EXACT, nullable=False),
        sa.Column("average_price", EXACT, nullable=True),
        sa.Column("fees", EXACT, nullable=False),
        sa.Column("exchange_order_id", sa.String(64), nullable=True),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_orders"),
        sa.UniqueConstraint("order_id", name="uq_orders_order_id"),
        sa.UniqueConstraint("client_order_id", name="uq_orders_client_order_id"),
    )
    op.create_index("ix_orders_status", "orders", ["status"])
    op.create_index("ix_orders_symbol_created_at", "orders", ["symbol", "created_at"])

    op.create_table(
        "fills",
        sa.Column("id", KEY, autoincrement=True, nullable=False),
        sa.Column("fill_id", sa.String(128), nullable=False),
        sa.Column("order_id", sa.String(64), nullable=False),
        sa.Column("client_order_id", sa.String(64), nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("side", sa.String(8), nullable=False),
        sa.Column("quantity", EXACT, nullable=False),
        sa.Column("price", EXACT, nullable=False),
        sa.Column("fee", EXACT, nullable=False),
        sa.Column("liquidity", sa.String(8), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("fee_asset", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fills"),
        sa.UniqueConstraint("fill_id", name="uq_fills_fill_id"),
    )
    op.create_index("ix_fills_order_id", "fills", ["order_id"])

    op.create_table(
        "positions",
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("quantity", EXACT, nullable=False),
        sa.Column("entry_price", EXACT, nullable=False),
        sa.Column("realized_pnl", EXACT, nullable=False),
        sa.Column("fees", EXACT, nullable=False),
        sa.Column("funding", EXACT, nullable=False),
        sa.Column("leverage", sa.Integer(), nullable=False),
        sa.Column("margin_mode", sa.String(16), nullable=False),
        sa.Column("isolated_margin", EXACT, nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("symbol", name="pk_positions"),
    )

    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("asset", sa.String(16), nullable=False),
        sa.Column("wallet_balance", EXACT, nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
    )

    op.create_table(
        "events",
        sa.Column("sequence", KEY, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("sequence", name="pk_events"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("events")
    op.drop_table("accounts")
    op.drop_table("positions")
    op.drop_index("ix_fills_order_id", table_name="fills")
    op.drop_table("fills")
    op.drop_index("ix_orders_symbol_created_at", table_name="orders")
    op.drop_index("ix_orders_status", table_name="orders")
    op.drop_table("orders")
