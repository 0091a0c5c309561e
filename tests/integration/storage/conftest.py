"""Servers for the storage tests: a migrated PostgreSQL database, private Redis servers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from adapters.redis.connection import client
from adapters.sql.engine import create_engine, dispose, migrate
from tests.contract import postgres_database, run_blocking

SHARED_REDIS = "redis://127.0.0.1:6379/0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def unavailable(reason: str) -> None:
    """Skip, or fail under CI, where every server must be there."""
    if "CI" in os.environ:
        pytest.fail(reason)
    pytest.skip(reason)


class PrivateRedis:
    """A redis-server of our own on a free port, which a test may stop and start again."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server is not installed")
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.02)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def shared_redis() -> AsyncIterator[aioredis.Redis]:
    """The machine's Redis on 6379; tests use keys of their own there."""
    redis = client(SHARED_REDIS)
    try:
        await redis.ping()
    except Exception as exc:  # any failure means "not reachable"
        await redis.aclose()
        unavailable(f"Redis at 127.0.0.1:6379 is not reachable: {exc!r}")
    yield redis
    await redis.aclose()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A migrated database of our own on the machine's PostgreSQL."""
    with postgres_database("autotrader_storage") as url:
        run_blocking(_migrate(url))
        yield url


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrate(engine)
    finally:
        await dispose(engine)
