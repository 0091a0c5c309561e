"""Every order type through ccxt to the fake and back, on REST and the user stream."""

from __future__ import annotations

import time
from decimal import Decimal

from adapters.binance.execution import CcxtBinanceExchange
from adapters.fake_binance.server import FakeBinance
from application.ports.venue import ReportKind
from domain.order import Order, OrderRequest, OrderType, Side, TimeInForce, new_order
from tests.integration.binance.conftest import Recorder, wait_for


def make(
    cid: str,
    type_: OrderType,
    side: Side = Side.BUY,
    qty: str = "0.01",
    price: str | None = None,
    stop: str | None = None,
    tif: TimeInForce = TimeInForce.GTC,
    symbol: str = "BTCUSDT",
) -> Order:
    request = OrderRequest(
        symbol=symbol,
        side=side,
        type=type_,
        quantity=Decimal(qty),
        price=Decimal(price) if price else None,
        stop_price=Decimal(stop) if stop else None,
        time_in_force=tif,
        client_order_id=cid,
    )
    return new_order(request, f"oid-{cid}", cid, 1)


def kinds(reports: object) -> list[ReportKind]:
    return [r.kind for r in reports]  # type: ignore[attr-defined]


async def test_instruments_carry_filters_and_brackets(exchange: CcxtBinanceExchange) -> None:
    instruments = {i.symbol: i for i in await exchange.load_instruments()}
    btc = instruments["BTCUSDT"]
    assert btc.tick_size == Decimal("0.1")
    assert btc.step_size == Decimal("0.001")
    assert btc.min_notional == Decimal(100)
    assert btc.max_leverage == 125
    assert len(btc.brackets) > 3
    assert set(instruments) == {"BTCUSDT", "ETHUSDT"}


async def test_market_order_fills_with_trade_ids_and_fees(exchange: CcxtBinanceExchange) -> None:
    reports = await exchange.submit_order(make("mkt-1", OrderType.MARKET))
    assert kinds(reports) == [ReportKind.ACCEPTED, ReportKind.FILL]
    fill = reports[1].fill
    assert fill is not None
    assert fill.quantity == Decimal("0.01")
    assert fill.fee > 0
    assert fill.fill_id.startswith("BTCUSDT-")
    assert fill.order_id == "oid-mkt-1"


async def test_limit_order_rests_then_fills_on_the_stream(
    fake: FakeBinance, streaming: tuple[CcxtBinanceExchange, Recorder]
) -> None:
    exchange, recorder = streaming
    order = make("lim-1", OrderType.LIMIT, price="59000")
    assert kinds(await exchange.submit_order(order)) == [ReportKind.ACCEPTED]
    fake.set_price("BTCUSDT", Decimal("58900"))
    await wait_for(lambda: ReportKind.FILL in kinds(recorder.reports("lim-1")))
    fill = next(r.fill for r in recorder.reports("lim-1") if r.fill)
    assert fill is not None
    assert fill.price == Decimal("59000")


async def test_cancel_a_resting_limit_order(exchange: CcxtBinanceExchange) -> None:
    order = make("lim-2", OrderType.LIMIT, price="50000")
    await exchange.submit_order(order)
    assert kinds(await exchange.cancel_order(order)) == [ReportKind.CANCELED]
    again = await exchange.cancel_order(order)
    assert kinds(again) == [ReportKind.REJECTED]


async def test_ioc_limit_far_from_the_market_expires(exchange: CcxtBinanceExchange) -> None:
    order = make("ioc-1", OrderType.LIMIT, price="50000", tif=TimeInForce.IOC)
    assert kinds(await exchange.submit_order(order)) == [ReportKind.ACCEPTED, ReportKind.EXPIRED]


async def test_fok_that_cannot_fill_is_rejected(
    fake: FakeBinance, exchange: CcxtBinanceExchange
) -> None:
    fake.inject(max_fill_qty="0.005")
    order = make("fok-1", OrderType.LIMIT, price="61000", tif=TimeInForce.FOK)
    reports = await exchange.submit_order(order)
    assert kinds(reports) == [ReportKind.REJECTED]
    assert "-5021" in (reports[0].reason or "")


