"""Connection strings for asyncpg, kept apart from the heavy bulk-data modules."""

from __future__ import annotations

from sqlalchemy.engine import make_url


def asyncpg_dsn(url: str) -> str:
    """Return a libpq DSN for a SQLAlchemy URL such as postgresql+asyncpg://..."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
