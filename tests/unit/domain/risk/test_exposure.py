"""Exposure report: notionals, leverage, margin ratio and liquidation distance in Decimal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.risk.errors import ExposureError
from domain.risk.exposure import PositionSnapshot, exposure_report, liquidation_distance_pct

D = Decimal


def _btc_long() -> PositionSnapshot:
    return PositionSnapshot("BTCUSDT", D("0.5"), D(60000), D(58000), D(10), D(150), D(54000))


def _eth_short() -> PositionSnapshot:
    return PositionSnapshot("ETHUSDT", D(-10), D(3000), D(3100), D(5), D(300), D(3500))


def test_report_totals_by_hand() -> None:
    report = exposure_report([_eth_short(), _btc_long()], D(20000))
    assert report.long_notional == D(30000)
    assert report.short_notional == D(30000)
    assert report.gross_notional == D(60000)
    assert report.net_notional == D(0)
    assert report.leverage == D(3)
    assert report.net_leverage == D(0)
    assert report.margin_ratio == D("0.0225")  # (150 + 300) / 20000
    assert report.unrealised_pnl == D(2000)  # 0.5 x 2000 + (-10) x (-100)
    assert [line.symbol for line in report.symbols] == ["BTCUSDT", "ETHUSDT"]


def test_symbol_lines_by_hand() -> None:
    report = exposure_report([_btc_long(), _eth_short()], D(20000))
    btc, eth = report.symbols
    assert (btc.net_notional, btc.long_notional, btc.short_notional) == (D(30000), D(30000), 0)
    assert (eth.net_notional, eth.long_notional, eth.short_notional) == (D(-30000), 0, D(30000))
    assert btc.liquidation_distance_pct == D(10)  # (60000 - 54000) / 60000
    assert eth.liquidation_distance_pct == pytest.approx(D("16.66666666666666666666666667"))
    assert eth.gross_notional == D(30000)


def test_distance_is_negative_past_liquidation_and_none_without_a_price() -> None:
    past = PositionSnapshot("X", D(1), D(90), D(100), D(10), D(1), D(95))
    assert liquidation_distance_pct(past) == D("-5.555555555555555555555555556")
    unknown = PositionSnapshot("X", D(1), D(90), D(100), D(1), D(1), None)
    assert liquidation_distance_pct(unknown) is None
    flat = PositionSnapshot("X", D(0), D(90), D(100), D(1), D(0), D(50))
    assert liquidation_distance_pct(flat) is None


def test_float_inputs_are_converted_through_their_repr() -> None:
    position = PositionSnapshot.of("BTCUSDT", 0.1, 0.3, "0.2", 3, 0, 0.15)
    assert position.quantity == D("0.1")
    assert position.mark_price == D("0.3")
    report = exposure_report([position], 1.1)
    assert report.gross_notional == D("0.03")  # not 0.030000000000000002
    assert report.equity == D("1.1")


def test_leverage_is_infinite_when_equity_is_gone() -> None:
    report = exposure_report([_btc_long()], D(0))
    assert report.leverage == D("Infinity")
    assert report.leverage > D(100)
    empty = exposure_report([], D(0))
    assert (empty.leverage, empty.gross_notional) == (D(0), D(0))


@pytest.mark.parametrize(
    ("build", "argument"),
    [
        (lambda: PositionSnapshot.of("X", "NaN", 1, 1, 1, 0), "quantity"),
        (lambda: PositionSnapshot.of("X", 1, 0, 1, 1, 0), "mark_price"),
        (lambda: PositionSnapshot.of("X", 1, 1, 1, 1, -1), "maintenance_margin"),
        (lambda: PositionSnapshot.of("X", 1, 1, 1, 0, 0), "leverage"),
        (lambda: PositionSnapshot.of("X", True, 1, 1, 1, 0), "quantity"),
        (lambda: exposure_report([], float("inf")), "equity"),
        (lambda: exposure_report([_btc_long(), _btc_long()], 1), "positions"),
    ],
)
def test_bad_inputs_raise_naming_the_argument(build, argument: str) -> None:
    with pytest.raises(ExposureError) as caught:
        build()
    assert caught.value.argument == argument
