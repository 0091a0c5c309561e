"""The schema the repositories read and write; the Alembic revisions create it."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

SCALE = 18
PRECISION = 38
_CONTEXT = Context(prec=PRECISION, rounding=ROUND_HALF_EVEN)
_QUANTUM = Decimal(1).scaleb(-SCALE)
_ONE = Decimal(1)


def plain(value: Decimal) -> Decimal:
    """Return `value` without trailing zeros and without an exponent on whole numbers."""
    if value == value.to_integral_value(context=_CONTEXT):
        return value.quantize(_ONE, context=_CONTEXT)
    return value.normalize(_CONTEXT)


class ExactDecimal(sa.types.TypeDecorator[Decimal]):
    """An exact decimal: NUMERIC(38,18) on PostgreSQL, TEXT on SQLite.

    Values are rounded half-even to 18 places before they are stored, on every
    dialect, so SQLite keeps exactly what PostgreSQL keeps; reads always return
    a `Decimal` without trailing zeros.
    """

    impl = sa.Numeric(PRECISION, SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.Text())
        return dialect.type_descriptor(sa.Numeric(PRECISION, SCALE, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal | int) or isinstance(value, bool):
            raise TypeError(f"ExactDecimal takes a Decimal or an int, got {value!r}")
        exact = Decimal(value).quantize(_QUANTUM, context=_CONTEXT)
        return str(plain(exact)) if dialect.name == "sqlite" else exact

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return plain(value if isinstance(value, Decimal) else Decimal(value))


def _key() -> sa.types.TypeEngine[int]:
    # SQLite makes only a column declared exactly INTEGER PRIMARY KEY the rowid.
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

# `id` keeps insertion order, the tie-break when two rows share a timestamp.
orders = sa.Table(
    "orders",
    metadata,
    sa.Column("id", _key(), primary_key=True, autoincrement=True),
    sa.Column("order_id", sa.String(64), nullable=False, unique=True),
    sa.Column("client_order_id", sa.String(64), nullable=False, unique=True),
    sa.Column("symbol", sa.String(32), nullable=False),
    sa.Column("side", sa.String(8), nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("quantity", ExactDecimal(), nullable=False),
    sa.Column("price", ExactDecimal(), nullable=True),
    sa.Column("stop_price", ExactDecimal(), nullable=True),
    sa.Column("time_in_force", sa.String(8), nullable=False),
    sa.Column("reduce_only", sa.Boolean(), nullable=False),
    sa.Column("created_at", sa.BigInteger(), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("filled_quantity", ExactDecimal(), nullable=False),
    sa.Column("average_price", ExactDecimal(), nullable=True),
    sa.Column("fees", ExactDecimal(), nullable=False),
    sa.Column("exchange_order_id", sa.String(64), nullable=True),
    sa.Column("reject_reason", sa.Text(), nullable=True),
    sa.Column("updated_at", sa.BigInteger(), nullable=False),
    sa.Index(None, "status"),
    sa.Index(None, "symbol", "created_at"),
)

fills = sa.Table(
    "fills",
    metadata,
    sa.Column("id", _key(), primary_key=True, autoincrement=True),
    sa.Column("fill_id", sa.String(128), nullable=False, unique=True),
    sa.Column("order_id", sa.String(64), nullable=False, index=True),
    sa.Column("client_order_id", sa.String(64), nullable=False),
    sa.Column("symbol", sa.String(32), nullable=False),
    sa.Column("side", sa.String(8), nullable=False),
    sa.Column("quantity", ExactDecimal(), nullable=False),
    sa.Column("price", ExactDecimal(), nullable=False),
    sa.Column("fee", ExactDecimal(), nullable=False),
    sa.Column("liquidity", sa.String(8), nullable=False),
    sa.Column("ts", sa.BigInteger(), nullable=False),
    sa.Column("fee_asset", sa.String(16), nullable=False),
)

positions = sa.Table(
    "positions",
    metadata,
    sa.Column("symbol", sa.String(32), primary_key=True),
    sa.Column("quantity", ExactDecimal(), nullable=False),
    sa.Column("entry_price", ExactDecimal(), nullable=False),
    sa.Column("realized_pnl", ExactDecimal(), nullable=False),
    sa.Column("fees", ExactDecimal(), nullable=False),
    sa.Column("funding", ExactDecimal(), nullable=False),
    sa.Column("leverage", sa.Integer(), nullable=False),
    sa.Column("margin_mode", sa.String(16), nullable=False),
    sa.Column("isolated_margin", ExactDecimal(), nullable=False),
    sa.Column("updated_at", sa.BigInteger(), nullable=False),
)

# The one wallet: a single row whose id is always ACCOUNT_ID.
ACCOUNT_ID = 1
accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("asset", sa.String(16), nullable=False),
    sa.Column("wallet_balance", ExactDecimal(), nullable=False),
    sa.Column("updated_at", sa.BigInteger(), nullable=False),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("sequence", _key(), primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("ts", sa.BigInteger(), nullable=False),
    sa.Column("payload", sa.Text(), nullable=False),
    sqlite_autoincrement=True,  # never hand out a sequence number twice
)
