import math

import pytest

from domain.performance import (
    ClosedTrade,
    exposure,
    exposure_from_trades,
    trade_stats,
    turnover,
)


def _trade(pnl: float, fees: float = 0.0, entry_ts: int = 0, exit_ts: int = 1) -> ClosedTrade:
    return ClosedTrade(
        symbol="BTCUSDT",
        side="long",
        entry_ts=entry_ts,
        exit_ts=exit_ts,
        qty=0.5,
        entry_price=1000.0,
        exit_price=1000.0 + pnl / 0.5,
        pnl=pnl,
        fees=fees,
    )


def test_hand_computed_trade_stats() -> None:
    # Net results: +99, -51, +49, 0 (break-even after fees), -21.
    trades = [_trade(100, 1), _trade(-50, 1), _trade(50, 1), _trade(1, 1), _trade(-20, 1)]
    stats = trade_stats(trades)
    assert (stats.trades, stats.wins, stats.losses) == (5, 2, 2)
    assert stats.win_rate == pytest.approx(2 / 5)
    assert stats.profit_factor == pytest.approx((99 + 49) / (51 + 21))
    assert stats.expectancy == pytest.approx((99 - 51 + 49 + 0 - 21) / 5)
    assert stats.average_win == pytest.approx(74.0)
    assert stats.average_loss == pytest.approx(-36.0)
    assert stats.net_profit == pytest.approx(76.0)
    assert stats.fees == pytest.approx(5.0)


def test_no_trades_gives_nan_averages_not_errors() -> None:
    stats = trade_stats([])
    assert stats.trades == 0
    assert math.isnan(stats.win_rate)
    assert math.isnan(stats.profit_factor)
    assert math.isnan(stats.expectancy)


def test_profit_factor_without_losses_is_nan() -> None:
    stats = trade_stats([_trade(10), _trade(5)])
    assert stats.win_rate == 1.0
    assert math.isnan(stats.profit_factor)
    assert math.isnan(stats.average_loss)


def test_exposure_counts_periods_with_a_position() -> None:
    assert exposure([0.0, 100.0, -50.0, 0.0]) == 0.5
    assert math.isnan(exposure([]))


def test_exposure_from_trades_counts_half_open_intervals() -> None:
    stamps = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]
    trades = [_trade(1, entry_ts=10, exit_ts=30), _trade(1, entry_ts=20, exit_ts=45)]
    # Open at 10, 20, 30, 40 (overlaps count once); closed at 45, so not at 50.
    assert exposure_from_trades(trades, stamps) == pytest.approx(0.4)
    assert exposure_from_trades([], stamps) == 0.0


def test_turnover_is_both_legs_over_average_equity_per_year() -> None:
    trade = ClosedTrade("ETHUSDT", "short", 0, 1, 2.0, 100.0, 90.0, 20.0, 0.4)
    # 2 × (100 + 90) = 380 traded on 1000 of equity over half a year.
    assert turnover([trade], 1000.0, 0.5) == pytest.approx(0.76)
    assert math.isnan(turnover([trade], 1000.0, 0.0))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("side", "buy", "side"),
        ("qty", 0.0, "positive"),
        ("pnl", math.nan, "pnl"),
        ("exit_ts", -1, "precedes"),
    ],
)
def test_a_bad_trade_is_rejected(field: str, value: object, message: str) -> None:
    fields = {
        "symbol": "BTCUSDT",
        "side": "long",
        "entry_ts": 0,
        "exit_ts": 1,
        "qty": 1.0,
        "entry_price": 1.0,
        "exit_price": 1.0,
        "pnl": 0.0,
    }
    with pytest.raises(ValueError, match=message):
        ClosedTrade(**{**fields, field: value})  # type: ignore[arg-type]
