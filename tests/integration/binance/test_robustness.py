"""Faults injected into the fake: the adapter retries, waits, reconnects and never doubles."""

from __future__ import annotations

import time
from dataclasses import replace
from decimal import Decimal

import aiohttp
import pytest
from pydantic import SecretStr

from adapters.binance.execution import CcxtBinanceExchange
from adapters.fake_binance.server import FakeBinance
from adapters.prometheus.metrics import PrometheusMetrics
from application.ports.venue import ExchangeError, ReportKind
from domain.order import OrderType
from tests.integration.binance.conftest import Recorder, config_for, wait_for
from tests.integration.binance.test_order_lifecycle import kinds, make


async def test_partial_fills_arrive_one_by_one_on_the_user_stream(
    fake: FakeBinance, streaming: tuple[CcxtBinanceExchange, Recorder]
) -> None:
    exchange, recorder = streaming
    fake.inject(max_fill_qty="0.004")
    await exchange.submit_order(make("part-1", OrderType.LIMIT, qty="0.01", price="59000"))
    for price in ("58950", "58940", "58930"):
        fake.set_price("BTCUSDT", Decimal(price))
    await wait_for(lambda: len([r for r in recorder.reports("part-1") if r.fill]) == 3)
    quantities = [r.fill.quantity for r in recorder.reports("part-1") if r.fill]
    assert quantities == [Decimal("0.004"), Decimal("0.004"), Decimal("0.002")]
    assert len({r.fill.fill_id for r in recorder.reports("part-1") if r.fill}) == 3


async def test_dropped_stream_reconnects_and_backfills_fills_made_meanwhile(
    fake: FakeBinance, streaming: tuple[CcxtBinanceExchange, Recorder]
) -> None:
    exchange, recorder = streaming
    await exchange.submit_order(make("gap-1", OrderType.LIMIT, price="59000"))
    await wait_for(lambda: ReportKind.ACCEPTED in kinds(recorder.reports("gap-1")))
    exchange.streams.connected.clear()
    assert await fake.drop_streams() >= 1
    fake.set_price("BTCUSDT", Decimal("58000"))  # fills while nobody listens
    await wait_for(lambda: ReportKind.FILL in kinds(recorder.reports("gap-1")), 5.0)
    assert exchange._user_loop is not None
    assert exchange._user_loop.reconnects >= 1
    # And the new connection carries later events again.
    await exchange.submit_order(make("gap-2", OrderType.LIMIT, price="57000"))
    fake.set_price("BTCUSDT", Decimal("56900"))
    await wait_for(lambda: ReportKind.FILL in kinds(recorder.reports("gap-2")), 5.0)


async def test_429_with_retry_after_is_honoured(
    fake: FakeBinance, exchange: CcxtBinanceExchange
) -> None:
    fake.inject(rate_limited=1, retry_after_s=1)
    started = time.monotonic()
    reports = await exchange.submit_order(make("rl-1", OrderType.MARKET))
    waited = time.monotonic() - started
    assert kinds(reports) == [ReportKind.ACCEPTED, ReportKind.FILL]
    assert waited >= 0.95  # the Retry-After second, not the 10 ms backoff
    assert fake.orders_placed() == 1


async def test_418_ban_pauses_every_call(fake: FakeBinance, exchange: CcxtBinanceExchange) -> None:
    fake.inject(rate_limited=1, rate_limit_status=418, retry_after_s=1)
    started = time.monotonic()
    await exchange.fetch_positions()
    assert time.monotonic() - started >= 0.95
    assert exchange.http.limiter.paused_until > 0


async def test_server_errors_are_retried_with_backoff(
    fake: FakeBinance, exchange: CcxtBinanceExchange
) -> None:
    fake.inject(server_errors=2)
    before = exchange.http.retries
    assert await exchange.fetch_wallet_balance() == Decimal(10_000)
    assert exchange.http.retries - before == 2


async def test_lost_order_response_places_exactly_one_order(
    fake: FakeBinance, exchange: CcxtBinanceExchange
) -> None:
    fake.inject(lose_order_responses=1)
    reports = await exchange.submit_order(make("lost-1", OrderType.MARKET))
    assert kinds(reports) == [ReportKind.ACCEPTED, ReportKind.FILL]
    assert fake.orders_placed() == 1
    assert [p for m, p in fake.requests if m == "POST"].count("/fapi/v1/order") == 1
    assert ("GET", "/fapi/v1/order") in fake.requests  # it asked before retrying


async def test_lost_response_of_a_resting_order_is_recovered_too(
    fake: FakeBinance, exchange: CcxtBinanceExchange
) -> None:
    fake.inject(lose_order_responses=1)
    reports = await exchange.submit_order(make("lost-2", OrderType.LIMIT, price="50000"))
    assert kinds(reports) == [ReportKind.ACCEPTED]
    assert fake.orders_placed() == 1


