"""Each indicator against an independent pandas/numpy computation on the same series."""

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from domain.market.indicators import (
    ADX,
    ATR,
    EMA,
    RSI,
    SMA,
    Bollinger,
    Donchian,
    PercentileRank,
    RealizedVolatility,
    RollingOLS,
    RollingVWAP,
    RollingZScore,
    WilderAverage,
)

N = 600


@pytest.fixture(scope="module")
def ohlcv() -> pd.DataFrame:
    rng = np.random.default_rng(42)
    close = 30_000 * np.exp(np.cumsum(rng.standard_t(4, N) * 0.002))
    open_ = np.concatenate([[30_000.0], close[:-1]])
    high = np.maximum(open_, close) * (1 + rng.uniform(0, 0.003, N))
    low = np.minimum(open_, close) * (1 - rng.uniform(0, 0.003, N))
    volume = rng.uniform(0, 10, N)
    volume[100:130] = 0.0  # a stretch without trading
    return pd.DataFrame({"open": open_, "high": high, "low": low, "close": close, "volume": volume})


def feed(update: Callable[..., float | None], *columns: pd.Series) -> np.ndarray:
    rows = zip(*(c.to_numpy() for c in columns), strict=True)
    out: np.ndarray = np.array(
        [np.nan if (v := update(*map(float, row))) is None else v for row in rows]
    )
    return out


def wilder(values: np.ndarray, n: int) -> np.ndarray:
    """Wilder's smoothing by explicit loop, seeded with the mean of the first n values."""
    out = np.full(len(values), np.nan)
    average = values[:n].mean()
    out[n - 1] = average
    for i in range(n, len(values)):
        average = (average * (n - 1) + values[i]) / n
        out[i] = average
    return out


def true_range(df: pd.DataFrame) -> np.ndarray:
    prev = df["close"].shift(1)
    ranges = pd.concat(
        [df["high"] - df["low"], (df["high"] - prev).abs(), (df["low"] - prev).abs()], axis=1
    )
    out: np.ndarray = ranges.max(axis=1).to_numpy()  # row 0 has only high - low
    return out


def assert_matches(got: np.ndarray, expected: object, rtol: float = 1e-9) -> None:
    want = np.asarray(expected, dtype=float)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-9)


@pytest.mark.parametrize("period", [1, 5, 20])
def test_sma(ohlcv: pd.DataFrame, period: int) -> None:
    close = ohlcv["close"]
    assert_matches(feed(SMA(period).update, close), close.rolling(period).mean())


@pytest.mark.parametrize("period", [3, 12, 26])
def test_ema_matches_pandas_ewm_without_adjustment(ohlcv: pd.DataFrame, period: int) -> None:
    close = ohlcv["close"]
    expected = close.ewm(span=period, adjust=False).mean()
    expected[: period - 1] = np.nan
    assert_matches(feed(EMA(period).update, close), expected)


def test_wilder_average(ohlcv: pd.DataFrame) -> None:
    volume = ohlcv["volume"]
    assert_matches(feed(WilderAverage(14).update, volume), wilder(volume.to_numpy(), 14))


@pytest.mark.parametrize("period", [2, 14])
def test_rsi_against_an_explicit_wilder_loop(ohlcv: pd.DataFrame, period: int) -> None:
    change = np.diff(ohlcv["close"].to_numpy())
    gain = wilder(np.clip(change, 0, None), period)
    loss = wilder(np.clip(-change, 0, None), period)
    expected = np.concatenate([[np.nan], 100 - 100 / (1 + gain / loss)])
    got = feed(RSI(period).update, ohlcv["close"])
    assert_matches(got, expected)
    assert np.nanmin(got) >= 0
    assert np.nanmax(got) <= 100


def test_rsi_edge_cases() -> None:
    rising, flat = RSI(3), RSI(3)
    for price in [1.0, 2.0, 3.0, 4.0]:
        rising.update(price)
        flat.update(5.0)
    assert rising.value == 100.0
    assert flat.value == 50.0


