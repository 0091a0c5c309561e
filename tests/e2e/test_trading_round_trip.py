"""The whole hexagon through its real front doors: gRPC and the CLI, across a restart."""

from __future__ import annotations

import threading
import time
import uuid
from decimal import Decimal

import grpc
import pytest

from autotrader.v1 import trading_pb2 as pb
from tests.e2e.conftest import RunningService

pytestmark = pytest.mark.timeout(180)


def market(symbol: str, side: int, qty: str, client_id: str = "") -> pb.SubmitOrderRequest:
    return pb.SubmitOrderRequest(
        symbol=symbol,
        side=side,
        type=pb.ORDER_TYPE_MARKET,
        quantity=qty,
        client_order_id=client_id,
    )


def test_orders_fill_persist_and_survive_a_restart(service: RunningService) -> None:
    with grpc.insecure_channel(service.target) as channel:
        stub = service.stub(channel)
        bought = stub.SubmitOrder(market("BTCUSDT", pb.SIDE_BUY, "0.01")).order
        assert bought.status == pb.ORDER_STATUS_FILLED
        assert bought.filled_quantity == "0.01"
        resting = stub.SubmitOrder(
            pb.SubmitOrderRequest(
                symbol="BTCUSDT",
                side=pb.SIDE_SELL,
                type=pb.ORDER_TYPE_LIMIT,
                quantity="0.01",
                price="999999",
                time_in_force=pb.TIME_IN_FORCE_GTC,
            )
        ).order
        assert resting.status == pb.ORDER_STATUS_OPEN
        before_orders = stub.ListOrders(pb.ListOrdersRequest()).orders
        before_positions = stub.ListPositions(pb.ListPositionsRequest()).positions
        before_account = stub.GetAccount(pb.GetAccountRequest()).account
        fills = stub.GetOrder(pb.GetOrderRequest(order_id=bought.order_id)).fills

    assert [p.quantity for p in before_positions] == ["0.01"]
    assert len(fills) == 1
    # Opening a position realises nothing: the wallet moved by the taker fee alone.
    assert Decimal(before_account.wallet_balance) == Decimal(10000) - Decimal(fills[0].fee)
    assert Decimal(fills[0].fee) == Decimal(fills[0].price) * Decimal("0.01") * Decimal("0.0005")

    assert service.stop() == 0
    service.start()

    with grpc.insecure_channel(service.target) as channel:
        stub = service.stub(channel)
        after_orders = stub.ListOrders(pb.ListOrdersRequest()).orders
        after_positions = stub.ListPositions(pb.ListPositionsRequest()).positions
        after_account = stub.GetAccount(pb.GetAccountRequest()).account
        open_orders = stub.ListOrders(pb.ListOrdersRequest(open_only=True)).orders
    assert [o.SerializeToString() for o in after_orders] == [
        o.SerializeToString() for o in before_orders
    ]
    assert [(p.symbol, p.quantity, p.entry_price) for p in after_positions] == [
        (p.symbol, p.quantity, p.entry_price) for p in before_positions
    ]
    assert after_account.wallet_balance == before_account.wallet_balance
    assert [o.order_id for o in open_orders] == [resting.order_id]


def test_cli_tour(service: RunningService) -> None:
    submitted = service.cli(
        "orders",
        "submit",
        "--symbol",
        "BTCUSDT",
        "--side",
        "buy",
        "--type",
        "market",
        "--qty",
        "0.01",
    )
    assert submitted.returncode == 0, submitted.stderr
    assert "FILLED" in submitted.stdout

    limit = service.cli_json(
        "orders",
        "submit",
        "--symbol",
        "BTCUSDT",
        "--side",
        "sell",
        "--type",
        "limit",
        "--qty",
        "0.01",
        "--price",
        "999999",
        "--tif",
        "GTC",
    )
    assert isinstance(limit, dict)
    order_id = limit["order"]["order_id"]
    assert limit["order"]["status"] == "ORDER_STATUS_OPEN"

    open_orders = service.cli_json("orders", "list", "--status", "open")
    assert [o["order_id"] for o in open_orders] == [order_id]  # type: ignore[union-attr]

    table = service.cli("orders", "list")
    assert table.returncode == 0
    assert "OPEN" in table.stdout
    assert "FILLED" in table.stdout

    canceled = service.cli("orders", "cancel", order_id)
    assert canceled.returncode == 0, canceled.stderr
    assert "CANCELED" in canceled.stdout

    positions = service.cli_json("positions")
    assert [(p["symbol"], p["quantity"]) for p in positions] == [("BTCUSDT", "0.01")]  # type: ignore[index,union-attr]
    assert "BTCUSDT" in service.cli("positions").stdout

    account = service.cli_json("account")
    assert account["mode"] == "paper"  # type: ignore[index]
    assert "wallet balance" in service.cli("account").stdout

    events = service.cli("events", "--tail", "100")
    assert events.returncode == 0
    assert "fill.recorded" in events.stdout
    assert "order.updated" in events.stdout


def test_events_follow_streams_new_events(service: RunningService) -> None:
    seen: list[pb.Event] = []
    with grpc.insecure_channel(service.target) as channel:
        stub = service.stub(channel)
        stream = stub.StreamEvents(pb.StreamEventsRequest(follow=True))
        reader = threading.Thread(target=lambda: _collect(stream, seen, 6))
        reader.start()
        time.sleep(0.5)
        stub.SubmitOrder(market("ETHUSDT", pb.SIDE_SELL, "0.1"))
        reader.join(timeout=20)
        stream.cancel()
    statuses = [e.order.status for e in seen if e.kind == "order.updated"]
    assert statuses == [pb.ORDER_STATUS_NEW, pb.ORDER_STATUS_OPEN, pb.ORDER_STATUS_FILLED]
    kinds = [e.kind for e in seen]
    assert kinds[3:] == ["fill.recorded", "position.changed", "balance.changed"]
    assert seen[4].position.quantity == "-0.1"
    sequences = [e.sequence for e in seen]
    assert sequences == list(range(sequences[0], sequences[0] + 6))


def _collect(stream: object, seen: list[pb.Event], count: int) -> None:
    try:
        for event in stream:  # type: ignore[attr-defined]
            seen.append(event)
            if len(seen) >= count:
                return
    except grpc.RpcError:
        return


def test_duplicate_client_order_id_makes_one_order(service: RunningService) -> None:
    client_id = f"dup-{uuid.uuid4().hex[:8]}"
    with grpc.insecure_channel(service.target) as channel:
        stub = service.stub(channel)
        first = stub.SubmitOrder(market("BTCUSDT", pb.SIDE_BUY, "0.01", client_id))
        second = stub.SubmitOrder(market("BTCUSDT", pb.SIDE_BUY, "0.01", client_id))
        orders = stub.ListOrders(pb.ListOrdersRequest()).orders
        position = stub.ListPositions(pb.ListPositionsRequest()).positions
    assert not first.duplicate
    assert second.duplicate
    assert second.order.order_id == first.order.order_id
    assert [o.client_order_id for o in orders] == [client_id]
    assert [p.quantity for p in position] == ["0.01"]
