"""Every RiskStore (memory, SQLite, PostgreSQL) keeps limits, audit and halts alike."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.risk import InMemoryRiskStore
from adapters.sql.engine import create_engine, dispose, migrate
from adapters.sql.risk import SqlaRiskStore
from application.ports.risk_store import LimitChange, RiskStore
from application.risk.state import RiskState
from domain.risk.halt import BreakerState, KillSwitch
from domain.risk.limits import RiskLimits
from tests.contract import postgres_database

D = Decimal


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def reopen(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[object]:
    """Yield a function that opens the store again on the same data: a restart."""
    if request.param == "memory":
        store = InMemoryRiskStore()
        yield lambda: store
        return
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp_path / 'risk.db'}"
        else:
            url = stack.enter_context(postgres_database("autotrader_risk"))
        engines: list[AsyncEngine] = [create_engine(url)]
        await migrate(engines[0])

        def open_store() -> RiskStore:
            engines.append(create_engine(url))
            return SqlaRiskStore(engines[-1])

        try:
            yield open_store
        finally:
            for engine in engines:
                await dispose(engine)


async def test_nothing_is_stored_at_first(reopen) -> None:  # type: ignore[no-untyped-def]
    store = reopen()
    assert await store.load_limits() is None
    assert await store.limit_changes() == []
    assert await store.load_kill_switch() is None
    assert await store.load_breaker() is None


async def test_limits_and_their_audit_survive_a_restart(reopen) -> None:  # type: ignore[no-untyped-def]
    store = reopen()
    limits = RiskLimits(max_order_notional=D("1234.5"), flatten_on_breaker=True)
    changes = [
        LimitChange("max_order_notional", "25000", "1234.5", "alice", 10),
        LimitChange("flatten_on_breaker", "false", "true", "alice", 10),
    ]
    await store.save_limits(limits, changes)
    later = RiskLimits(max_order_notional=D(99))
    await store.save_limits(later, [LimitChange("max_order_notional", "1234.5", "99", "bob", 20)])

    again = reopen()
    assert await again.load_limits() == later
    audit = await again.limit_changes()
    assert [(c.name, c.old, c.new, c.by, c.at) for c in audit] == [
        ("max_order_notional", "1234.5", "99", "bob", 20),
        ("flatten_on_breaker", "false", "true", "alice", 10),
        ("max_order_notional", "25000", "1234.5", "alice", 10),
    ]
    assert len(await again.limit_changes(limit=1)) == 1


async def test_halts_survive_a_restart(reopen) -> None:  # type: ignore[no-untyped-def]
    store = reopen()
    state = RiskState(store)
    await state.set_kill_switch(KillSwitch(True, "alice", 5, "going home"))
    breaker = BreakerState(D("10500.25"), 19_000, D("10100.5"), True, "drawdown", 7)
    await state.set_breaker(breaker)

    restarted = RiskState(reopen())
    assert await restarted.load(RiskLimits()) is False
    assert restarted.kill_switch == KillSwitch(True, "alice", 5, "going home")
    assert restarted.breaker == breaker
    await restarted.set_kill_switch(KillSwitch(False, "bob", 6))
    assert (await reopen().load_kill_switch()) == KillSwitch(False, "bob", 6)
