"""The dashboard's feed and HTTP endpoints, without a browser."""

from __future__ import annotations

import asyncio
import json
import re
from decimal import Decimal

from aiohttp.test_utils import TestClient, TestServer

from application.events import Event, order_updated
from application.use_cases.monitoring import MonitorSnapshot
from domain.account import AccountSummary
from domain.order import OrderRequest, OrderType, Side, new_order
from entrypoints.monitoring.dashboard import DashboardFeed, dashboard_app

D = Decimal


def _snapshot(ts: int, equity: str = "1000") -> MonitorSnapshot:
    account = AccountSummary("USDT", D(equity), D(0), D(equity), D(0), D(0), D(equity))
    return MonitorSnapshot(ts, account, [], [], D(0), None, None)


def _event(client_id: str = "<b>x</b>") -> Event:
    request = OrderRequest("BTCUSDT", Side.BUY, OrderType.LIMIT, D("0.01"), D("50000"))
    return order_updated(new_order(request, "o-1", client_id, at=5))


def test_history_keeps_one_point_a_second() -> None:
    feed = DashboardFeed("paper", "simulated", "s")
    for ts in (0, 250, 500, 1000, 1100, 2000):
        feed.on_snapshot(_snapshot(ts))
    assert [p["ts"] for p in feed.state()["history"]] == [0, 1000, 2000]
    assert feed.state()["snapshot"]["risk"] is None  # shown as n/a


def test_a_slow_client_is_dropped_not_waited_for() -> None:
    feed = DashboardFeed("paper", "simulated", "s")
    queue = feed.subscribe()
    for n in range(1001):
        feed.on_event(_event(f"c-{n}"))
    assert feed.clients == 0
    assert queue.get_nowait()[0] == "closed"


async def test_the_page_state_and_stream() -> None:
    feed = DashboardFeed("testnet", "binance", "sess")
    feed.on_snapshot(_snapshot(1_000))
    async with TestClient(TestServer(dashboard_app(feed))) as client:
        page = await (await client.get("/")).text()
        assert "<title>autotrader" in page
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing external
        state = await (await client.get("/api/state")).json()
        assert state["mode"] == "testnet"
        assert state["snapshot"]["account"]["equity"] == "1000"

        response = await client.get("/api/stream")
        assert response.headers["Content-Type"] == "text/event-stream"
        first = await response.content.readuntil(b"\n\n")
        assert first.startswith(b"event: state\n")
        feed.on_event(_event())
        second = await asyncio.wait_for(response.content.readuntil(b"\n\n"), 5)
        kind, data = second.decode().strip().split("\n")
        assert kind == "event: event"
        body = json.loads(data.removeprefix("data: "))
        assert body["kind"] == "order.updated"
        assert "<b>x</b> BUY 0.01 BTCUSDT LIMIT" in body["text"]  # escaped by the page
        feed.close()
        response.close()


async def test_the_page_is_read_only() -> None:
    feed = DashboardFeed("paper", "simulated", "s")
    async with TestClient(TestServer(dashboard_app(feed))) as client:
        for path in ("/", "/api/state", "/api/stream"):
            assert (await client.post(path)).status == 405
