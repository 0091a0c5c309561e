"""The fake checks requests the way Binance does: signatures, timestamps, parameters."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import aiohttp

from adapters.fake_binance.auth import sign
from adapters.fake_binance.server import FakeBinance
from tests.integration.binance.conftest import KEY, SECRET


async def signed(
    session: aiohttp.ClientSession,
    fake: FakeBinance,
    method: str,
    path: str,
    params: dict[str, object],
    secret: str = SECRET,
) -> tuple[int, dict[str, object]]:
    query = urlencode(params)
    url = f"{fake.url}{path}?{query}&signature={sign(secret, query)}"
    async with session.request(method, url, headers={"X-MBX-APIKEY": KEY}) as answer:
        return answer.status, await answer.json()


def now() -> int:
    return int(time.time() * 1000)


async def test_requests_are_checked_like_binance(fake: FakeBinance) -> None:
    async with aiohttp.ClientSession() as session:
        ok = await signed(session, fake, "GET", "/fapi/v1/openOrders", {"timestamp": now()})
        assert ok[0] == 200
        bad = await signed(session, fake, "GET", "/fapi/v1/openOrders", {"timestamp": now()}, "x")
        assert bad == (400, {"code": -1022, "msg": "Signature for this request is not valid."})
        stale = await signed(
            session, fake, "GET", "/fapi/v1/openOrders", {"timestamp": now() - 10_000}
        )
        assert stale[1]["code"] == -1021
        ahead = await signed(
            session, fake, "GET", "/fapi/v1/openOrders", {"timestamp": now() + 5_000}
        )
        assert ahead[1]["code"] == -1021
        wide = await signed(
            session,
            fake,
            "GET",
            "/fapi/v1/openOrders",
            {"timestamp": now() - 10_000, "recvWindow": 20_000},
        )
        assert wide[0] == 200  # a wider window lets an older request through
        too_wide = await signed(
            session, fake, "GET", "/fapi/v1/openOrders", {"timestamp": now(), "recvWindow": 70_000}
        )
        assert too_wide[1]["code"] == -1131
        async with session.get(f"{fake.url}/fapi/v1/openOrders?timestamp={now()}") as answer:
            assert (answer.status, (await answer.json())["code"]) == (401, -2015)


async def test_order_errors_use_binance_codes(fake: FakeBinance) -> None:
    async with aiohttp.ClientSession() as session:
        order = {"side": "BUY", "type": "MARKET", "quantity": "0.01", "timestamp": now()}
        unknown = await signed(session, fake, "POST", "/fapi/v1/order", {**order, "symbol": "NOPE"})
        assert unknown[1]["code"] == -1121
        missing = await signed(
            session, fake, "POST", "/fapi/v1/order", {"symbol": "BTCUSDT", "timestamp": now()}
        )
        assert missing[1]["code"] == -1102
        stop = {**order, "symbol": "BTCUSDT", "type": "STOP_MARKET", "stopPrice": "1"}
        assert (await signed(session, fake, "POST", "/fapi/v1/order", stop))[1]["code"] == -4120
        query = {"symbol": "BTCUSDT", "origClientOrderId": "never", "timestamp": now()}
        assert (await signed(session, fake, "GET", "/fapi/v1/order", query))[1]["code"] == -2013
        assert (await signed(session, fake, "DELETE", "/fapi/v1/order", query))[1]["code"] == -2013
        first = {
            **order,
            "symbol": "BTCUSDT",
            "type": "LIMIT",
            "price": "50000",
            "timeInForce": "GTC",
            "newClientOrderId": "dup-1",
        }
        assert (await signed(session, fake, "POST", "/fapi/v1/order", first))[0] == 200
        again = await signed(session, fake, "POST", "/fapi/v1/order", {**first, "timestamp": now()})
        assert again[1]["code"] == -4116
        cancel = {"symbol": "BTCUSDT", "origClientOrderId": "dup-1", "timestamp": now()}
        assert (await signed(session, fake, "DELETE", "/fapi/v1/order", cancel))[0] == 200
        cancel["timestamp"] = now()
        assert (await signed(session, fake, "DELETE", "/fapi/v1/order", cancel))[1]["code"] == -2011


async def test_used_weight_is_reported_in_a_header(fake: FakeBinance) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{fake.url}/fapi/v1/depth?symbol=BTCUSDT") as answer,
    ):
        assert int(answer.headers["X-MBX-USED-WEIGHT-1M"]) >= 10
