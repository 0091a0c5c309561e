"""The order lifecycle: the transition table, fills, and request validation."""

from __future__ import annotations

import copy
import itertools
from decimal import Decimal

import pytest

from domain.errors import IllegalTransition, InvalidInput
from domain.order import (
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
    new_order,
)

S = OrderStatus
# Written out by hand rather than read from domain.order.TRANSITIONS, so that a
# change to the table has to be made twice, on purpose.
LEGAL = {
    (S.NEW, S.OPEN),
    (S.NEW, S.REJECTED),
    (S.OPEN, S.PARTIALLY_FILLED),
    (S.OPEN, S.FILLED),
    (S.OPEN, S.CANCELED),
    (S.OPEN, S.EXPIRED),
    (S.PARTIALLY_FILLED, S.PARTIALLY_FILLED),
    (S.PARTIALLY_FILLED, S.FILLED),
    (S.PARTIALLY_FILLED, S.CANCELED),
    (S.PARTIALLY_FILLED, S.EXPIRED),
}
ALL_PAIRS = list(itertools.product(OrderStatus, OrderStatus))
ILLEGAL = [pair for pair in ALL_PAIRS if pair not in LEGAL]


def _pair_id(pair: tuple[OrderStatus, OrderStatus]) -> str:
    return f"{pair[0].value}->{pair[1].value}"


def _order(status: OrderStatus = S.NEW, quantity: str = "1") -> Order:
    request = OrderRequest("BTCUSDT", Side.BUY, OrderType.LIMIT, Decimal(quantity), Decimal(100))
    order = new_order(request, "o-1", "c-1", at=1)
    order.status = status
    return order


def test_the_pairs_cover_every_status_pair() -> None:
    assert len(ALL_PAIRS) == len(OrderStatus) ** 2 == len(LEGAL) + len(ILLEGAL)


@pytest.mark.parametrize("pair", sorted(LEGAL), ids=_pair_id)
def test_a_legal_transition_moves_the_order(pair: tuple[OrderStatus, OrderStatus]) -> None:
    current, target = pair
    order = _order(current)

    order.transition(target, at=7)

    assert order.status is target
    assert order.updated_at == 7


@pytest.mark.parametrize("pair", ILLEGAL, ids=_pair_id)
def test_an_illegal_transition_raises_and_changes_nothing(
    pair: tuple[OrderStatus, OrderStatus],
) -> None:
    current, target = pair
    order = _order(current)
    before = copy.copy(order)

    with pytest.raises(IllegalTransition, match=f"{current.value} -> {target.value}"):
        order.transition(target, at=7)

    assert order == before


@pytest.mark.parametrize("status", list(OrderStatus), ids=str)
def test_final_statuses_are_exactly_those_without_exits(status: OrderStatus) -> None:
    exits = [target for current, target in LEGAL if current is status]
    assert status.is_final == (not exits)
    assert status.is_open == (status in (S.OPEN, S.PARTIALLY_FILLED))


def test_accept_records_the_exchange_id_and_opens() -> None:
    order = _order()
    order.accept("x-9", at=2)
    assert (order.status, order.exchange_order_id, order.updated_at) == (S.OPEN, "x-9", 2)


def test_reject_keeps_the_reason() -> None:
    order = _order()
    order.reject("MAX_NOTIONAL: too big", at=2)
    assert (order.status, order.reject_reason) == (S.REJECTED, "MAX_NOTIONAL: too big")


def test_partial_fills_then_filled_with_an_exact_average() -> None:
    order = _order(S.OPEN)

    order.record_fill(Decimal("0.4"), Decimal("100.1"), Decimal("0.02"), at=2)
    after_first = (order.status, order.remaining)
    order.record_fill(Decimal("0.6"), Decimal("100.2"), Decimal("0.03"), at=3)

    assert after_first == (S.PARTIALLY_FILLED, Decimal("0.6"))
    assert order.status is S.FILLED
    # (0.4 × 100.1 + 0.6 × 100.2) / 1 = (40.04 + 60.12) / 1 = 100.16
    assert order.filled_quantity == Decimal(1)
    assert order.average_price == Decimal("100.16")
    assert order.fees == Decimal("0.05")
    assert order.remaining == 0
    assert order.updated_at == 3


def test_the_average_of_three_fills_is_exact_when_it_terminates() -> None:
    order = _order(S.OPEN, quantity="4")
    for quantity, price in (("1", "100"), ("2", "101"), ("1", "102")):
        order.record_fill(Decimal(quantity), Decimal(price), Decimal(0), at=2)
    # (100 + 202 + 102) / 4 = 404 / 4 = 101, even though 302 / 3 after the second
    # fill does not terminate.
    assert order.average_price == Decimal(101)


@pytest.mark.xfail(
    strict=True,
    reason="record_fill re-derives the notional from the rounded running average, "
    "so the average drifts in the last digit (domain/order.py:182)",
)
def test_the_average_is_the_correctly_rounded_notional_over_quantity() -> None:
    fills = [
        ("3.11", "6503.8"),
        ("0.769", "13788.8"),
        ("0.233", "11218.6"),
        ("3.546", "16923.6"),
        ("0.018", "19240.8"),
    ]
    total = sum(Decimal(quantity) for quantity, _ in fills)
    order = _order(S.OPEN, quantity=str(total))
    for quantity, price in fills:
        order.record_fill(Decimal(quantity), Decimal(price), Decimal(0), at=2)

    notional = sum(Decimal(quantity) * Decimal(price) for quantity, price in fills)
    assert order.average_price == notional / total


