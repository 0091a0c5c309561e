"""GetRiskReport: exposure of the book and VaR from stored candles or sampled marks."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from adapters.memory.candles import InMemoryCandleStore
from application.instruments import InstrumentCatalog
from application.ports.market_data import PriceUpdate
from application.risk.history import PriceHistory
from application.risk.report import GetRiskReport
from application.use_cases.queries import Valuation
from domain.market.candles import Candle, Timeframe
from domain.risk.var import VarMethod, historical_var
from tests.unit.application.fakes import BTC, ETH
from tests.unit.application.risk.rig import RiskRig, make_rig

D = Decimal
START_MS = 1_700_000_000_000 - 1_700_000_000_000 % 3_600_000


def closes(seed: int, count: int, start: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return start * np.cumprod(1.0 + rng.normal(0.0, 0.01, count))


def candles(symbol: str, values: np.ndarray, timeframe: Timeframe) -> list[Candle]:
    return [
        Candle(symbol, timeframe, START_MS + i * timeframe.ms, c, c, c, c, 1.0)
        for i, c in enumerate(values)
    ]


async def report_for(
    rig: RiskRig, store: InMemoryCandleStore | None, history: PriceHistory, now: int
) -> GetRiskReport:
    rig.app.clock.set(now)
    valuation = Valuation(rig.app.uow, rig.app.prices, InstrumentCatalog([BTC, ETH]))
    return GetRiskReport(valuation, rig.state, history, rig.app.clock, store, paths=5_000)


async def test_var_from_stored_hourly_candles_matches_the_domain() -> None:
    rig = await make_rig()
    await rig.hold("BTCUSDT", "0.1")
    await rig.hold("ETHUSDT", "-1")
    btc, eth = closes(1, 200, 50_000), closes(2, 200, 3_000)
    store = InMemoryCandleStore()
    await store.upsert(candles("BTCUSDT", btc, Timeframe.H1))
    await store.upsert(candles("ETHUSDT", eth, Timeframe.H1))
    use_case = await report_for(rig, store, PriceHistory(), START_MS + 200 * Timeframe.H1.ms)

    report = await use_case.execute()

    assert report.returns_source == "stored 1h candles"
    assert report.observations == 199
    assert report.exposure.gross_notional == D(8_000)
    assert report.exposure.net_notional == D(2_000)
    returns = np.column_stack([btc[1:] / btc[:-1] - 1, eth[1:] / eth[:-1] - 1])
    expected = historical_var(returns, [5_000.0, -3_000.0], 0.99)
    [found] = [
        e for e in report.estimates if e.method is VarMethod.HISTORICAL and e.confidence == 0.99
    ]
    assert found.var == pytest.approx(expected.var)
    assert found.cvar == pytest.approx(expected.cvar)
    methods = {(e.method, e.confidence) for e in report.estimates}
    assert len(methods) == 8  # four methods at 95 % and 99 %


async def test_without_candles_it_falls_back_to_sampled_marks() -> None:
    rig = await make_rig()
    await rig.hold("BTCUSDT", "0.1")
    history = PriceHistory(interval_ms=1_000)
    for i, price in enumerate(closes(3, 50, 50_000)):
        history.record(PriceUpdate("BTCUSDT", D(str(round(price, 2))), START_MS + i * 1_000))
    use_case = await report_for(rig, InMemoryCandleStore(), history, START_MS + 60_000)
    report = await use_case.execute()
    assert report.returns_source == "price cache samples"
    assert report.returns_period == "1s"
    assert report.observations == 49
    assert report.estimates


async def test_too_little_history_gives_a_note_not_garbage() -> None:
    rig = await make_rig()
    await rig.hold("BTCUSDT", "0.1")
    use_case = await report_for(rig, None, PriceHistory(), START_MS)
    report = await use_case.execute()
    assert report.estimates == ()
    assert "VaR needs 30" in report.note
