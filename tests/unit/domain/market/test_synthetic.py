import itertools

import numpy as np
import pytest
from scipy import stats

from domain.market.candles import Timeframe
from domain.market.synthetic import (
    MarketRegime,
    SyntheticParams,
    generate,
    generate_arrays,
)

SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT")
PRICES = {"BTCUSDT": 60_000.0, "ETHUSDT": 3_000.0, "SOLUSDT": 150.0}
START = 1_704_067_200_000  # 2024-01-01T00:00Z


@pytest.fixture(scope="module")
def big() -> np.ndarray:
    arrays = generate_arrays(SYMBOLS, START, 30_000, seed=1, base_prices=PRICES)
    return np.diff(np.log(arrays.close), axis=0)


def test_same_seed_same_candles_and_another_seed_other_candles() -> None:
    first = list(generate(SYMBOLS, START, 1_500, seed=3, base_prices=PRICES))
    again = list(generate(SYMBOLS, START, 1_500, seed=3, base_prices=PRICES))
    other = list(generate(SYMBOLS, START, 1_500, seed=4, base_prices=PRICES))
    assert first == again
    assert first != other


def test_the_iterator_and_the_arrays_agree_bit_for_bit() -> None:
    minutes = 2_100  # spans two full blocks and a partial one
    candles = list(generate(SYMBOLS, START, minutes, seed=8, base_prices=PRICES))
    arrays = generate_arrays(SYMBOLS, START, minutes, seed=8, base_prices=PRICES)
    assert list(arrays.candles()) == candles
    assert arrays.close.shape == (minutes, len(SYMBOLS))


def test_candles_come_in_time_order_with_continuous_consistent_ohlc() -> None:
    candles = list(generate(SYMBOLS, START, 500, seed=2, base_prices=PRICES))
    assert len(candles) == 500 * len(SYMBOLS)
    assert [c.symbol for c in candles[:3]] == list(SYMBOLS)
    times = [c.open_time for c in candles]
    assert times == sorted(times)
    assert times[0] == START
    assert times[-1] == START + 499 * 60_000
    assert all(c.timeframe is Timeframe.M1 and c.closed for c in candles)
    btc = [c for c in candles if c.symbol == "BTCUSDT"]
    assert btc[0].open == pytest.approx(PRICES["BTCUSDT"], rel=1e-12)
    assert all(b.open == a.close for a, b in itertools.pairwise(btc))
    # Candle validates high >= max(open, close) and low <= min(open, close) on creation.


def test_the_generator_is_lazy() -> None:
    stream = generate(SYMBOLS, START, 10**9, seed=1, base_prices=PRICES)
    assert len(list(itertools.islice(stream, 10))) == 10


def test_returns_have_fat_tails(big: np.ndarray) -> None:
    assert (stats.kurtosis(big, axis=0, fisher=False) > 3).all()


def test_symbols_are_correlated(big: np.ndarray) -> None:
    correlation = np.corrcoef(big.T)
    off_diagonal = correlation[~np.eye(len(SYMBOLS), dtype=bool)]
    assert (off_diagonal > 0.5).all()
    assert (off_diagonal < 0.9).all()


def test_volatility_clusters(big: np.ndarray) -> None:
    size = np.abs(big[:, 0])
    assert np.corrcoef(size[:-1], size[1:])[0, 1] > 0.1
    assert abs(np.corrcoef(big[:-1, 0], big[1:, 0])[0, 1]) < 0.05


def test_every_regime_is_visited_and_volatile_is_the_wildest() -> None:
    arrays = generate_arrays(SYMBOLS, START, 30_000, seed=1, base_prices=PRICES)
    returns = np.diff(np.log(arrays.close[:, 0]))
    regime = arrays.regime[1:]
    spread = {r: returns[regime == r].std() for r in MarketRegime}
    assert all(np.count_nonzero(regime == r) > 500 for r in MarketRegime)
    assert spread[MarketRegime.VOLATILE] > spread[MarketRegime.TRENDING] > spread[MarketRegime.CALM]


def test_bad_inputs_are_rejected() -> None:
    with pytest.raises(ValueError, match="base price"):
        list(generate(["XUSDT"], START, 1, seed=1, base_prices={}))
    with pytest.raises(ValueError, match="minute-aligned"):
        list(generate(SYMBOLS, START + 1, 1, seed=1, base_prices=PRICES))
    with pytest.raises(ValueError, match="garch"):
        SyntheticParams(garch_alpha=0.5, garch_beta=0.5)
    with pytest.raises(ValueError, match="not valid"):
        generate_arrays(SYMBOLS, START, 1, 1, PRICES, SyntheticParams(correlation=-0.6))