async def test_post_only_that_would_take_is_rejected(exchange: CcxtBinanceExchange) -> None:
    order = make("gtx-1", OrderType.LIMIT, price="61000", tif=TimeInForce.GTX)
    reports = await exchange.submit_order(order)
    assert kinds(reports) == [ReportKind.REJECTED]
    assert "-5022" in (reports[0].reason or "")


async def test_stop_market_goes_through_the_algo_api_and_fills_when_triggered(
    fake: FakeBinance, streaming: tuple[CcxtBinanceExchange, Recorder]
) -> None:
    exchange, recorder = streaming
    order = make("stop-1", OrderType.STOP_MARKET, side=Side.SELL, stop="59000")
    assert kinds(await exchange.submit_order(order)) == [ReportKind.ACCEPTED]
    assert ("POST", "/fapi/v1/algoOrder") in fake.requests
    fake.set_price("BTCUSDT", Decimal("58990"))
    await wait_for(lambda: ReportKind.FILL in kinds(recorder.reports("stop-1")))
    venue_order = await exchange.fetch_order(order)
    assert venue_order is not None
    assert venue_order.filled_quantity == Decimal("0.01")


async def test_take_profit_market_can_be_canceled(exchange: CcxtBinanceExchange) -> None:
    order = make("tp-1", OrderType.TAKE_PROFIT_MARKET, side=Side.SELL, stop="65000")
    assert kinds(await exchange.submit_order(order)) == [ReportKind.ACCEPTED]
    assert kinds(await exchange.cancel_order(order)) == [ReportKind.CANCELED]


async def test_margin_insufficient_is_a_rejection_with_binance_code(
    exchange: CcxtBinanceExchange,
) -> None:
    reports = await exchange.submit_order(make("big-1", OrderType.MARKET, qty="100"))
    assert kinds(reports) == [ReportKind.REJECTED]
    assert "-2019" in (reports[0].reason or "")


async def test_filter_failure_is_a_rejection(exchange: CcxtBinanceExchange) -> None:
    reports = await exchange.submit_order(
        make("tiny-1", OrderType.LIMIT, qty="0.001", price="50000")
    )
    assert kinds(reports) == [ReportKind.REJECTED]
    assert "-1013" in (reports[0].reason or "")


async def test_positions_balance_leverage_and_margin_type(exchange: CcxtBinanceExchange) -> None:
    await exchange.submit_order(make("pos-1", OrderType.MARKET, qty="0.02"))
    positions = {p.symbol: p for p in await exchange.fetch_positions()}
    assert positions["BTCUSDT"].quantity == Decimal("0.02")
    assert await exchange.fetch_wallet_balance() < Decimal(10_000)  # the taker fee
    assert await exchange.set_leverage("ETHUSDT", 5) == 5
    from domain.position import MarginMode

    await exchange.set_margin_mode("ETHUSDT", MarginMode.ISOLATED)
    await exchange.set_margin_mode("ETHUSDT", MarginMode.ISOLATED)  # "no need to change" is fine
    assert await exchange.fetch_account_id() == "123456789"


async def test_funding_history_comes_from_the_income_endpoint(
    fake: FakeBinance, exchange: CcxtBinanceExchange
) -> None:
    await exchange.submit_order(make("fund-1", OrderType.MARKET, qty="0.01"))
    later = int(time.time() * 1000) + 9 * 3_600_000  # past the next 8-hour boundary
    fake.account.on_price("BTCUSDT", Decimal("60000"), later)
    fake.account.on_price("BTCUSDT", Decimal("60000"), later + 8 * 3_600_000)
    fees = await exchange.fetch_funding_history("BTCUSDT")
    assert len(fees) >= 1
    assert all(f.amount < 0 for f in fees)  # a long pays a positive rate
    assert fees[0].asset == "USDT"
