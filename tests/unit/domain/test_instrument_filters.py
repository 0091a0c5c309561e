"""Exchange filters on prices and quantities, and exact decimal parsing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import InvalidInput
from domain.instrument import Instrument, MarginBracket
from domain.numbers import floor_to, is_multiple, parse_decimal, parse_positive, round_to
from domain.order import OrderRequest, OrderType, Side

D = Decimal

TIER_1 = MarginBracket(D(0), D(50_000), D("0.004"), D(0), 125)
TIER_2 = MarginBracket(D(50_000), D(250_000), D("0.005"), D(50), 100)
BTC = Instrument(
    symbol="BTCUSDT",
    base="BTC",
    quote="USDT",
    tick_size=D("0.1"),
    step_size=D("0.001"),
    min_qty=D("0.002"),
    min_notional=D(100),
    max_leverage=125,
    brackets=(TIER_1, TIER_2),
    max_qty=D(1_000),
)


def _field(call: object, *args: object) -> str:
    with pytest.raises(InvalidInput) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value.field


@pytest.mark.parametrize("price", ["0", "-0.1", "100.05", "0.01", "100.11"])
def test_an_off_tick_or_non_positive_price_names_the_price(price: str) -> None:
    assert _field(BTC.check_price, D(price)) == "price"


def test_the_price_field_can_be_renamed() -> None:
    assert _field(BTC.check_price, D("1.05"), "stop_price") == "stop_price"


@pytest.mark.parametrize("price", ["0.1", "100", "100.1", "100.10", "65432.1"])
def test_an_on_tick_price_passes(price: str) -> None:
    BTC.check_price(D(price))


@pytest.mark.parametrize(
    ("quantity", "why"),
    [
        ("0", "must be > 0"),
        ("-1", "must be > 0"),
        ("0.0025", "step size"),
        ("1.0001", "step size"),
        ("0.001", "below the minimum"),
        ("1000.001", "above the maximum"),
    ],
)
def test_a_bad_quantity_names_the_quantity(quantity: str, why: str) -> None:
    with pytest.raises(InvalidInput, match=why) as caught:
        BTC.check_quantity(D(quantity))
    assert caught.value.field == "quantity"


@pytest.mark.parametrize("quantity", ["0.002", "0.0020", "1.234", "1000"])
def test_a_quantity_on_the_step_within_bounds_passes(quantity: str) -> None:
    BTC.check_quantity(D(quantity))


@pytest.mark.parametrize(
    ("check", "value", "field"),
    [(BTC.check_quantity, "1e30", "quantity"), (BTC.check_price, "1e30", "price")],
    ids=["quantity", "price"],
)
def test_an_absurdly_large_value_is_invalid_input_not_a_crash(
    check: object, value: str, field: str
) -> None:
    assert _field(check, D(value)) == field


def test_the_minimum_notional_names_the_quantity() -> None:
    # 0.002 × 49,999.9 = 99.9998 < 100
    with pytest.raises(InvalidInput, match="below the minimum 100") as caught:
        BTC.check_notional(D("0.002"), D("49999.9"))
    assert caught.value.field == "quantity"
    BTC.check_notional(D("0.002"), D(50_000))  # exactly 100 is enough


def _request(**overrides: object) -> OrderRequest:
    fields: dict[str, object] = {
        "symbol": "BTCUSDT",
        "side": Side.BUY,
        "type": OrderType.LIMIT,
        "quantity": D("0.01"),
        "price": D(20_000),
    }
    fields.update(overrides)
    return OrderRequest(**fields)  # type: ignore[arg-type]


MARKET: dict[str, object] = {"type": OrderType.MARKET, "price": None}
STOP: dict[str, object] = {"type": OrderType.STOP_MARKET, "price": None}


@pytest.mark.parametrize(
    ("overrides", "reference", "field"),
    [
        ({"symbol": "ETHUSDT"}, None, "symbol"),
        ({"quantity": D("0.0105")}, None, "quantity"),
        ({"quantity": D("0.001")}, None, "quantity"),
        ({"price": D("20000.05")}, None, "price"),
        ({"quantity": D("0.004")}, None, "quantity"),  # 0.004 × 20,000 = 80
        ({**STOP, "stop_price": D("19999.99")}, None, "stop_price"),
        ({**STOP, "quantity": D("0.004"), "stop_price": D(20_000)}, None, "quantity"),
        ({**MARKET, "quantity": D("0.004")}, D(20_000), "quantity"),
    ],
    ids=[
        "other-symbol",
        "off-step",
        "below-min-qty",
        "off-tick",
        "limit-below-min-notional",
        "stop-off-tick",
        "stop-below-min-notional",
        "market-below-min-notional-at-the-mark",
    ],
)
def test_check_request_names_the_failing_field(
    overrides: dict[str, object], reference: Decimal | None, field: str
) -> None:
    assert _field(BTC.check_request, _request(**overrides), reference) == field


@pytest.mark.parametrize(
    ("overrides", "reference"),
    [
        ({}, None),
        ({**MARKET, "quantity": D("0.005")}, D(20_000)),
        ({**MARKET, "quantity": D("0.002")}, None),  # no mark yet: nothing to price it at
        ({"quantity": D("0.004"), "reduce_only": True}, None),  # exempt, as on Binance
        ({**STOP, "quantity": D("0.005"), "stop_price": D(20_000)}, D(1)),  # priced at the stop
    ],
    ids=["limit", "market", "market-without-mark", "reduce-only", "stop-priced-at-stop"],
)
def test_check_request_accepts(overrides: dict[str, object], reference: Decimal | None) -> None:
    BTC.check_request(_request(**overrides), reference)


@pytest.mark.parametrize(
    ("notional", "tier"),
    [("0", TIER_1), ("49999.9", TIER_1), ("-49999.9", TIER_1), ("50000", TIER_2), ("1e9", TIER_2)],
)
def test_bracket_for_picks_the_tier_holding_the_notional(
    notional: str, tier: MarginBracket
) -> None:
    assert BTC.bracket_for(D(notional)) is tier


def test_maintenance_margin_is_continuous_at_a_tier_floor() -> None:
    assert TIER_1.maintenance_margin(D(50_000)) == TIER_2.maintenance_margin(D(50_000)) == 200


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"symbol": "btcusdt"}, "symbol"),
        ({"symbol": ""}, "symbol"),
        ({"symbol": "BTC-USDT"}, "symbol"),
        ({"tick_size": D(0)}, "tick_size"),
        ({"step_size": D("-0.001")}, "step_size"),
        ({"min_qty": D(0)}, "min_qty"),
        ({"brackets": ()}, "brackets"),
    ],
)
def test_a_malformed_instrument_names_the_field(overrides: dict[str, object], field: str) -> None:
    fields = {
        "symbol": "BTCUSDT",
        "base": "BTC",
        "quote": "USDT",
        "tick_size": D("0.1"),
        "step_size": D("0.001"),
        "min_qty": D("0.001"),
        "min_notional": D(5),
        "max_leverage": 125,
        "brackets": (TIER_1,),
    } | overrides
    assert _field(lambda: Instrument(**fields)) == field  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((D(10), D(10), D("0.004"), D(0), 125), "notional_cap"),
        ((D(0), D(10), D(0), D(0), 125), "maintenance_margin_rate"),
        ((D(0), D(10), D(1), D(0), 125), "maintenance_margin_rate"),
        ((D(0), D(10), D("0.004"), D(0), 0), "max_leverage"),
    ],
)
def test_a_malformed_bracket_names_the_field(args: tuple[object, ...], field: str) -> None:
    assert _field(MarginBracket, *args) == field


@pytest.mark.parametrize(
    "value",
    [
        *("NaN", "nan", "sNaN", "inf", "-Infinity", "", "   ", "abc", "1.2.3", "0x10"),
        *(None, True, False, [1]),
        *(float("nan"), float("inf"), float("-inf"), D("NaN"), D("Infinity")),
    ],
    ids=repr,
)
def test_parse_decimal_rejects_what_is_not_a_finite_number(value: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_decimal(value, "price")
    assert caught.value.field == "price"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # A float goes through repr, so 0.1 is 0.1, not 0.1000000000000000055511151231257827.
        (0.1, "0.1"),
        (0.3, "0.3"),
        (1e-7, "1E-7"),
        (65432.1, "65432.1"),
        (-2.5, "-2.5"),
        (3, "3"),
        ("  12.50 ", "12.50"),
        ("1e3", "1E+3"),
        (D("0.00000001"), "1E-8"),
    ],
    ids=repr,
)
def test_parse_decimal_parses_exactly(value: object, expected: str) -> None:
    parsed = parse_decimal(value, "price")
    assert parsed == D(expected)
    assert str(parsed) == expected


def test_a_float_is_not_parsed_through_its_binary_value() -> None:
    assert parse_decimal(0.1, "x") != D(0.1)


@pytest.mark.parametrize("value", ["0", "-1", 0.0, "-0.00000001"])
def test_parse_positive_rejects_zero_and_below(value: object) -> None:
    assert _field(parse_positive, value, "quantity") == "quantity"


def test_parse_positive_passes_a_positive_value() -> None:
    assert parse_positive("0.001", "quantity") == D("0.001")


def test_rounding_helpers() -> None:
    assert is_multiple(D("0.30"), D("0.1"))
    assert not is_multiple(D("0.35"), D("0.1"))
    assert floor_to(D("1.23456"), D("0.001")) == D("1.234")
    assert floor_to(D("-1.23456"), D("0.001")) == D("-1.234")  # toward zero
    assert floor_to(D("0.0009"), D("0.001")) == 0
    assert round_to(D("0.25"), D("0.1")) == D("0.2")  # half to even
    assert round_to(D("0.35"), D("0.1")) == D("0.4")
