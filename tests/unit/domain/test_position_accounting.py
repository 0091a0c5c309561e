"""Positions built from fills: PnL against independent cash-flow accounting,
flips, entry averaging, isolated margin and funding."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.fill import Fill, Liquidity
from domain.instrument import Instrument, MarginBracket
from domain.order import Side
from domain.position import MarginMode, Position

STEP = Decimal("0.001")
TICK = Decimal("0.1")
SATOSHI = Decimal("0.00000001")
BUY, SELL = Side.BUY, Side.SELL

FillSpec = tuple[Side, Decimal, Decimal, Decimal]

quantities = st.integers(1, 5_000).map(lambda n: n * STEP)
prices = st.integers(1, 1_000_000).map(lambda n: n * TICK)
# Fees are usually paid (> 0); a maker rebate makes one negative.
fees = st.integers(-(10**6), 10**8).map(lambda n: n * SATOSHI)
fill_specs = st.tuples(st.sampled_from(Side), quantities, prices, fees)
histories = st.lists(fill_specs, min_size=1, max_size=20)

_ids = itertools.count(1)


def _fill(side: Side, quantity: object, price: object, fee: object = 0) -> Fill:
    n = next(_ids)
    return Fill(
        fill_id=f"f-{n}",
        order_id="o-1",
        client_order_id="c-1",
        symbol="BTCUSDT",
        side=side,
        quantity=Decimal(str(quantity)),
        price=Decimal(str(price)),
        fee=Decimal(str(fee)),
        liquidity=Liquidity.TAKER,
        ts=n,
    )


def _replay(specs: list[FillSpec]) -> tuple[Position, Decimal]:
    position = Position("BTCUSDT")
    realized = sum((position.apply_fill(_fill(*spec)) for spec in specs), Decimal(0))
    return position, realized


def _cash_flow_equity(specs: list[FillSpec], mark: Decimal) -> Decimal:
    """Equity starting flat, by cash alone: what was paid and received for the
    contracts, minus fees, plus what the contracts held are worth at `mark`."""
    cash = sum(
        (-side.sign * quantity * price - fee for side, quantity, price, fee in specs), Decimal(0)
    )
    held = sum((side.sign * quantity for side, quantity, _, _ in specs), Decimal(0))
    return cash + held * mark


@settings(max_examples=300, deadline=None)
@given(specs=histories, mark=prices)
def test_quantity_is_the_signed_sum_of_fills(specs: list[FillSpec], mark: Decimal) -> None:
    position, realized = _replay(specs)

    assert position.quantity == sum(side.sign * quantity for side, quantity, _, _ in specs)
    assert position.realized_pnl == realized
    assert position.fees == sum(fee for _, _, _, fee in specs)
    if position.is_flat:
        assert position.entry_price == 0
        assert position.unrealized_pnl(mark) == 0


@settings(max_examples=300, deadline=None)
@given(specs=histories, mark=prices)
def test_pnl_matches_cash_flow_equity_far_below_a_satoshi(
    specs: list[FillSpec], mark: Decimal
) -> None:
    position, realized = _replay(specs)

    pnl = realized + position.unrealized_pnl(mark) - position.fees
    # The entry price is an average rounded to 28 digits; see the exact test below.
    assert abs(pnl - _cash_flow_equity(specs, mark)) < SATOSHI * Decimal("1e-8")


@pytest.mark.xfail(
    strict=True,
    reason="entry_price is a rounded quotient, so quantity × entry is not the cost "
    "actually paid (domain/position.py:80); keep an exact cost basis instead",
)
@settings(max_examples=300, deadline=None)
@given(specs=histories, mark=prices)
@example(
    specs=[
        (BUY, Decimal(1), Decimal(100), Decimal(0)),
        (BUY, Decimal(2), Decimal("100.1"), Decimal(0)),
    ],
    mark=Decimal(100),
)
def test_pnl_matches_cash_flow_equity_exactly(specs: list[FillSpec], mark: Decimal) -> None:
    # Entry (100 + 200.2) / 3 = 100.0666…; at a mark of 100 the cash view says
    # −100 − 200.2 + 3 × 100 = −0.2 exactly.
    position, realized = _replay(specs)

    pnl = realized + position.unrealized_pnl(mark) - position.fees
    assert pnl == _cash_flow_equity(specs, mark)


def test_flipping_through_zero_opens_the_rest_at_the_flip_price() -> None:
    position, _ = _replay([(BUY, Decimal(1), Decimal(100), Decimal(0))])

    realized = position.apply_fill(_fill(SELL, 3, 110))

    assert realized == Decimal(10)  # the long 1 closed 10 higher
    assert position.quantity == Decimal(-2)
    assert position.entry_price == Decimal(110)
    assert position.unrealized_pnl(Decimal(105)) == Decimal(10)


def test_flipping_short_to_long() -> None:
    position, _ = _replay([(SELL, Decimal(2), Decimal(100), Decimal(0))])

    realized = position.apply_fill(_fill(BUY, 5, 90))

    assert realized == Decimal(20)
    assert (position.quantity, position.entry_price) == (Decimal(3), Decimal(90))


def test_adding_averages_the_entry_and_reducing_keeps_it() -> None:
    position, _ = _replay([(BUY, Decimal(1), Decimal(100), Decimal(0))])

    position.apply_fill(_fill(BUY, 3, 104))
    assert position.entry_price == Decimal(103)  # (100 + 3 × 104) / 4

    assert position.apply_fill(_fill(SELL, 2, 110)) == Decimal(14)  # 2 × (110 − 103)
    assert (position.quantity, position.entry_price) == (Decimal(2), Decimal(103))

    assert position.apply_fill(_fill(SELL, 2, 101)) == Decimal(-4)
    assert position.is_flat
    assert position.entry_price == 0
    assert position.realized_pnl == Decimal(10)


def test_a_short_averages_and_gains_when_the_price_falls() -> None:
    position, _ = _replay(
        [(SELL, Decimal(2), Decimal(100), Decimal(0)), (SELL, Decimal(2), Decimal(102), Decimal(0))]
    )
    assert position.entry_price == Decimal(101)
    assert position.unrealized_pnl(Decimal(100)) == Decimal(4)

    assert position.apply_fill(_fill(BUY, 1, 99)) == Decimal(2)
    assert position.quantity == Decimal(-3)


def test_a_fill_for_another_symbol_is_refused() -> None:
    position = Position("ETHUSDT")
    with pytest.raises(InvalidInput) as caught:
        position.apply_fill(_fill(BUY, 1, 100))
    assert caught.value.field == "fill.symbol"
    assert position.is_flat


def test_cross_positions_hold_no_isolated_margin() -> None:
    position, _ = _replay(
        [
            (BUY, Decimal(1), Decimal(10_000), Decimal(4)),
            (SELL, Decimal(3), Decimal(10_100), Decimal(12)),
        ]
    )
    assert position.isolated_margin == 0
    assert position.fees == Decimal(16)


def _isolated(leverage: int = 10) -> Position:
    return Position("BTCUSDT", leverage=leverage, margin_mode=MarginMode.ISOLATED)


def test_isolated_margin_follows_opens_reductions_and_funding() -> None:
    position = _isolated()

    position.apply_fill(_fill(BUY, 1, 10_000, "4"))
    assert position.isolated_margin == Decimal(996)  # 10,000 / 10 − fee 4

    position.apply_fill(_fill(BUY, 1, 10_200, "4.08"))
    assert position.isolated_margin == Decimal("2011.92")  # + 1,020 − 4.08

    # Closing half releases half the margin (1,005.96); the realised 200 and the
    # fee stay with the position.
    position.apply_fill(_fill(SELL, 1, 10_300, "4.12"))
    assert position.isolated_margin == Decimal("1201.84")  # 1,005.96 + 200 − 4.12

    position.apply_funding(Decimal("0.0001"), Decimal(10_000), at=9)
    assert position.isolated_margin == Decimal("1200.84")  # long pays 1 × 10,000 × 0.0001


def test_closing_an_isolated_position_leaves_no_margin() -> None:
    position = _isolated()
    position.apply_fill(_fill(BUY, 1, 10_000, "4"))

    position.apply_fill(_fill(SELL, 1, 10_100, "4"))

    assert position.is_flat
    assert position.isolated_margin == 0  # got 100 − 4 = 96


def test_an_isolated_flip_margins_only_the_new_leg() -> None:
    position = _isolated()
    position.apply_fill(_fill(BUY, 1, 100))

    position.apply_fill(_fill(SELL, 3, 110))

    assert position.quantity == Decimal(-2)
    assert position.isolated_margin == Decimal(22)  # 2 × 110 / 10; got 22 + 10


@pytest.mark.parametrize(
    ("quantity", "rate", "expected"),
    [
        ("2", "0.0001", "-2"),  # long pays when the rate is positive
        ("-2", "0.0001", "2"),  # short receives
        ("2", "-0.0003", "6"),  # long receives when it is negative
        ("-2", "-0.0003", "-6"),
        ("0", "0.0001", "0"),
    ],
)
def test_funding_is_minus_quantity_times_mark_times_rate(
    quantity: str, rate: str, expected: str
) -> None:
    position = Position("BTCUSDT", quantity=Decimal(quantity), entry_price=Decimal(9_000))

    amount = position.apply_funding(Decimal(rate), Decimal(10_000), at=5)

    assert amount == Decimal(expected)
    assert position.funding == Decimal(expected)
    assert position.updated_at == 5
    assert position.isolated_margin == 0


def test_funding_accumulates() -> None:
    position = Position("BTCUSDT", quantity=Decimal(1), entry_price=Decimal(10_000))
    position.apply_funding(Decimal("0.0001"), Decimal(10_000), at=1)
    position.apply_funding(Decimal("-0.0002"), Decimal(20_000), at=2)
    assert position.funding == Decimal(3)  # −1 + 4


def test_valuation_figures() -> None:
    bracket = MarginBracket(Decimal(0), Decimal(50_000), Decimal("0.004"), Decimal(0), 125)
    instrument = Instrument("BTCUSDT", "BTC", "USDT", TICK, STEP, STEP, Decimal(5), 125, (bracket,))
    position = Position("BTCUSDT", quantity=Decimal(-2), entry_price=Decimal(10_000), leverage=20)

    assert position.side == -1
    assert position.notional(Decimal(11_000)) == Decimal(22_000)
    assert position.unrealized_pnl(Decimal(11_000)) == Decimal(-2_000)
    assert position.initial_margin(Decimal(11_000)) == Decimal(1_100)
    assert position.maintenance_margin(instrument, Decimal(11_000)) == Decimal(88)
