"""The whole service on PostgreSQL (behind a proxy we can cut) and a private Redis.

Idempotency keys, the database going away and coming back, Redis going away and
coming back, all through the real gRPC API.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from autotrader.v1 import trading_pb2 as pb
from autotrader.v1 import trading_pb2_grpc
from entrypoints.runtime import Service
from entrypoints.settings import PaperSettings, Settings
from entrypoints.storage_component import DATABASE, EVENTS
from tests.contract import postgres_database
from tests.integration.storage.conftest import PrivateRedis
from tests.integration.storage.proxy import TcpProxy

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def settings(tmp_path: Path, **extra: Any) -> Settings:
    return Settings(
        data_dir=tmp_path,
        grpc_port=0,
        metrics_port=0,
        dashboard_port=0,
        paper=PaperSettings(tick_interval_ms=50),
        log_level="warning",
        storage={"health_interval_ms": 100, "relay_poll_ms": 50},
        **extra,
    )


@contextlib.asynccontextmanager
async def running(config: Settings) -> AsyncIterator[tuple[Service, Any, Any]]:
    service = Service(config)
    await service.start()
    assert service.grpc is not None
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{service.grpc.port}") as channel:
            yield (
                service,
                trading_pb2_grpc.TradingServiceStub(channel),
                (health_pb2_grpc.HealthStub(channel)),
            )
    finally:
        await service.stop(grace=0)


def market(qty: str = "0.01", client_id: str = "") -> pb.SubmitOrderRequest:
    return pb.SubmitOrderRequest(
        symbol="BTCUSDT",
        side=pb.SIDE_BUY,
        type=pb.ORDER_TYPE_MARKET,
        quantity=qty,
        client_order_id=client_id,
    )


def key(value: str) -> tuple[tuple[str, str], ...]:
    return (("idempotency-key", value),)


async def eventually(check: Any, seconds: float = 10.0) -> Any:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        try:
            result = await check()
            if result:
                return result
        except grpc.aio.AioRpcError:
            if asyncio.get_running_loop().time() > deadline:
                raise
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.1)


async def health(stub: Any, name: str) -> int:
    return (await stub.Check(health_pb2.HealthCheckRequest(service=name))).status


async def test_a_retried_submit_with_the_same_key_returns_the_first_result(tmp_path) -> None:
    async with running(settings(tmp_path)) as (_, trading, _):
        first = await trading.SubmitOrder(market(), metadata=key("retry-1"))
        again = await trading.SubmitOrder(market(), metadata=key("retry-1"))
        assert again == first  # byte for byte, `duplicate` included
        other = await trading.SubmitOrder(market(), metadata=key("retry-2"))
        assert other.order.order_id != first.order.order_id

        with pytest.raises(grpc.aio.AioRpcError) as reused:
            await trading.SubmitOrder(market("0.02"), metadata=key("retry-1"))
        assert reused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert "idempotency-key" in (reused.value.details() or "")

        orders = await trading.ListOrders(pb.ListOrdersRequest())
        assert len(orders.orders) == 2


async def test_a_key_from_a_failed_call_runs_again_without_a_second_order(tmp_path) -> None:
    async with running(settings(tmp_path)) as (_, trading, _):
        with pytest.raises(grpc.aio.AioRpcError) as bad:
            await trading.SubmitOrder(market("-1"), metadata=key("k"))
        assert bad.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        placed = await trading.SubmitOrder(market(), metadata=key("k"))  # released: runs
        assert placed.order.client_order_id.startswith("ik-")


@pytest.fixture
def pg_database() -> Iterator[tuple[str, str]]:
    with postgres_database("autotrader_service") as url:
        host_part, name = url.rsplit("/", 1)
        yield host_part, name


@pytest.mark.postgres
@pytest.mark.redis
async def test_database_down_refuses_orders_serves_reads_and_recovers(
    tmp_path, pg_database, private_redis: PrivateRedis
) -> None:
    proxy = TcpProxy("127.0.0.1", 5432)
    await proxy.start()
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{proxy.port}/{pg_database[1]}"
    config = settings(tmp_path, database_url=url, redis_url=private_redis.url)
    async with running(config) as (_, trading, probe):
        placed = await trading.SubmitOrder(market())
        await eventually(lambda: _filled(trading, placed.order.order_id))
        await eventually(lambda: _is(probe, DATABASE, SERVING))

        await proxy.cut()
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await eventually(lambda: trading.SubmitOrder(market(), timeout=5), seconds=3)
        assert refused.value.code() is grpc.StatusCode.UNAVAILABLE
        assert "storage unavailable" in (refused.value.details() or "")
        # Reads it can still serve come from the mirror of the last known state.
        positions = await trading.ListPositions(pb.ListPositionsRequest(), timeout=5)
        assert [p.symbol for p in positions.positions] == ["BTCUSDT"]
        account = await trading.GetAccount(pb.GetAccountRequest(), timeout=5)
        assert account.account.wallet_balance
        orders = await trading.ListOrders(pb.ListOrdersRequest(), timeout=5)
        assert placed.order.order_id in [o.order_id for o in orders.orders]
        await eventually(lambda: _is(probe, DATABASE, NOT_SERVING))

        await proxy.restore()  # nothing else: the service recovers by itself
        again = await eventually(lambda: trading.SubmitOrder(market(), timeout=5), seconds=15)
        assert again.order.status
        await eventually(lambda: _is(probe, DATABASE, SERVING))
    await proxy.cut()


@pytest.mark.postgres
@pytest.mark.redis
async def test_redis_down_trading_goes_on_and_events_arrive_later_in_order(
    tmp_path, pg_database, private_redis: PrivateRedis
) -> None:
    url = f"{pg_database[0]}/{pg_database[1]}"
    config = settings(tmp_path, database_url=url, redis_url=private_redis.url)
    async with running(config) as (_, trading, probe):
        await trading.SubmitOrder(market())
        stream = trading.StreamEvents(pb.StreamEventsRequest(tail=1000, follow=True))
        seen: list[int] = []

        async def follow() -> None:
            async for event in stream:
                seen.append(event.sequence)

        reader = asyncio.create_task(follow())
        await eventually(lambda: _true(len(seen) >= 2))

        private_redis.stop()
        during = [await trading.SubmitOrder(market()) for _ in range(3)]  # trading goes on
        assert all(o.order.order_id for o in during)
        await eventually(lambda: _is(probe, EVENTS, NOT_SERVING))
        stalled = len(seen)

        private_redis.start()
        newest = await _newest(trading)
        await eventually(lambda: _true(seen and seen[-1] == newest), seconds=15)
        assert seen == list(range(seen[0], newest + 1))  # every event, once, in order
        assert len(seen) > stalled
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader


async def _filled(trading: Any, order_id: str) -> bool:
    got = await trading.GetOrder(pb.GetOrderRequest(order_id=order_id))
    return got.order.status == pb.ORDER_STATUS_FILLED


async def _is(probe: Any, name: str, status: int) -> bool:
    return await health(probe, name) == status


async def _true(value: Any) -> bool:
    return bool(value)


async def _newest(trading: Any) -> int:
    newest = 0
    async for event in trading.StreamEvents(pb.StreamEventsRequest(tail=1000)):
        newest = event.sequence
    return newest


@pytest.mark.postgres
@pytest.mark.redis
async def test_a_stream_on_another_replica_sees_every_event(
    tmp_path, pg_database, private_redis: PrivateRedis
) -> None:
    url = f"{pg_database[0]}/{pg_database[1]}"
    first = settings(tmp_path / "a", database_url=url, redis_url=private_redis.url)
    second = settings(tmp_path / "b", database_url=url, redis_url=private_redis.url)
    async with running(first) as (_, trading, _), running(second) as (_, replica, _):
        stream = replica.StreamEvents(pb.StreamEventsRequest(follow=True))
        seen: list[int] = []

        async def follow() -> None:
            async for event in stream:
                seen.append(event.sequence)

        reader = asyncio.create_task(follow())
        await asyncio.sleep(0.3)
        for _ in range(3):
            await trading.SubmitOrder(market())  # placed on the first replica
        newest = await _newest(trading)
        await eventually(lambda: _true(seen and seen[-1] == newest), seconds=15)
        assert seen == list(range(seen[0], newest + 1))
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
