"""Binance payloads, shaped exactly as Binance documents them, → domain values.

The fixtures next to this file are small payloads written from Binance's
USDⓈ-M documentation; payloads recorded by other projects under ../shared/data
are parsed too when that directory exists.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from adapters.binance import parsing
from application.ports.venue import ReportKind
from domain.fill import Liquidity
from domain.market.candles import BookTop, Candle, MarkPrice, Timeframe
from domain.order import OrderStatus, Side
from domain.position import MarginMode

D = Decimal
FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[5] / "shared" / "data" / "binance_api" / "nautilus_trader"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def test_instrument_from_exchange_info_and_brackets() -> None:
    brackets = load("leverage_bracket.json")[0]
    instrument = parsing.instrument(load("exchange_info_symbol.json"), brackets)
    assert instrument is not None
    assert (instrument.symbol, instrument.base, instrument.quote) == ("BLZUSDT", "BLZ", "USDT")
    assert instrument.tick_size == D("0.0001")
    assert instrument.step_size == D(1)
    assert instrument.min_qty == D(1)
    assert instrument.min_notional == D(5)
    assert instrument.max_qty == D(10_000_000)
    assert instrument.max_leverage == 75
    assert [b.notional_floor for b in instrument.brackets] == [D(0), D(5000)]  # sorted
    assert instrument.brackets[1].maintenance_amount == D(25)


def test_a_delivery_contract_or_a_halted_symbol_is_not_an_instrument() -> None:
    quarterly = {**load("exchange_info_symbol.json"), "contractType": "CURRENT_QUARTER"}
    halted = {**load("exchange_info_symbol.json"), "status": "SETTLING"}
    assert parsing.instrument(quarterly, None) is None
    assert parsing.instrument(halted, None) is None


def test_order_answer_and_query() -> None:
    new = parsing.venue_order(load("order_new.json"))
    assert (new.client_order_id, new.exchange_order_id, new.status) == (
        "testOrder",
        "22542179",
        OrderStatus.OPEN,
    )
    partial = parsing.venue_order(load("order_query_partial.json"))
    assert partial.status is OrderStatus.PARTIALLY_FILLED
    assert (partial.quantity, partial.filled_quantity) == (D("0.010"), D("0.004"))
    reports = parsing.answer_reports(load("order_new.json"), 5)
    assert [r.kind for r in reports] == [ReportKind.ACCEPTED]


def test_algo_order_answer() -> None:
    algo = parsing.venue_order(load("algo_order.json"))
    assert (algo.client_order_id, algo.exchange_order_id) == ("6B2I9XVcJpCjqPAJ4YoFX7", "2146760")
    assert algo.status is OrderStatus.OPEN
    assert algo.filled_quantity == 0


def test_user_trade_becomes_a_fill_with_a_stream_compatible_id() -> None:
    fill = parsing.trade_fill(load("user_trades.json")[0], "cid", "oid")
    assert fill.fill_id == "BTCUSDT-698759"
    assert (fill.side, fill.quantity, fill.price) == (Side.SELL, D("0.002"), D("7819.01"))
    assert fill.fee == D("-0.07819010")  # a rebate stays negative
    assert fill.liquidity is Liquidity.TAKER
    assert (fill.order_id, fill.client_order_id) == ("oid", "cid")


def test_positions_skip_flat_symbols_and_keep_sign_leverage_and_margin() -> None:
    positions = parsing.positions(load("position_risk_v2.json"), 0)
    assert [p.symbol for p in positions] == ["ETHUSDT"]
    eth = positions[0]
    assert (eth.quantity, eth.entry_price, eth.leverage) == (D("-1.500"), D("1900.50"), 20)
    assert eth.margin_mode is MarginMode.CROSS


def test_wallet_balance_reads_the_asset_asked_for() -> None:
    account = load("account_v3.json")
    assert parsing.wallet_balance(account) == D("23.72469206")
    assert parsing.wallet_balance(account, "USDC") == D("103.12345678")
    assert parsing.wallet_balance(account, "BNB") == 0


def test_order_trade_updates_become_reports() -> None:
    translator = parsing.UserStreamTranslator()
    translator.order_ids["TEST"] = "our-order-id"
    new = translator.reports(load("ws_order_trade_update_new.json"))
    trade = translator.reports(load("ws_order_trade_update_trade.json"))
    canceled = translator.reports(load("ws_order_trade_update_canceled.json"))
    expired = translator.reports(load("ws_order_trade_update_expired.json"))
    assert [r.kind for r in new + trade + canceled + expired] == [
        ReportKind.ACCEPTED,
        ReportKind.FILL,
        ReportKind.CANCELED,
        ReportKind.EXPIRED,
    ]
    fill = trade[0].fill
    assert fill is not None
    assert fill.fill_id == "BTCUSDT-12345"
    assert (fill.quantity, fill.price, fill.fee) == (D("0.001"), D("7103.04"), D("0.00142061"))
    assert fill.liquidity is Liquidity.MAKER
    assert fill.order_id == "our-order-id"
    assert trade[0].exchange_order_id == "8886774"


def test_algo_update_cancel_carries_binance_reason() -> None:
    reports = parsing.UserStreamTranslator().reports(load("ws_algo_update.json"))
    assert [(r.kind, r.client_order_id, r.reason) for r in reports] == [
        (ReportKind.CANCELED, "Q5xaq5EGKgXXa0fD7fs0Ip", "Reduce Only reject")
    ]


def test_a_triggered_algo_order_trades_under_our_client_id() -> None:
    translator = parsing.UserStreamTranslator()
    algo = load("ws_algo_update.json")
    algo["o"].update({"X": "TRIGGERED", "ai": "8886774"})
    assert translator.reports(algo) == []
    trade = load("ws_order_trade_update_trade.json")
    trade["o"]["c"] = "some-child-id-binance-made"
    reports = translator.reports(trade)
    assert reports[0].client_order_id == "Q5xaq5EGKgXXa0fD7fs0Ip"


def test_market_events() -> None:
    candle = parsing.market_event(load("ws_kline.json"))
    assert isinstance(candle, Candle)
    assert (candle.timeframe, candle.open_time, candle.close, candle.closed) == (
        Timeframe.M1,
        1638747660000,
        0.002,
        False,
    )
    mark = parsing.market_event(load("ws_mark_price.json"))
    assert isinstance(mark, MarkPrice)
    assert (mark.mark, mark.funding_rate, mark.next_funding_time) == (
        11794.15,
        0.00038167,
        1562306400000,
    )
    row = parsing.kline_row("BTCUSDT", Timeframe.D1, load("klines.json")[0], now=1_600_000_000_000)
    assert (row.open, row.high, row.volume, row.closed) == (0.0163479, 0.8, 148976.11427815, True)
    book = parsing.depth("BTCUSDT", load("depth.json"), 1)
    assert book.bids == ((4.0, 431.0),)
    assert book.asks == ((4.000002, 12.0),)


# -- payloads recorded by others, when ../shared/data is present ------------------------------

shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is absent")


@pytest.mark.shared_data
@shared
def test_recorded_exchange_info_parses() -> None:
    info = json.loads(
        (SHARED / "integration_http_responses/http_futures_market_exchange_info.json").read_text()
    )
    instruments = [parsing.instrument(s, None) for s in info["symbols"]]
    btc = next(i for i in instruments if i is not None and i.symbol == "BTCUSDT")
    assert btc.tick_size == D("0.10")
    assert btc.min_notional == D(10)


@pytest.mark.shared_data
@shared
def test_recorded_positions_and_orders_parse() -> None:
    http = SHARED / "integration_http_responses"
    positions = json.loads((http / "http_futures_account_positions_one_way.json").read_text())
    assert parsing.positions(positions, 0) == []  # one flat BTCUSDT position
    orders = json.loads((http / "http_futures_account_orders.json").read_text())
    parsed = [parsing.venue_order(o) for o in orders]
    assert parsed[0].client_order_id == "abc"
    assert parsed[0].status is OrderStatus.OPEN


@pytest.mark.shared_data
@shared
def test_recorded_stream_events_translate() -> None:
    ws = SHARED / "integration_ws_messages"
    translator = parsing.UserStreamTranslator()
    trade = json.loads((ws / "ws_futures_order_update_trade_reduce_only_qty.json").read_text())
    reports = translator.reports(trade)
    assert [r.kind for r in reports] == [ReportKind.FILL]
    assert reports[0].fill is not None
    assert reports[0].fill.quantity == D("1.000")
    triggered = json.loads((ws / "ws_futures_algo_update_triggered.json").read_text())
    assert translator.reports(triggered) == []
    finished = json.loads((ws / "ws_futures_algo_update_finished.json").read_text())
    assert translator.reports(finished) == []
    book = json.loads((ws / "ws_futures_book_ticker.json").read_text())
    top = parsing.market_event(book)
    assert isinstance(top, BookTop)
    assert top.bid == 25.3519


RESPONSES = (
    Path(__file__).resolve().parents[5] / "shared/eval/ccxt/ccxt_binanceusdm_response_cases.json"
)


@pytest.mark.shared_data
@pytest.mark.skipif(not RESPONSES.is_file(), reason="../shared/eval/ccxt is absent")
def test_recorded_order_responses_agree_with_ccxts_reading() -> None:
    for case in json.loads(RESPONSES.read_text())["cases"]:
        raws = (
            case["httpResponse"]
            if isinstance(case["httpResponse"], list)
            else [case["httpResponse"]]
        )
        expected = case["parsedResponse_subset"]
        expected = expected if isinstance(expected, list) else [expected]
        for raw, ccxt_view in zip(raws, expected, strict=True):
            ours = parsing.venue_order(raw)
            assert ours.exchange_order_id == ccxt_view["id"]
            assert ours.client_order_id == ccxt_view["clientOrderId"]
            assert float(ours.quantity) == ccxt_view["amount"]
            assert float(ours.filled_quantity) == ccxt_view["filled"]
            assert ours.updated_at == ccxt_view["lastUpdateTimestamp"]
            assert (ours.status is OrderStatus.OPEN) == (ccxt_view["status"] == "open")
