"""Deterministic synthetic 1m candles for several correlated symbols.

The model, per minute t and symbol i:

* a Markov chain moves the whole market between CALM, TRENDING and VOLATILE regimes;
  each regime lasts a geometric number of minutes and scales volatility, and a TRENDING
  regime adds a drift whose sign is drawn when the regime starts;
* shocks z are multivariate Student-t (one chi-square draw shared by all symbols, so
  tails arrive together), correlated through an equicorrelation matrix and scaled to
  unit variance;
* GARCH(1,1) on the standardised shocks clusters volatility:
  h[t] = ω + α·h[t-1]·z[t-1]² + β·h[t-1], with ω chosen so E[h] = minute_vol²;
* log close moves by drift + regime_scale·√h·z; the open is the previous close; the wicks
  extend beyond the body by half-normal excursions, so OHLC is always consistent.

Each component draws from its own stream spawned from the seed, and minutes are generated
in fixed blocks, so the same seed gives the same candles from `generate` and from
`generate_arrays`, bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from domain.market.candles import MINUTE_MS, Candle, Timeframe

FloatArray = npt.NDArray[np.float64]
BLOCK = 1024


class MarketRegime(IntEnum):
    """The hidden state of the synthetic market."""

    CALM = 0
    TRENDING = 1
    VOLATILE = 2


@dataclass(frozen=True, slots=True)
class SyntheticParams:
    """Knobs of the generator; the defaults look roughly like crypto majors on 1m bars."""

    minute_vol: float = 0.0008
    garch_alpha: float = 0.05
    garch_beta: float = 0.94
    dof: float = 4.0
    correlation: float = 0.7
    vol_scale: tuple[float, float, float] = (0.6, 1.0, 2.5)  # CALM, TRENDING, VOLATILE
    mean_minutes: tuple[float, float, float] = (720.0, 480.0, 120.0)
    # Where the chain goes when a regime ends, one row per current regime.
    next_regime: tuple[tuple[float, float, float], ...] = (
        (0.0, 0.6, 0.4),
        (0.6, 0.0, 0.4),
        (0.5, 0.5, 0.0),
    )
    trend_drift: float = 0.15  # per-minute drift while trending, in units of minute_vol
    wick: float = 0.5  # scale of the excursion beyond the body, in units of the bar's σ
    base_volume: float = 100.0
    volume_noise: float = 0.3

    def __post_init__(self) -> None:
        _check(self.minute_vol > 0, "minute_vol must be > 0")
        _check(self.garch_alpha >= 0 and self.garch_beta >= 0, "GARCH terms must be >= 0")
        _check(self.garch_alpha + self.garch_beta < 1, "garch_alpha + garch_beta must be < 1")
        _check(self.dof > 2, "dof must be > 2 for a finite variance")
        _check(-1 < self.correlation < 1, "correlation must be in (-1, 1)")
        _check(all(s > 0 for s in self.vol_scale), "vol_scale must be > 0")
        _check(all(m >= 1 for m in self.mean_minutes), "mean_minutes must be >= 1")
        _check(len(self.next_regime) == 3, "next_regime needs one row per regime")
        for i, row in enumerate(self.next_regime):
            _check(len(row) == 3 and min(row) >= 0 and row[i] == 0, "bad next_regime row")
            _check(math.isclose(sum(row), 1.0), "next_regime rows must sum to 1")
        _check(
            self.wick >= 0 and self.base_volume > 0 and self.volume_noise >= 0,
            "wick, base_volume and volume_noise must be non-negative",
        )


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


@dataclass(frozen=True, slots=True, eq=False)
class SyntheticArrays:
    """Generated bars as arrays: prices and volumes are (minutes, symbols)."""

    symbols: tuple[str, ...]
    open_time: npt.NDArray[np.int64]
    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray
    volume: FloatArray
    quote_volume: FloatArray
    regime: npt.NDArray[np.int8]

    def candles(self) -> Iterator[Candle]:
        """Yield the bars as closed 1m Candles, in time order, symbols in given order."""
        columns = [
            a.tolist()
            for a in (self.open, self.high, self.low, self.close, self.volume, self.quote_volume)
        ]
        for t, open_time in enumerate(self.open_time.tolist()):
            for j, symbol in enumerate(self.symbols):
                o, h, lo, c, v, q = (column[t][j] for column in columns)
                yield Candle(symbol, Timeframe.M1, open_time, o, h, lo, c, v, q, True)


def generate(
    symbols: Sequence[str],
    start_ms: int,
    minutes: int,
    seed: int,
    base_prices: Mapping[str, float],
    params: SyntheticParams | None = None,
) -> Iterator[Candle]:
    """Yield `minutes` closed 1m candles per symbol in time order, one block in memory."""
    engine = _Engine(symbols, start_ms, seed, base_prices, params or SyntheticParams())
    for n in _blocks(minutes):
        yield from engine.block(n).candles()


def generate_arrays(
    symbols: Sequence[str],
    start_ms: int,
    minutes: int,
    seed: int,
    base_prices: Mapping[str, float],
    params: SyntheticParams | None = None,
) -> SyntheticArrays:
    """Return the same bars as `generate`, as numpy arrays, for big vectorised runs."""
    engine = _Engine(symbols, start_ms, seed, base_prices, params or SyntheticParams())
    parts = [engine.block(n) for n in _blocks(minutes)] or [engine.block(0)]

    def cat(name: str) -> FloatArray:
        joined: FloatArray = np.concatenate([getattr(p, name) for p in parts])
        return joined

    return SyntheticArrays(
        engine.symbols,
        np.concatenate([p.open_time for p in parts]),
        cat("open"),
        cat("high"),
        cat("low"),
        cat("close"),
        cat("volume"),
        cat("quote_volume"),
        np.concatenate([p.regime for p in parts]),
    )


def _blocks(minutes: int) -> Iterator[int]:
    if minutes < 0:
        raise ValueError("minutes must be >= 0")
    full, rest = divmod(minutes, BLOCK)
    yield from [BLOCK] * full
    if rest:
        yield rest


class _Engine:
    """The generator's state between blocks."""

    def __init__(
        self,
        symbols: Sequence[str],
        start_ms: int,
        seed: int,
        base_prices: Mapping[str, float],
        params: SyntheticParams,
    ) -> None:
        self.symbols = _check_symbols(symbols, base_prices)
        _check(start_ms >= 0 and start_ms % MINUTE_MS == 0, "start_ms must be minute-aligned")
        self.p = params
        streams = np.random.SeedSequence(seed).spawn(4)
        self.shocks, self.tails, self.chain, self.bars = (np.random.default_rng(s) for s in streams)
        k = len(self.symbols)
        self.cholesky = np.linalg.cholesky(_equicorrelation(k, params.correlation))
        self.next_open = start_ms
        self.log_close = np.log(np.array([base_prices[s] for s in self.symbols], dtype=float))
        self.h = np.full(k, params.minute_vol**2)
        self.last_z = np.zeros(k)
        self.regime = MarketRegime.CALM
        self.direction = 0.0
        self.left = self._duration()

    def block(self, n: int) -> SyntheticArrays:
        regime, drift = self._regimes(n)
        z = self._shocks(n)
        sigma = np.sqrt(self._garch(z)) * np.asarray(self.p.vol_scale)[regime][:, None]
        returns = drift[:, None] + sigma * z
        log_close = self.log_close + np.cumsum(returns, axis=0)
        log_open = np.vstack([self.log_close[None, :], log_close[:-1]])
        self.log_close = log_close[-1] if n else self.log_close
        open_time = self.next_open + MINUTE_MS * np.arange(n, dtype=np.int64)
        self.next_open += n * MINUTE_MS
        return self._bars(open_time, np.exp(log_open), np.exp(log_close), sigma, regime)

    def _shocks(self, n: int) -> FloatArray:
        dof = self.p.dof
        normal = self.shocks.standard_normal((n, len(self.symbols))) @ self.cholesky.T
        mixing = np.sqrt(self.tails.chisquare(dof, size=n) / dof)
        z: FloatArray = normal / mixing[:, None] * math.sqrt((dof - 2) / dof)
        return z

    def _garch(self, z: FloatArray) -> FloatArray:
        # h[t] = ω + a[t]·h[t-1] with a[t] = α·z[t-1]² + β is linear in h, so the block is
        # solved in closed form with cumulative sums of log a instead of a Python loop.
        p = self.p
        omega = p.minute_vol**2 * (1 - p.garch_alpha - p.garch_beta)
        previous = np.vstack([self.last_z[None, :], z[:-1]])
        log_a = np.cumsum(np.log(p.garch_alpha * previous**2 + p.garch_beta), axis=0)
        h: FloatArray = np.exp(log_a) * (self.h + omega * np.cumsum(np.exp(-log_a), axis=0))
        if len(z):
            self.h, self.last_z = h[-1], z[-1]
        return h

    def _regimes(self, n: int) -> tuple[npt.NDArray[np.intp], FloatArray]:
        regime = np.empty(n, dtype=np.intp)
        drift = np.empty(n)
        step = self.p.trend_drift * self.p.minute_vol
        i = 0
        while i < n:
            take = min(self.left, n - i)
            regime[i : i + take] = self.regime
            drift[i : i + take] = self.direction * step
            i += take
            self.left -= take
            if self.left == 0:
                self._switch()
        return regime, drift

    def _switch(self) -> None:
        row = self.p.next_regime[self.regime]
        self.regime = MarketRegime(int(self.chain.choice(3, p=row)))
        trending = self.regime is MarketRegime.TRENDING
        self.direction = float(self.chain.choice((-1.0, 1.0))) if trending else 0.0
        self.left = self._duration()

    def _duration(self) -> int:
        return int(self.chain.geometric(1.0 / self.p.mean_minutes[self.regime]))

    def _bars(
        self,
        open_time: npt.NDArray[np.int64],
        opens: FloatArray,
        closes: FloatArray,
        sigma: FloatArray,
        regime: npt.NDArray[np.intp],
    ) -> SyntheticArrays:
        p = self.p
        wicks = np.abs(self.bars.standard_normal((2, *opens.shape))) * p.wick * sigma
        high = np.maximum(opens, closes) * np.exp(wicks[0])
        low = np.minimum(opens, closes) * np.exp(-wicks[1])
        noise = self.bars.standard_normal(opens.shape) * p.volume_noise
        activity = sigma / p.minute_vol  # busier tape when the market moves more
        volume = p.base_volume * activity * np.exp(noise - p.volume_noise**2 / 2)
        quote = volume * (high + low + closes) / 3.0
        return SyntheticArrays(
            self.symbols,
            open_time,
            opens,
            high,
            low,
            closes,
            volume,
            quote,
            regime.astype(np.int8),
        )


def _check_symbols(symbols: Sequence[str], base_prices: Mapping[str, float]) -> tuple[str, ...]:
    names = tuple(symbols)
    _check(bool(names) and len(set(names)) == len(names), "symbols must be unique, non-empty")
    for name in names:
        price = base_prices.get(name)
        _check(
            price is not None and math.isfinite(price) and price > 0,
            f"base price of {name} must be a positive number",
        )
    return names


def _equicorrelation(k: int, rho: float) -> FloatArray:
    if k > 1 and rho <= -1.0 / (k - 1):
        raise ValueError(f"correlation {rho} is not valid for {k} symbols")
    matrix: FloatArray = np.full((k, k), rho) + (1.0 - rho) * np.eye(k)
    return matrix
