import numpy as np
import pytest

from domain.market.candles import BookTop, DepthSnapshot, Trade
from domain.market.microstructure import (
    TradeFlowImbalance,
    depth_imbalance,
    spread,
    spread_bps,
)


def test_spread_in_price_and_basis_points() -> None:
    book = BookTop("BTCUSDT", 1, 29_999.0, 1.0, 30_001.0, 2.0)
    assert spread(book) == 2.0
    assert spread_bps(book) == pytest.approx(2.0 / 30_000.0 * 10_000)


def test_depth_imbalance_over_the_top_levels() -> None:
    depth = DepthSnapshot(
        "BTCUSDT",
        1,
        bids=((100.0, 3.0), (99.0, 1.0), (98.0, 50.0)),
        asks=((101.0, 1.0), (102.0, 1.0), (103.0, 0.0)),
    )
    assert depth_imbalance(depth, levels=1) == pytest.approx((3 - 1) / 4)
    assert depth_imbalance(depth, levels=2) == pytest.approx((4 - 2) / 6)
    assert depth_imbalance(depth, levels=10) == pytest.approx((54 - 2) / 56)
    assert depth_imbalance(DepthSnapshot("BTCUSDT", 1, (), ())) == 0.0
    with pytest.raises(ValueError, match="levels"):
        depth_imbalance(depth, levels=0)


def test_trade_flow_imbalance_matches_a_brute_force_window() -> None:
    rng = np.random.default_rng(9)
    times = np.cumsum(rng.integers(0, 400, 3000))
    trades = [
        Trade("BTCUSDT", int(t), 100.0, float(q), is_buyer_maker=bool(m))
        for t, q, m in zip(
            times, rng.exponential(1.0, 3000) + 1e-3, rng.integers(0, 2, 3000), strict=True
        )
    ]
    flow = TradeFlowImbalance(window_ms=2_000)
    for i, trade in enumerate(trades):
        got = flow.update(trade)
        window = [t for t in trades[: i + 1] if t.ts > trade.ts - 2_000]
        buy = sum(t.qty for t in window if not t.is_buyer_maker)
        sell = sum(t.qty for t in window if t.is_buyer_maker)
        assert got == pytest.approx((buy - sell) / (buy + sell), abs=1e-12)


def test_trade_flow_is_signed_by_the_aggressor() -> None:
    flow = TradeFlowImbalance(window_ms=1_000)
    assert flow.value is None
    assert flow.update(Trade("BTCUSDT", 0, 100.0, 1.0, is_buyer_maker=False)) == 1.0
    assert flow.update(Trade("BTCUSDT", 10, 100.0, 3.0, is_buyer_maker=True)) == -0.5
    assert flow.update(Trade("BTCUSDT", 1_005, 100.0, 1.0, is_buyer_maker=True)) == -1.0
    with pytest.raises(ValueError, match="time order"):
        flow.update(Trade("BTCUSDT", 5, 100.0, 1.0, is_buyer_maker=True))
