"""Our adapter sends what ccxt's own request fixtures say Binance expects.

Reads ../shared/eval/ccxt (ccxt's binanceusdm request cases, transcribed); skips
cleanly when that directory is absent.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from adapters.binance.execution import CcxtBinanceExchange
from adapters.fake_binance.server import FakeBinance
from adapters.simulated.instruments import brackets_from_tiers, default_instruments
from domain.instrument import Instrument
from domain.order import OrderRequest, OrderType, Side, TimeInForce, new_order
from tests.integration.binance.conftest import config_for

CASES = Path(__file__).resolve().parents[4] / "shared/eval/ccxt/ccxt_binanceusdm_request_cases.json"
pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(not CASES.is_file(), reason="../shared/eval/ccxt is absent"),
]
# Cases whose order our domain can express (market/limit, reduce-only, post-only).
ORDER_CASES = (
    "Swap market buy order",
    "Swap limit buy order",
    "Swap limit sell",
    "Swap limit buy with reduce only (closing short position)",
    "Swap limit buy with postOnly",
)
WIRE_ONLY = {"timestamp", "recvWindow", "signature", "newClientOrderId"}
LTC = Instrument(
    symbol="LTCUSDT",
    base="LTC",
    quote="USDT",
    tick_size=Decimal("0.01"),
    step_size=Decimal("0.001"),
    min_qty=Decimal("0.001"),
    min_notional=Decimal(5),
    max_leverage=75,
    brackets=brackets_from_tiers([(0, 10_000, "0.0065", 75), (10_000, 100_000, "0.01", 50)]),
)


def cases() -> dict[str, Any]:
    return {c["description"]: c for c in json.loads(CASES.read_text())["cases"]}


@pytest.fixture
async def ltc_exchange() -> AsyncIterator[tuple[FakeBinance, CcxtBinanceExchange]]:
    fake = FakeBinance(instruments=[*default_instruments(), LTC])
    fake.set_price("LTCUSDT", Decimal(70))
    await fake.start()
    exchange = CcxtBinanceExchange(config_for(fake, symbols=("LTCUSDT",)))
    await exchange.connect()
    yield fake, exchange
    await exchange.close()
    await fake.stop()


@pytest.mark.parametrize("description", ORDER_CASES)
async def test_order_placement_matches_ccxt_request_case(
    description: str, ltc_exchange: tuple[FakeBinance, CcxtBinanceExchange]
) -> None:
    fake, exchange = ltc_exchange
    case = cases()[description]
    if "reduceOnly" in case["params"]:
        # A reduce-only buy needs a short to reduce: open one first.
        await exchange.submit_order(order_from([case["input"][0], "market", "sell", 1], "open"))
    await exchange.submit_order(order_from(case["input"], "case"))
    method, _, params = next(c for c in reversed(fake.calls) if c[1] == case["path"])
    assert method == "POST"
    sent = {k: v for k, v in params.items() if k not in WIRE_ONLY}
    assert sent == case["params"]


async def test_cancel_by_client_order_id_matches_ccxt_request_case(
    ltc_exchange: tuple[FakeBinance, CcxtBinanceExchange],
) -> None:
    fake, exchange = ltc_exchange
    case = cases()["cancel swap order with clientOrderId"]
    order = order_from(["LTC/USDT:USDT", "limit", "buy", 0.1, 55], "myswap")
    await exchange.submit_order(order)
    await exchange.cancel_order(order)
    method, path, params = fake.calls[-1]
    assert (method, path) == ("DELETE", case["path"])
    expected = {**case["params"], "symbol": "LTCUSDT"}
    assert {k: v for k, v in params.items() if k not in WIRE_ONLY} == expected


def order_from(arguments: list[Any], client_order_id: str) -> Any:
    symbol, kind, side, amount, *rest = arguments
    price = rest[0] if rest else None
    extra = rest[1] if len(rest) > 1 else {}
    request = OrderRequest(
        symbol=symbol.split("/")[0] + "USDT",
        side=Side(side.upper()),
        type=OrderType.LIMIT if kind == "limit" else OrderType.MARKET,
        quantity=Decimal(str(amount)),
        price=Decimal(str(price)) if price is not None else None,
        time_in_force=TimeInForce.GTX if extra.get("postOnly") else TimeInForce.GTC,
        reduce_only=bool(extra.get("reduceOnly")),
        client_order_id=client_order_id,
    )
    return new_order(request, f"oid-{client_order_id}", client_order_id, 1)
