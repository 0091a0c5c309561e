"""Risk limits in force, their audit trail, the kill switch and the drawdown breaker.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 00:00:00

The DDL is written out here on purpose: a revision must not import the live tables.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # One row per limit name; values are text so a limit keeps its exact decimal form.
    op.create_table(
        "risk_limits",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_risk_limits"),
    )
    op.create_table(
        "risk_limit_changes",
        sa.Column("id", KEY, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=False),
        sa.Column("new_value", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(128), nullable=False),
        sa.Column("changed_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_risk_limit_changes"),
    )
    op.create_index("ix_risk_limit_changes_changed_at", "risk_limit_changes", ["changed_at"])
    # Single-row tables (id = 1): the kill switch and the breaker's memory.
    op.create_table(
        "risk_kill_switch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engaged", sa.Boolean(), nullable=False),
        sa.Column("changed_by", sa.String(128), nullable=False),
        sa.Column("changed_at", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_risk_kill_switch"),
    )
    op.create_table(
        "risk_breaker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("peak_equity", sa.Text(), nullable=False),
        sa.Column("day", sa.BigInteger(), nullable=False),
        sa.Column("day_start_equity", sa.Text(), nullable=False),
        sa.Column("tripped", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("tripped_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_risk_breaker"),
    )


def downgrade() -> None:
    op.drop_table("risk_breaker")
    op.drop_table("risk_kill_switch")
    op.drop_index("ix_risk_limit_changes_changed_at", table_name="risk_limit_changes")
    op.drop_table("risk_limit_changes")
    op.drop_table("risk_limits")
