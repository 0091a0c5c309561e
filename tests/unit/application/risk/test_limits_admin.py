"""Changing limits at run time: validated, persisted, audited, restored after a restart."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.memory.clock import ManualClock
from adapters.memory.risk import InMemoryRiskStore
from application.risk.limits_admin import GetLimits, SetLimits
from application.risk.state import RiskState
from domain.errors import InvalidInput
from domain.risk.limits import RiskLimits

D = Decimal


async def test_a_change_is_persisted_audited_and_survives_a_restart() -> None:
    store = InMemoryRiskStore()
    state = RiskState(store)
    await state.load(RiskLimits())
    clock = ManualClock(1_700_000_000_000)
    limits, changes = await SetLimits(state, clock).execute(
        {"max_order_notional": "5000", "flatten_on_breaker": "true"}, "alice"
    )
    assert limits.max_order_notional == D(5000)
    assert limits.flatten_on_breaker
    assert [(c.name, c.old, c.new, c.by, c.at) for c in changes] == [
        ("max_order_notional", "25000", "5000", "alice", 1_700_000_000_000),
        ("flatten_on_breaker", "false", "true", "alice", 1_700_000_000_000),
    ]

    restarted = RiskState(store)
    assert await restarted.load(RiskLimits()) is True
    assert restarted.limits == limits
    _, audit = await GetLimits(restarted).execute()
    assert [c.name for c in audit] == ["flatten_on_breaker", "max_order_notional"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"max_order_notional": "-1"}, "max_order_notional"),
        ({"max_order_notional": "abc"}, "max_order_notional"),
        ({"max_order_notional": "NaN"}, "max_order_notional"),
        ({"symbol_order_burst": "2.5"}, "symbol_order_burst"),
        ({"max_drawdown_pct": "150"}, "max_drawdown_pct"),
        ({"flatten_on_breaker": "maybe"}, "flatten_on_breaker"),
        ({"no_such_limit": "1"}, "no_such_limit"),
        ({}, "limits"),
    ],
)
async def test_bad_changes_name_the_field_and_change_nothing(
    changes: dict[str, str], field: str
) -> None:
    store = InMemoryRiskStore()
    state = RiskState(store)
    with pytest.raises(InvalidInput) as error:
        await SetLimits(state, ManualClock()).execute(changes, "alice")
    assert error.value.field == field
    assert store.saves == 0
    assert state.limits == RiskLimits()


async def test_refresh_picks_up_another_process_changes() -> None:
    from domain.risk.halt import KillSwitch

    store = InMemoryRiskStore()
    server, scheduler = RiskState(store), RiskState(store)
    await scheduler.load(RiskLimits())
    await server.set_kill_switch(KillSwitch(True, "alice", 1))
    await SetLimits(server, ManualClock()).execute({"max_leverage": "3"}, "alice")
    await scheduler.refresh()
    assert scheduler.kill_switch.engaged
    assert scheduler.limits.max_leverage == D(3)
