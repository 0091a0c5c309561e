"""Alembic environment for programmatic use and for the CLI.

Programmatic: `adapters.sql.engine.migrate` passes an open connection in
`config.attributes["connection"]`. CLI: `alembic -c alembic.ini upgrade heads`
opens an async engine on $AUTOTRADER_DATABASE_URL (or the ini's sqlalchemy.url).
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from adapters.sql.tables import metadata

URL_VARIABLE = "AUTOTRADER_DATABASE_URL"
config = context.config


def _url() -> str:
    url = os.environ.get(URL_VARIABLE) or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError(f"set {URL_VARIABLE} to the database URL to migrate")
    return url


def _run_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_cli() -> None:
    from adapters.sql.engine import create_engine, dispose

    engine = create_engine(_url())
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run)
    finally:
        await dispose(engine)


def _main() -> None:
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    if context.is_offline_mode():
        _run_offline()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_cli())


_main()