@pytest.mark.parametrize("quantity", ["1.0001", "2", "0", "-0.1"])
def test_a_fill_that_does_not_fit_the_remaining_quantity_is_rejected(quantity: str) -> None:
    order = _order(S.OPEN)
    before = copy.copy(order)

    with pytest.raises(InvalidInput) as caught:
        order.record_fill(Decimal(quantity), Decimal(100), Decimal(0), at=2)

    assert caught.value.field == "fill.quantity"
    assert order == before


def test_a_filled_order_takes_no_more_fills() -> None:
    order = _order(S.OPEN)
    order.record_fill(Decimal(1), Decimal(100), Decimal(0), at=2)

    with pytest.raises(InvalidInput):
        order.record_fill(Decimal("0.001"), Decimal(100), Decimal(0), at=3)
    assert order.filled_quantity == Decimal(1)


@pytest.mark.parametrize("status", [S.NEW, S.CANCELED, S.EXPIRED], ids=str)
def test_a_fill_the_table_forbids_leaves_the_order_unchanged(status: OrderStatus) -> None:
    order = _order(status)
    before = copy.copy(order)

    with pytest.raises(IllegalTransition):
        order.record_fill(Decimal("0.5"), Decimal(100), Decimal("0.01"), at=2)

    assert order == before


def test_new_order_copies_the_request() -> None:
    request = OrderRequest(
        "ETHUSDT",
        Side.SELL,
        OrderType.STOP_MARKET,
        Decimal("0.5"),
        stop_price=Decimal(1900),
        time_in_force=TimeInForce.IOC,
        reduce_only=True,
    )
    order = new_order(request, "o-7", "c-7", at=42)

    assert (order.symbol, order.side, order.type) == ("ETHUSDT", Side.SELL, OrderType.STOP_MARKET)
    assert (order.quantity, order.price, order.stop_price) == (Decimal("0.5"), None, Decimal(1900))
    assert (order.time_in_force, order.reduce_only) == (TimeInForce.IOC, True)
    assert (order.status, order.created_at, order.updated_at) == (S.NEW, 42, 42)
    assert order.filled_quantity == 0
    assert order.average_price is None


def _request(**overrides: object) -> OrderRequest:
    fields: dict[str, object] = {
        "symbol": "BTCUSDT",
        "side": Side.BUY,
        "type": OrderType.LIMIT,
        "quantity": Decimal(1),
        "price": Decimal(100),
    }
    fields.update(overrides)
    return OrderRequest(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quantity": Decimal(0)}, "quantity"),
        ({"quantity": Decimal("-1")}, "quantity"),
        ({"price": None}, "price"),
        ({"type": OrderType.MARKET}, "price"),
        ({"type": OrderType.STOP_MARKET, "price": None}, "stop_price"),
        ({"type": OrderType.TAKE_PROFIT_MARKET, "price": None}, "stop_price"),
        ({"stop_price": Decimal(90)}, "stop_price"),
        ({"type": OrderType.MARKET, "price": None, "stop_price": Decimal(90)}, "stop_price"),
        (
            {"type": OrderType.MARKET, "price": None, "time_in_force": TimeInForce.GTX},
            "time_in_force",
        ),
        (
            {
                "type": OrderType.STOP_MARKET,
                "price": None,
                "stop_price": Decimal(90),
                "time_in_force": TimeInForce.GTX,
            },
            "time_in_force",
        ),
        ({"client_order_id": ""}, "client_order_id"),
        ({"client_order_id": "x" * 37}, "client_order_id"),
        ({"client_order_id": "has space"}, "client_order_id"),
        ({"client_order_id": "émoji"}, "client_order_id"),
        ({"client_order_id": "semi;colon"}, "client_order_id"),
    ],
    ids=[
        "zero-quantity",
        "negative-quantity",
        "limit-without-price",
        "price-on-market",
        "stop-market-without-stop",
        "take-profit-without-stop",
        "stop-on-limit",
        "stop-on-market",
        "gtx-on-market",
        "gtx-on-stop-market",
        "empty-client-id",
        "client-id-too-long",
        "client-id-with-space",
        "client-id-non-ascii",
        "client-id-semicolon",
    ],
)
def test_a_bad_request_names_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        _request(**overrides)
    assert caught.value.field == field


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"time_in_force": TimeInForce.GTX},
        {"type": OrderType.MARKET, "price": None},
        {"type": OrderType.STOP_MARKET, "price": None, "stop_price": Decimal(90)},
        {"type": OrderType.TAKE_PROFIT_MARKET, "price": None, "stop_price": Decimal(110)},
        {"client_order_id": "a"},
        {"client_order_id": "x" * 36},
        {"client_order_id": "Az09.:/_-"},
    ],
    ids=[
        "limit",
        "post-only-limit",
        "market",
        "stop-market",
        "take-profit-market",
        "one-char-client-id",
        "36-char-client-id",
        "every-allowed-symbol",
    ],
)
def test_a_good_request_is_accepted(overrides: dict[str, object]) -> None:
    assert _request(**overrides).quantity == Decimal(1)
