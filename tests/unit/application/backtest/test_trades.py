"""Round trips from fills: flat to flat, reversals split, fees and funding counted."""

from __future__ import annotations

from decimal import Decimal

import pytest

from application.backtest.trades import round_trips
from domain.fill import Fill, Liquidity
from domain.order import Side

D = Decimal


def _fill(n: int, side: Side, qty: str, price: str, fee: str = "1") -> Fill:
    return Fill(
        f"f{n}", f"o{n}", f"c{n}", "BTCUSDT", side, D(qty), D(price), D(fee), Liquidity.TAKER, n
    )


def test_scale_in_partial_exit_and_reversal() -> None:
    fills = [
        _fill(1, Side.BUY, "1", "100"),
        _fill(2, Side.BUY, "1", "110"),  # long 2 @ 105
        _fill(3, Side.SELL, "1", "120"),  # partial exit
        _fill(4, Side.SELL, "3", "130", fee="3"),  # closes 1 @ 130, opens short 2
        _fill(5, Side.BUY, "2", "125"),
    ]
    funding = {"BTCUSDT": [(2, D("-0.5")), (5, D("0.25"))]}
    first, second = round_trips(fills, funding)
    assert first.side == "long"
    assert first.qty == 2
    assert first.entry_price == 105
    assert first.exit_price == 125  # (120 + 130) / 2
    assert first.pnl == pytest.approx(15 + 25)
    assert first.fees == pytest.approx(
        1 + 1 + 1 + 1 + 0.5
    )  # 1/3 of the reversing fee; funding paid
    assert (first.entry_ts, first.exit_ts) == (1, 4)
    assert second.side == "short"
    assert second.qty == 2
    assert second.pnl == pytest.approx(10)
    assert second.fees == pytest.approx(2 + 1 - 0.25)
    assert round_trips(fills[:2]) == []