def test_atr_against_an_explicit_wilder_loop(ohlcv: pd.DataFrame) -> None:
    got = feed(ATR(14).update, ohlcv["high"], ohlcv["low"], ohlcv["close"])
    assert_matches(got, wilder(true_range(ohlcv), 14))


def test_bollinger(ohlcv: pd.DataFrame) -> None:
    close = ohlcv["close"]
    mean, std = close.rolling(20).mean(), close.rolling(20).std(ddof=0)
    bands = Bollinger(20, 2.5)
    rows = []
    for price in close:
        bands.update(float(price))
        rows.append(
            [
                np.nan if v is None else v
                for v in (bands.value, bands.upper, bands.lower, bands.zscore)
            ]
        )
    got = np.array(rows)
    assert_matches(got[:, 0], mean)
    assert_matches(got[:, 1], mean + 2.5 * std)
    assert_matches(got[:, 2], mean - 2.5 * std)
    assert_matches(got[:, 3], (close - mean) / std, rtol=1e-7)


@pytest.mark.parametrize("ddof", [0, 1])
def test_rolling_zscore(ohlcv: pd.DataFrame, ddof: int) -> None:
    close = ohlcv["close"]
    expected = (close - close.rolling(30).mean()) / close.rolling(30).std(ddof=ddof)
    assert_matches(feed(RollingZScore(30, ddof).update, close), expected, rtol=1e-7)


def test_zscore_of_a_flat_window_is_zero() -> None:
    z = RollingZScore(3)
    assert [z.update(7.0) for _ in range(4)] == [None, None, 0.0, 0.0]


@pytest.mark.parametrize("period", [1, 7, 20])
def test_donchian(ohlcv: pd.DataFrame, period: int) -> None:
    channel = Donchian(period)
    rows = []
    for high, low in zip(ohlcv["high"], ohlcv["low"], strict=True):
        channel.update(float(high), float(low))
        rows.append(
            [np.nan if v is None else v for v in (channel.upper, channel.lower, channel.value)]
        )
    got = np.array(rows)
    upper, lower = ohlcv["high"].rolling(period).max(), ohlcv["low"].rolling(period).min()
    assert_matches(got[:, 0], upper, rtol=0)
    assert_matches(got[:, 1], lower, rtol=0)
    assert_matches(got[:, 2], (upper + lower) / 2)


def test_donchian_on_a_monotonic_series_keeps_its_deque_short() -> None:
    channel = Donchian(5)
    for i in range(1000):
        channel.update(float(i), float(i))
    assert channel.upper == 999.0
    assert channel.lower == 995.0


def test_adx_against_an_explicit_wilder_computation(ohlcv: pd.DataFrame) -> None:
    n = 14
    up = ohlcv["high"].diff().to_numpy()[1:]
    down = -ohlcv["low"].diff().to_numpy()[1:]
    plus_dm = np.where((up > down) & (up > 0), up, 0.0)
    minus_dm = np.where((down > up) & (down > 0), down, 0.0)
    tr = true_range(ohlcv)[1:]
    atr = wilder(tr, n)
    plus_di, minus_di = 100 * wilder(plus_dm, n) / atr, 100 * wilder(minus_dm, n) / atr
    dx = 100 * np.abs(plus_di - minus_di) / (plus_di + minus_di)
    adx = np.full(len(dx), np.nan)
    adx[n - 1 :] = wilder(dx[n - 1 :], n)
    indicator = ADX(n)
    rows = []
    for high, low, close in ohlcv[["high", "low", "close"]].to_numpy():
        indicator.update(high, low, close)
        rows.append(
            [
                np.nan if v is None else v
                for v in (indicator.value, indicator.plus_di, indicator.minus_di)
            ]
        )
    got = np.array(rows)[1:]
    assert_matches(got[:, 0], adx)
    assert_matches(got[:, 1], plus_di)
    assert_matches(got[:, 2], minus_di)
    assert np.isnan(got[2 * n - 3, 0])
    assert not np.isnan(got[2 * n - 2, 0])


