"""The backtest kernel: deterministic, costs visible, metrics from domain/performance."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from adapters.backtest.kernel import BacktestKernel, run_backtest, synthetic_source
from application.backtest.result import BacktestResult
from domain.errors import InvalidInput
from domain.performance import compute_report
from tests.unit.application.backtest.conftest import small_spec


def _orders(result: BacktestResult) -> list[tuple[str, str, Decimal, str, Decimal | None]]:
    return [
        (o.client_order_id, o.side.value, o.quantity, o.status.value, o.average_price)
        for o in result.orders
    ]


async def test_the_same_spec_gives_the_same_run() -> None:
    first = await run_backtest(small_spec())
    second = await run_backtest(small_spec())
    assert _orders(first) == _orders(second)
    assert len(first.orders) > 4
    assert first.final_equity == second.final_equity
    assert np.array_equal(first.equity, second.equity)
    assert first.summary() == second.summary()


async def test_metrics_are_compute_report_of_the_equity_curve() -> None:
    result = await run_backtest(small_spec())
    again = compute_report(
        result.equity, result.timestamps, result.trades, positions_notional=result.notional
    )
    assert result.report == again
    assert result.report.trade_stats is not None
    assert result.report.trade_stats.trades == len(result.trades) > 0
    # The last point of the float curve is the exact final equity.
    assert result.equity[-1] == pytest.approx(float(result.final_equity), abs=1e-6)


async def test_fees_are_the_fills_fees_and_the_wallet_moves_by_pnl_fees_and_funding() -> None:
    result = await run_backtest(small_spec(days=3, funding_rate="0.001"))
    assert result.fees == sum(f.fee for f in result.fills) > 0
    assert result.funding != 0
    realized = sum(Decimal(repr(t.pnl)) for t in result.trades)
    assert result.fills
    assert realized != 0
    taker = Decimal("0.0004")
    assert all(
        f.fee == (f.quantity * f.price * taker).quantize(Decimal("0.00000001"))
        for f in result.fills
    )


async def test_a_fixed_quantity_overleveraged_long_is_liquidated() -> None:
    spec = small_spec(
        days=3,
        balance="2000",
        fixed_quantity="1",
        leverage=50,
        risk={
            "max_order_notional": 10**7,
            "max_position_notional": 10**7,
            "max_gross_exposure": 10**7,
            "max_net_exposure": 10**7,
            "max_leverage": 100,
        },
    )
    result = await run_backtest(spec)
    assert result.liquidations > 0
    assert any(f.client_order_id.startswith("liq-") for f in result.fills)


async def test_latency_moves_fills_to_a_later_price_update() -> None:
    now = await run_backtest(small_spec())
    later = await run_backtest(small_spec(latency_ms=90_000))
    first_now = next(f for f in now.fills)
    first_later = next(f for f in later.fills)
    assert first_later.client_order_id == first_now.client_order_id
    assert first_later.ts >= first_now.ts + 90_000


async def test_rejects_come_from_the_live_risk_chain() -> None:
    result = await run_backtest(small_spec(risk={"max_order_notional": 100}))
    assert result.orders
    assert all(o.status.value == "REJECTED" for o in result.orders)
    assert all("MAX_ORDER_NOTIONAL" in (o.reject_reason or "") for o in result.orders)
    assert result.fills == []


async def test_progress_counts_minutes() -> None:
    spec = small_spec(days=1)
    seen: list[int] = []
    kernel = BacktestKernel(spec)
    await kernel.run(synthetic_source(spec), seen.append)
    assert seen[-1] == spec.minutes == 1440


def test_unknown_symbols_are_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="symbols"):
        BacktestKernel(small_spec(symbols=["NOPEUSDT"]))
    with pytest.raises(InvalidInput, match=r"params\.fast"):
        small_spec(params={"fast": 1})
    with pytest.raises(InvalidInput, match=r"end_ms|spec"):
        small_spec(days=-1)


async def test_historical_funding_rates_apply_from_their_time_on() -> None:
    day = 86_400_000
    start = small_spec().start_ms
    schedule = [[start, "0.0002"], [start + day, "-0.0003"]]
    result = await run_backtest(small_spec(days=2, funding_rates=schedule))
    assert result.funding != 0
    rates = {(p.ts >= start + day, p.rate) for p in result.funding_payments}
    assert rates <= {(False, Decimal("0.0002")), (True, Decimal("-0.0003"))}
    assert len(rates) == 2


async def test_spread_and_size_impact_make_fills_worse() -> None:
    plain = await run_backtest(small_spec(spread_ticks="0"))
    costly = await run_backtest(small_spec(spread_ticks="0", impact_bps="20"))
    first, worse = plain.fills[0], costly.fills[0]
    assert first.client_order_id == worse.client_order_id
    if first.side.value == "BUY":
        assert worse.price > first.price
    else:
        assert worse.price < first.price
    assert costly.final_equity < plain.final_equity
