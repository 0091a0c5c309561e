"""Liquidation prices worked by hand from Binance's one-way USDⓈ-M formula

    LP = (WB − TMM1 + UPNL1 + cumB − Side × Pos × EP) / (Pos × MMR − Side × Pos)

WB is the wallet (cross) or the isolated margin (isolated); TMM1 and UPNL1 are the
other positions' maintenance margin and unrealised PnL (cross only); Pos is the
absolute size, Side +1 long / −1 short, and (MMR, cumB) the bracket that holds
the notional at the liquidation price itself.

The brackets below follow Binance's BTCUSDT table, with cum making the
maintenance margin continuous at each floor:
    tier 1:       0 –    50,000  MMR 0.4%  cum 0
    tier 2:  50,000 –   250,000  MMR 0.5%  cum 0 + 50,000 × (0.005 − 0.004) = 50
    tier 3: 250,000 – 1,000,000  MMR 1.0%  cum 50 + 250,000 × (0.01 − 0.005) = 1,300
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.instrument import Instrument, MarginBracket
from domain.position import MarginMode, Position, liquidation_price

D = Decimal

BTC = Instrument(
    symbol="BTCUSDT",
    base="BTC",
    quote="USDT",
    tick_size=D("0.1"),
    step_size=D("0.001"),
    min_qty=D("0.001"),
    min_notional=D(5),
    max_leverage=125,
    brackets=(
        MarginBracket(D(0), D(50_000), D("0.004"), D(0), 125),
        MarginBracket(D(50_000), D(250_000), D("0.005"), D(50), 100),
        MarginBracket(D(250_000), D(1_000_000), D("0.01"), D(1_300), 50),
    ),
)
ETH = Instrument(
    symbol="ETHUSDT",
    base="ETH",
    quote="USDT",
    tick_size=D("0.01"),
    step_size=D("0.001"),
    min_qty=D("0.001"),
    min_notional=D(5),
    max_leverage=100,
    brackets=(MarginBracket(D(0), D(10_000), D("0.005"), D(0), 100),),
)
# Far below a satoshi: the formula's answer is rounded to 28 digits.
TOLERANCE = D("1e-18")


def _isolated(quantity: str, entry: int, margin: int) -> Position:
    return Position(
        "BTCUSDT",
        quantity=D(quantity),
        entry_price=D(entry),
        margin_mode=MarginMode.ISOLATED,
        isolated_margin=D(margin),
    )


def _cross(quantity: str, entry: int) -> Position:
    return Position("BTCUSDT", quantity=D(quantity), entry_price=D(entry))


def _margin_left(position: Position, wallet: Decimal, price: Decimal) -> Decimal:
    """Margin balance minus maintenance margin if the mark were `price`: zero at
    the liquidation price, by definition rather than by the formula."""
    maintenance = position.maintenance_margin(BTC, price)
    return wallet + position.unrealized_pnl(price) - maintenance


def test_isolated_long() -> None:
    # 1 BTC long at 10,000 with 1,000 isolated; tier 1 (MMR 0.004, cum 0):
    #   LP = (1,000 − 0 + 0 + 0 − 1 × 1 × 10,000) / (1 × 0.004 − 1 × 1)
    #      = −9,000 / −0.996 = 9,036.1445783…   (notional 9,036: tier 1, consistent)
    position = _isolated("1", 10_000, 1_000)

    # The wallet and the other positions do not matter to an isolated position.
    lp = liquidation_price(position, BTC, D(1_000_000), D(500), D(-700))

    assert lp == D(9_000) / D("0.996")
    assert str(lp).startswith("9036.1445783")
    assert abs(_margin_left(position, D(1_000), lp)) < TOLERANCE


def test_isolated_short() -> None:
    # 1 BTC short at 10,000 with 1,000 isolated; Side = −1:
    #   LP = (1,000 + 0 − (−1) × 1 × 10,000) / (1 × 0.004 − (−1) × 1)
    #      = 11,000 / 1.004 = 10,956.1752988…   (notional 10,956: tier 1, consistent)
    position = _isolated("-1", 10_000, 1_000)

    lp = liquidation_price(position, BTC, D(0))

    assert lp == D(11_000) / D("1.004")
    assert str(lp).startswith("10956.1752988")
    assert abs(_margin_left(position, D(1_000), lp)) < TOLERANCE


def test_cross_counts_the_other_positions() -> None:
    # Wallet 5,000. The other position, ETH short 10 at 1,000 marked at 900:
    #   UPNL1 = −10 × (900 − 1,000) = +1,000
    #   TMM1  = 10 × 900 × 0.005 − 0 = 45
    # BTC long 1 at 10,000 (tier 1):
    #   LP = (5,000 − 45 + 1,000 + 0 − 1 × 1 × 10,000) / (0.004 − 1)
    #      = −4,045 / −0.996 = 4,061.2449799…   (notional 4,061: tier 1, consistent)
    eth = Position("ETHUSDT", quantity=D(-10), entry_price=D(1_000))
    other_mm = eth.maintenance_margin(ETH, D(900))
    other_upnl = eth.unrealized_pnl(D(900))
    assert (other_mm, other_upnl) == (D(45), D(1_000))
    position = _cross("1", 10_000)

    lp = liquidation_price(position, BTC, D(5_000), other_mm, other_upnl)

    assert lp == D(4_045) / D("0.996")
    assert str(lp).startswith("4061.2449799")
    assert abs(_margin_left(position, D(5_000) - other_mm + other_upnl, lp)) < TOLERANCE


def test_cross_short_with_a_losing_other_position() -> None:
    # Wallet 3,000, BTC short 1 at 10,000; others: TMM1 = 20, UPNL1 = −500:
    #   LP = (3,000 − 20 − 500 + 0 + 10,000) / (0.004 + 1) = 12,480 / 1.004
    #      = 12,430.2788844…   (notional 12,430: tier 1, consistent)
    lp = liquidation_price(_cross("-1", 10_000), BTC, D(3_000), D(20), D(-500))

    assert lp == D(12_480) / D("1.004")
    assert str(lp).startswith("12430.2788844")


def test_a_large_long_is_liquidated_in_the_tier_its_liquidation_notional_holds() -> None:
    # 10 BTC long at 10,000 (notional 100,000), 10,000 isolated. Each tier tried:
    #   tier 1: (10,000 + 0 − 100,000) / (10 × 0.004 − 10) = −90,000 / −9.96
    #           = 9,036.14 → notional 90,361 is in tier 2: inconsistent
    #   tier 2: (10,000 + 50 − 100,000) / (10 × 0.005 − 10) = −89,950 / −9.95
    #           = 9,040.2010050… → notional 90,402 is in tier 2: consistent
    #   tier 3: (10,000 + 1,300 − 100,000) / (10 × 0.01 − 10) = −88,700 / −9.9
    #           = 8,959.60 → notional 89,596 is in tier 2: inconsistent
    position = _isolated("10", 10_000, 10_000)

    lp = liquidation_price(position, BTC, D(0))

    assert lp == D(89_950) / D("9.95")
    assert str(lp).startswith("9040.2010050")
    assert abs(_margin_left(position, D(10_000), lp)) < TOLERANCE


def test_the_tier_is_the_one_at_liquidation_not_at_entry() -> None:
    # 6 BTC long at 10,000 is 60,000 (tier 2 at entry), 30,000 isolated (2×):
    #   tier 2: (30,000 + 50 − 60,000) / (6 × 0.005 − 6) = −29,950 / −5.97
    #           = 5,016.75 → notional 30,100 is in tier 1: inconsistent
    #   tier 1: (30,000 + 0 − 60,000) / (6 × 0.004 − 6) = −30,000 / −5.976
    #           = 5,020.0803212… → notional 30,120 is in tier 1: consistent
    position = _isolated("6", 10_000, 30_000)

    lp = liquidation_price(position, BTC, D(0))

    assert lp == D(30_000) / D("5.976")
    assert str(lp).startswith("5020.0803212")
    assert abs(_margin_left(position, D(30_000), lp)) < TOLERANCE


def test_a_short_climbs_into_a_higher_tier_before_liquidation() -> None:
    # 4 BTC short at 10,000 is 40,000 (tier 1 at entry), 20,000 isolated:
    #   tier 1: (20,000 + 0 + 4 × 10,000) / (4 × 0.004 + 4) = 60,000 / 4.016
    #           = 14,940.24 → notional 59,761 is in tier 2: inconsistent
    #   tier 2: (20,000 + 50 + 40,000) / (4 × 0.005 + 4) = 60,050 / 4.02
    #           = 14,937.8109452… → notional 59,751 is in tier 2: consistent
    position = _isolated("-4", 10_000, 20_000)

    lp = liquidation_price(position, BTC, D(0))

    assert lp == D(60_050) / D("4.02")
    assert str(lp).startswith("14937.8109452")
    assert abs(_margin_left(position, D(20_000), lp)) < TOLERANCE


def test_a_fully_collateralised_isolated_long_has_no_liquidation_price() -> None:
    # 1× long: 1 BTC at 10,000 with 10,000 isolated.
    #   LP = (10,000 − 10,000) / (0.004 − 1) = 0: the price would have to reach zero.
    assert liquidation_price(_isolated("1", 10_000, 10_000), BTC, D(0)) is None


def test_an_overcollateralised_cross_long_has_no_liquidation_price() -> None:
    # Wallet 20,000 behind 1 BTC long at 10,000:
    #   LP = (20,000 − 10,000) / (0.004 − 1) = −10,040.16 < 0.
    assert liquidation_price(_cross("1", 10_000), BTC, D(20_000)) is None


def test_a_fully_collateralised_short_still_has_one() -> None:
    # 1× short: 1 BTC at 10,000 with 10,000 isolated; a short's loss is unbounded:
    #   LP = (10,000 + 10,000) / (0.004 + 1) = 20,000 / 1.004 = 19,920.318…
    lp = liquidation_price(_isolated("-1", 10_000, 10_000), BTC, D(0))
    assert lp == D(20_000) / D("1.004")


@pytest.mark.parametrize("mode", list(MarginMode), ids=str)
def test_a_flat_position_has_no_liquidation_price(mode: MarginMode) -> None:
    position = Position("BTCUSDT", margin_mode=mode)
    assert liquidation_price(position, BTC, D(1_000)) is None
