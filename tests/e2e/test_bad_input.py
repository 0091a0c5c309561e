"""Bad input is refused with INVALID_ARGUMENT naming the field, and changes nothing."""

from __future__ import annotations

import grpc
import pytest

from autotrader.v1 import trading_pb2 as pb
from tests.e2e.conftest import RunningService

pytestmark = pytest.mark.timeout(180)


def request(**fields: object) -> pb.SubmitOrderRequest:
    base: dict[str, object] = {
        "symbol": "BTCUSDT",
        "side": pb.SIDE_BUY,
        "type": pb.ORDER_TYPE_LIMIT,
        "quantity": "0.01",
        "price": "20000",
    }
    base.update(fields)
    return pb.SubmitOrderRequest(**base)  # type: ignore[arg-type]


BAD = {
    "unknown symbol": (request(symbol="DOGEUSDX"), "symbol"),
    "zero quantity": (request(quantity="0"), "quantity"),
    "negative quantity": (request(quantity="-1"), "quantity"),
    "NaN quantity": (request(quantity="NaN"), "quantity"),
    "infinite price": (request(price="inf"), "price"),
    "garbage price": (request(price="12,5abc"), "price"),
    "price off the tick": (request(price="20000.05"), "price"),
    "quantity off the step": (request(quantity="0.0105"), "quantity"),
    "below min notional": (request(quantity="0.001", price="20000"), "quantity"),
    "limit without price": (request(price=""), "price"),
    "unknown side": (request(side=7), "side"),
    "unspecified type": (request(type=pb.ORDER_TYPE_UNSPECIFIED), "type"),
    "bad client order id": (request(client_order_id="has spaces!"), "client_order_id"),
}


def test_each_bad_request_is_refused_and_changes_nothing(service: RunningService) -> None:
    with grpc.insecure_channel(service.target) as channel:
        stub = service.stub(channel)
        for name, (bad, field) in BAD.items():
            with pytest.raises(grpc.RpcError) as caught:
                stub.SubmitOrder(bad)
            error = caught.value
            assert error.code() is grpc.StatusCode.INVALID_ARGUMENT, name
            assert error.details().startswith(f"{field}:"), (name, error.details())
            trailers = dict(error.trailing_metadata() or ())
            assert trailers.get("invalid-field") == field, name
        assert list(stub.ListOrders(pb.ListOrdersRequest()).orders) == []
        assert list(stub.ListPositions(pb.ListPositionsRequest()).positions) == []
        events = list(stub.StreamEvents(pb.StreamEventsRequest(tail=100)))
        assert events == []
        account = stub.GetAccount(pb.GetAccountRequest()).account
        assert account.wallet_balance == "10000"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--qty", "abc"], "quantity: not a number"),
        (["--qty", "0.01", "--symbol", "NOPEUSDT"], "symbol: unknown symbol"),
        (["--qty", "0.01", "--type", "limit"], "price: a limit order needs a price"),
    ],
)
def test_cli_shows_the_reason_without_a_traceback(
    service: RunningService, args: list[str], message: str
) -> None:
    base = ["orders", "submit", "--side", "buy"]
    if "--symbol" not in args:
        base += ["--symbol", "BTCUSDT"]
    result = service.cli(*base, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert service.cli_json("orders", "list") == []


def test_cli_reports_an_unreachable_server_plainly(service: RunningService) -> None:
    result = service.cli("--target", "127.0.0.1:1", "account")
    assert result.returncode == 1
    assert "UNAVAILABLE" in result.stderr
    assert "Traceback" not in result.stderr


def test_cancel_of_unknown_order_is_not_found(service: RunningService) -> None:
    result = service.cli("orders", "cancel", "no-such-order")
    assert result.returncode == 1
    assert "NOT_FOUND" in result.stderr
