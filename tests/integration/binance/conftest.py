"""The real ccxt adapter against the fake Binance, both in this process, over loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal

import pytest
from pydantic import SecretStr

from adapters.binance.config import BinanceConfig
from adapters.binance.execution import CcxtBinanceExchange
from adapters.fake_binance.server import DEFAULT_KEYS, FakeBinance
from application.ports.venue import ExecutionReport, VenueEvent

KEY, SECRET = next(iter(DEFAULT_KEYS.items()))
BTC_PRICE = Decimal("60000")


def config_for(fake: FakeBinance, **overrides: object) -> BinanceConfig:
    values: dict[str, object] = {
        "rest_url": fake.url,
        "timeout_s": 3.0,
        "backoff_base_s": 0.01,
        "backoff_cap_s": 0.05,
        "symbols": ("BTCUSDT", "ETHUSDT"),
        "close_grace_ms": 0,  # plain HTTP on loopback: no TLS to shut down
    }
    values.update(overrides)
    return BinanceConfig(SecretStr(KEY), SecretStr(SECRET), **values)  # type: ignore[arg-type]


@pytest.fixture
async def fake() -> AsyncIterator[FakeBinance]:
    server = FakeBinance(seed=3)
    server.set_price("BTCUSDT", BTC_PRICE)
    server.set_price("ETHUSDT", Decimal("3000"))
    await server.start()
    yield server
    await server.stop()


class Recorder:
    """Collect what the adapter delivers to its subscribers."""

    def __init__(self) -> None:
        self.events: list[VenueEvent] = []

    async def __call__(self, event: VenueEvent) -> None:
        self.events.append(event)

    def reports(self, client_order_id: str) -> list[ExecutionReport]:
        return [
            e
            for e in self.events
            if isinstance(e, ExecutionReport) and e.client_order_id == client_order_id
        ]


@pytest.fixture
async def exchange(fake: FakeBinance) -> AsyncIterator[CcxtBinanceExchange]:
    adapter = CcxtBinanceExchange(config_for(fake))
    await adapter.connect()
    yield adapter
    await adapter.close()


@pytest.fixture
async def streaming(
    exchange: CcxtBinanceExchange,
) -> AsyncIterator[tuple[CcxtBinanceExchange, Recorder]]:
    recorder = Recorder()
    exchange.subscribe(recorder)
    await exchange.start_streams()
    await wait_for(exchange.streams.connected.is_set)
    return exchange, recorder


async def wait_for(condition: Callable[[], bool], within_s: float = 3.0) -> None:
    async with asyncio.timeout(within_s):
        while not condition():  # noqa: ASYNC110 - polls state other tasks change
            await asyncio.sleep(0.01)


async def eventually(check: Callable[[], Awaitable[bool]], within_s: float = 3.0) -> None:
    async with asyncio.timeout(within_s):
        while not await check():  # noqa: ASYNC110 - polls the exchange
            await asyncio.sleep(0.02)