async def test_server_clock_ahead_is_measured_and_used(fake: FakeBinance) -> None:
    fake.inject(clock_skew_ms=30_000)  # the server is 30 s ahead: unsynced calls get -1021
    adapter = CcxtBinanceExchange(config_for(fake, close_grace_ms=0))
    try:
        await adapter.connect()
        assert 29_000 < adapter.http.time_offset_ms < 31_000
        assert await adapter.fetch_wallet_balance() == Decimal(10_000)
    finally:
        await adapter.close()


async def test_clock_drift_after_start_resyncs_on_minus_1021(
    fake: FakeBinance, exchange: CcxtBinanceExchange
) -> None:
    fake.inject(clock_skew_ms=-20_000)  # the server falls behind after we synced
    assert await exchange.fetch_wallet_balance() == Decimal(10_000)
    assert -21_000 < exchange.http.time_offset_ms < -19_000


async def test_wrong_secret_is_an_exchange_error_without_the_secret(fake: FakeBinance) -> None:
    config = config_for(fake)
    bad = type(config)(
        **{
            **{f: getattr(config, f) for f in config.__slots__},
            "api_secret": SecretStr("wrong-secret-value"),
        }
    )
    adapter = CcxtBinanceExchange(bad)
    try:
        with pytest.raises(ExchangeError) as raised:
            await adapter.connect()
        assert "-1022" in str(raised.value)
        assert "wrong-secret-value" not in str(raised.value)
    finally:
        await adapter.close()


async def test_admin_endpoint_injects_faults_at_run_time(fake: FakeBinance) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{fake.url}/admin/faults", json={"server_errors": 1}) as answer:
            assert (await answer.json())["server_errors"] == 1
        async with session.get(f"{fake.url}/fapi/v1/time") as answer:
            assert answer.status == 503
        async with session.get(f"{fake.url}/fapi/v1/time") as answer:
            assert answer.status == 200
        async with session.post(f"{fake.url}/admin/faults", json={"nonsense": 1}) as answer:
            assert answer.status == 400


async def test_a_slow_exchange_times_out_and_is_retried(fake: FakeBinance) -> None:
    adapter = CcxtBinanceExchange(config_for(fake, max_retries=1))
    try:
        await adapter.connect()  # with the normal timeout: a loaded test host is slow too
        adapter.http.config = replace(adapter.http.config, timeout_s=0.2)
        fake.inject(latency_ms=400)
        with pytest.raises(ExchangeError, match=r"RequestTimeout|timed out"):
            await adapter.fetch_positions()
        assert adapter.http.retries == 1
    finally:
        fake.inject(latency_ms=0)
        await adapter.close()


async def test_an_unreachable_exchange_is_an_exchange_error(fake: FakeBinance) -> None:
    adapter = CcxtBinanceExchange(config_for(fake, max_retries=1))
    try:
        await adapter.connect()
        await fake.stop()
        with pytest.raises(ExchangeError) as raised:
            await adapter.fetch_wallet_balance()
        assert "ccxt" not in type(raised.value).__module__
    finally:
        await adapter.close()


async def test_a_retry_that_meets_its_own_order_reports_that_order(
    fake: FakeBinance, exchange: CcxtBinanceExchange
) -> None:
    order = make("twice-1", OrderType.LIMIT, price="50000")
    await exchange.submit_order(order)
    again = await exchange.submit_order(order)  # Binance answers -4116 (duplicated)
    assert kinds(again) == [ReportKind.ACCEPTED]
    assert again[0].exchange_order_id is not None
    assert fake.orders_placed() == 1


async def test_orders_filled_on_the_stream_need_no_backfill(
    fake: FakeBinance, streaming: tuple[CcxtBinanceExchange, Recorder]
) -> None:
    exchange, recorder = streaming
    await exchange.submit_order(make("done-1", OrderType.LIMIT, price="59000"))
    assert "done-1" in exchange._open
    fake.set_price("BTCUSDT", Decimal("58000"))
    await wait_for(lambda: ReportKind.FILL in kinds(recorder.reports("done-1")))
    await exchange.drain()
    assert "done-1" not in exchange._open


async def test_rate_limit_waits_and_reconnects_reach_the_metrics(fake: FakeBinance) -> None:
    metrics = PrometheusMetrics()
    adapter = CcxtBinanceExchange(config_for(fake), metrics=metrics)
    await adapter.connect()
    try:
        recorder = Recorder()
        adapter.subscribe(recorder)
        await adapter.start_streams()
        await wait_for(adapter.streams.connected.is_set)
        fake.inject(rate_limited=1, retry_after_s=1)
        await adapter.submit_order(make("rl-metrics", OrderType.MARKET))
        adapter.streams.connected.clear()
        assert await fake.drop_streams() >= 1
        await wait_for(
            lambda: adapter._user_loop is not None and adapter._user_loop.reconnects >= 1
        )
    finally:
        await adapter.close()
    text = metrics.render().decode()
    assert 'autotrader_rate_limit_waits_total{venue="binance"} 1.0' in text
    assert 'autotrader_websocket_reconnects_total{stream="user",venue="binance"}' in text
