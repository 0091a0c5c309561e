"""Alembic revisions: up, down and up again (the stairway), and the result matches tables.py."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import SCRIPTS, alembic_config, create_engine, dispose, downgrade, migrate
from adapters.sql.tables import metadata
from tests.contract import postgres_database

ROOT = Path(__file__).resolve().parents[2]
OURS = {*metadata.tables, "alembic_version"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'autotrader.db'}"
        return
    with postgres_database("autotrader_migrations") as url:
        yield url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        await dispose(engine)


def revisions() -> list[Script]:
    """Return every revision, each after the one it revises."""
    return list(reversed(list(_scripts().walk_revisions("base", "heads"))))


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


async def test_each_revision_goes_up_down_and_up_again(engine: AsyncEngine) -> None:
    # Feature revisions branch from 0001, so each step starts from an empty schema
    # and applies only the revision's own ancestry.
    for revision in revisions():
        below = revision.down_revision
        assert below is None or isinstance(below, str), "merge revisions need their own test"
        await downgrade(engine, "base")
        await migrate(engine, revision.revision)
        await downgrade(engine, below or "base")
        await migrate(engine, revision.revision)
        assert await _current(engine) == {revision.revision}


async def test_every_head_then_base_then_every_head(engine: AsyncEngine) -> None:
    heads = set(_scripts().get_heads())
    await migrate(engine)
    assert await _current(engine) == heads
    assert await _tables(engine) >= OURS
    await downgrade(engine)
    assert await _tables(engine) == {"alembic_version"}
    assert await _current(engine) == set()
    await migrate(engine)
    assert await _current(engine) == heads
    assert await _tables(engine) >= OURS


async def test_the_migrated_schema_is_what_tables_py_describes(engine: AsyncEngine) -> None:
    await migrate(engine)
    async with engine.connect() as connection:
        differences = await connection.run_sync(_compare)
    assert differences == []


async def test_migrating_twice_changes_nothing(engine: AsyncEngine) -> None:
    await migrate(engine)
    await migrate(engine)
    assert await _current(engine) == set(_scripts().get_heads())


def _compare(connection: sa.Connection) -> list[object]:
    # Other modules' revisions add tables of their own; those are not described here.
    def ours(name: str | None, kind: str, _parent: object) -> bool:
        return kind != "table" or name in metadata.tables

    options = {"compare_type": True, "include_name": ours}
    context = MigrationContext.configure(connection, opts=options)
    return list(compare_metadata(context, metadata))


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names())
    return set(names)


async def _current(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        heads = await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_heads()
        )
    return set(heads)


def test_every_revision_descends_from_the_initial_one() -> None:
    scripts = _scripts()
    assert scripts.get_bases() == ["0001"]
    for head in scripts.get_heads():
        ancestry = {script.revision for script in scripts.iterate_revisions(head, "base")}
        assert "0001" in ancestry


@pytest.mark.parametrize("path", sorted((SCRIPTS / "versions").glob("*.py")), ids=lambda p: p.name)
def test_a_revision_does_not_import_the_live_schema(path: Path) -> None:
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert not {name for name in imported if name.split(".")[0] in {"adapters", "domain"}}


async def test_migrate_finds_the_revisions_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    engine = create_engine("sqlite+aiosqlite:///elsewhere/autotrader.db")
    try:
        await migrate(engine)
        assert await _tables(engine) >= OURS
    finally:
        await dispose(engine)
    assert (tmp_path / "elsewhere" / "autotrader.db").exists()


def test_the_alembic_cli_migrates_the_database_in_the_environment(tmp_path: Path) -> None:
    database = tmp_path / "cli" / "autotrader.db"
    env = {**os.environ, "AUTOTRADER_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    alembic = [sys.executable, "-m", "alembic", "-c", str(ROOT / "alembic.ini")]
    for command in (["upgrade", "heads"], ["downgrade", "base"], ["upgrade", "heads"]):
        subprocess.run([*alembic, *command], cwd=tmp_path, env=env, check=True, timeout=60)
    current = subprocess.run(
        [*alembic, "current"],
        cwd=tmp_path,
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    )
    assert all(head in current.stdout for head in _scripts().get_heads())
