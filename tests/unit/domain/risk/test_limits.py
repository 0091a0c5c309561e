"""The pure limit checks and the drawdown breaker, by hand-computed cases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import InvalidInput
from domain.order import OrderType, Side
from domain.risk.halt import DAY_MS, BreakerState, evaluate_breaker
from domain.risk.limits import (
    BookState,
    OrderIntent,
    RejectCode,
    RiskLimits,
    adds_risk,
    check_exposure,
    check_price_band,
    check_reduce_only,
    projected_notionals,
)

D = Decimal
MARKS = {"BTCUSDT": D(50_000), "ETHUSDT": D(3_000)}


def intent(
    side: Side,
    qty: str,
    symbol: str = "BTCUSDT",
    price: str | None = None,
    reduce_only: bool = False,
) -> OrderIntent:
    kind = OrderType.MARKET if price is None else OrderType.LIMIT
    return OrderIntent(symbol, side, kind, D(qty), None if price is None else D(price), reduce_only)


def book(**positions: str) -> BookState:
    return BookState({k: D(v) for k, v in positions.items()}, MARKS, D(10_000))


@pytest.mark.parametrize(
    ("side", "qty", "position", "adds"),
    [
        (Side.BUY, "1", "0", True),
        (Side.BUY, "1", "2", True),
        (Side.SELL, "1", "2", False),
        (Side.SELL, "2", "2", False),
        (Side.SELL, "3", "2", True),  # flips to a short
        (Side.BUY, "1", "-2", False),
    ],
)
def test_adds_risk(side: Side, qty: str, position: str, adds: bool) -> None:
    assert adds_risk(intent(side, qty), D(position)) is adds


def test_gross_and_net_of_a_hedged_book() -> None:
    state = book(BTCUSDT="0.1")  # +5,000
    notionals = projected_notionals(intent(Side.SELL, "1", "ETHUSDT"), state)
    assert notionals == {"BTCUSDT": D(5_000), "ETHUSDT": D(-3_000)}
    limits = RiskLimits(max_gross_exposure=D(7_999), max_net_exposure=D(2_000))
    breach = check_exposure(intent(Side.SELL, "1", "ETHUSDT"), state, limits)
    assert breach is not None
    assert breach.code is RejectCode.MAX_GROSS_EXPOSURE  # 8,000 gross, 2,000 net
    assert "8000.00" in breach.message


def test_leverage_is_gross_over_equity() -> None:
    limits = RiskLimits(max_leverage=D(2))
    assert check_exposure(intent(Side.BUY, "0.4"), book(), limits) is None  # exactly 2x
    breach = check_exposure(intent(Side.BUY, "0.401"), book(), limits)
    assert breach is not None
    assert breach.code is RejectCode.MAX_LEVERAGE


def test_reductions_are_never_held_to_exposure_limits() -> None:
    tiny = RiskLimits(max_order_notional=D(1), max_position_notional=D(1), max_leverage=D("0.01"))
    assert check_exposure(intent(Side.SELL, "0.1"), book(BTCUSDT="0.1"), tiny) is None


def test_price_band_is_one_sided() -> None:
    limits = RiskLimits(price_band_pct=D(5))
    mark = D(50_000)
    assert check_price_band(intent(Side.BUY, "1", price="52500"), mark, limits) is None
    assert check_price_band(intent(Side.BUY, "1", price="52500.1"), mark, limits) is not None
    assert check_price_band(intent(Side.BUY, "1", price="1"), mark, limits) is None
    assert check_price_band(intent(Side.SELL, "1", price="47500"), mark, limits) is None
    assert check_price_band(intent(Side.SELL, "1", price="47499.9"), mark, limits) is not None


def test_reduce_only_rules() -> None:
    assert check_reduce_only(intent(Side.SELL, "1", reduce_only=True), D(1)) is None
    for qty, position in (("1", "0"), ("1", "-1"), ("2", "1")):
        breach = check_reduce_only(intent(Side.SELL, qty, reduce_only=True), D(position))
        assert breach is not None
        assert breach.code is RejectCode.REDUCE_ONLY


def test_limits_parse_text_and_refuse_nonsense() -> None:
    limits = RiskLimits().with_changes({"max_leverage": " 3.5 ", "symbol_order_burst": "7"})
    assert limits.max_leverage == D("3.5")
    assert limits.symbol_order_burst == 7
    assert RiskLimits.from_text(limits.as_text()) == limits
    with pytest.raises(InvalidInput, match="daily_loss_limit"):
        RiskLimits(daily_loss_limit=D(0))


def test_breaker_by_hand() -> None:
    limits = RiskLimits(daily_loss_limit=D(300), max_drawdown_pct=D(10))
    state = evaluate_breaker(BreakerState(), D(10_000), 5, limits)
    assert (state.peak_equity, state.day, state.day_start_equity) == (D(10_000), 0, D(10_000))
    state = evaluate_breaker(state, D(9_701), 10, limits)
    assert not state.tripped  # lost 299 today
    state = evaluate_breaker(state, D(9_700), 11, limits)
    assert state.tripped
    assert state.tripped_at == 11
    assert "daily loss 300.00" in state.reason
    # Drawdown from a peak made on an earlier day.
    state = evaluate_breaker(BreakerState(), D(12_000), 0, limits)
    state = evaluate_breaker(state, D(10_900), DAY_MS, limits)  # new day: base 10,900
    assert not state.tripped
    state = evaluate_breaker(state, D(10_800), DAY_MS + 1, limits)  # 10 % below 12,000
    assert state.tripped
    assert "drawdown 10.00%" in state.reason
