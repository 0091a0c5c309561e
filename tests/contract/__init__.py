"""Contract suites every implementation of a port must pass, and what they share."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import asyncpg
import pytest

POSTGRES_HOST = "127.0.0.1"
POSTGRES_PORT = 5432
_ADMIN_DSN = f"postgresql://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/postgres"


def run_blocking(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run `coroutine` to completion on a private loop, even inside a running one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """Create a uniquely named database, yield its SQLAlchemy URL, then drop it.

    When the server cannot be reached the test is skipped, unless $CI is set:
    CI always has PostgreSQL, so there it fails instead.
    """
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        run_blocking(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        reason = f"PostgreSQL at {POSTGRES_HOST}:{POSTGRES_PORT} is not reachable: {exc!r}"
        if "CI" in os.environ:
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield f"postgresql+asyncpg://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
    finally:
        run_blocking(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(_ADMIN_DSN, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()
