"""Differences reconciliation found between our books and the exchange's.

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-24 00:00:00

The DDL is written out here on purpose: a revision must not import the live tables.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "reconciliation_discrepancies",
        sa.Column("id", KEY, autoincrement=True, nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("local_state", sa.Text(), nullable=False),
        sa.Column("exchange_state", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reconciliation_discrepancies"),
    )
    op.create_index("ix_reconciliation_discrepancies_ts", "reconciliation_discrepancies", ["ts"])


def downgrade() -> None:
    op.drop_index("ix_reconciliation_discrepancies_ts", "reconciliation_discrepancies")
    op.drop_table("reconciliation_discrepancies")