def test_realized_volatility(ohlcv: pd.DataFrame) -> None:
    close = ohlcv["close"]
    expected = np.log(close).diff().rolling(30).std() * np.sqrt(525_600)
    got = feed(RealizedVolatility(30, annualization=525_600).update, close)
    assert_matches(got, expected, rtol=1e-8)


def test_rolling_vwap(ohlcv: pd.DataFrame) -> None:
    price, volume = ohlcv["close"], ohlcv["volume"]
    notional, total = (price * volume).rolling(10).sum(), volume.rolling(10).sum()
    expected = (notional / total).where(total > 0)
    assert_matches(feed(RollingVWAP(10).update, price, volume), expected)


def test_rolling_ols_matches_polyfit_on_every_window(ohlcv: pd.DataFrame) -> None:
    rng = np.random.default_rng(3)
    x = np.log(ohlcv["close"].to_numpy())
    y = 0.3 + 1.7 * x + rng.normal(0, 0.002, len(x))
    period = 50
    ols = RollingOLS(period)
    got = np.array(
        [
            [np.nan] * 3 if ols.update(a, b) is None else [ols.value, ols.alpha, ols.residual_std]
            for a, b in zip(x, y, strict=True)
        ]
    )
    slopes, intercepts, errors = [], [], []
    for xs, ys in zip(sliding_window_view(x, period), sliding_window_view(y, period), strict=True):
        slope, intercept = np.polyfit(xs, ys, 1)
        residuals = ys - intercept - slope * xs
        slopes.append(slope)
        intercepts.append(intercept)
        errors.append(np.sqrt(residuals @ residuals / (period - 2)))
    pad = [np.nan] * (period - 1)
    assert_matches(got[:, 0], pad + slopes, rtol=1e-6)
    assert_matches(got[:, 1], pad + intercepts, rtol=1e-6)
    assert_matches(got[:, 2], pad + errors, rtol=1e-5)
    assert ols.residual(x[-1], y[-1]) == pytest.approx(y[-1] - intercepts[-1] - slopes[-1] * x[-1])


def test_rolling_ols_without_variation_in_x_has_no_slope() -> None:
    ols = RollingOLS(3)
    assert [ols.update(1.0, float(i)) for i in range(5)] == [None] * 5


def test_percentile_rank_matches_pandas_rolling_rank_with_ties() -> None:
    values = pd.Series(np.random.default_rng(5).integers(0, 12, 400).astype(float))
    expected = values.rolling(25).rank(pct=True)
    assert_matches(feed(PercentileRank(25).update, values), expected, rtol=1e-12)


def test_percentile_rank_quantiles_read_the_sorted_window() -> None:
    rank = PercentileRank(5)
    for x in [5.0, 1.0, 4.0, 2.0]:
        rank.update(x)
    assert rank.quantile(0.5) is None  # not warm yet
    rank.update(3.0)
    assert [rank.quantile(q) for q in (0.0, 0.5, 1.0)] == [1.0, 3.0, 5.0]
    rank.update(0.0)  # 5.0 leaves the window
    assert rank.quantile(1.0) == 4.0
    with pytest.raises(ValueError, match="q must"):
        rank.quantile(1.5)


def test_running_sums_stay_exact_over_a_long_run_far_from_zero() -> None:
    """Variance of tiny moves on a huge level is where naive running sums fall apart."""
    rng = np.random.default_rng(11)
    values = 1e6 + np.cumsum(rng.normal(0, 1e-3, 50_000))
    z, period = RollingZScore(40), 40
    got = np.array([z.update(float(v)) or 0.0 for v in values])[period - 1 :]
    windows = sliding_window_view(values, period)
    expected = (values[period - 1 :] - windows.mean(axis=1)) / windows.std(axis=1)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("factory", [SMA, EMA, RollingZScore, PercentileRank])
def test_periods_are_validated(factory: Callable[[int], object]) -> None:
    with pytest.raises(ValueError, match="period"):
        factory(0)
