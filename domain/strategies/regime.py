"""Market regimes per symbol, and the allocator that weights strategies by regime.

Classification, on each closed bar once the indicators are warm:

1. HIGH_VOLATILITY when the percentile rank of realised volatility (log returns over
   `vol_period` bars, ranked among the last `vol_rank_period` readings) is at least
   `high_vol_rank` and that volatility is at least `high_vol_ratio` times the window's
   median: whatever the direction, risk comes first. The ratio matters because a rank
   alone sits in its top decile a tenth of the time even in a perfectly calm market;
2. otherwise TRENDING when ADX is at least `trend_adx`; a symbol already TRENDING stays
   so until ADX drops below `trend_adx - adx_hysteresis`, so a reading hovering around
   the threshold does not flip the label every bar;
3. otherwise RANGING.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from domain.market.candles import Candle, Timeframe
from domain.market.indicators import ADX, PercentileRank, RealizedVolatility
from domain.strategies.base import Signal, accepts, check_symbols


class Regime(StrEnum):
    """What kind of market a symbol is in."""

    TRENDING = "TRENDING"
    RANGING = "RANGING"
    HIGH_VOLATILITY = "HIGH_VOLATILITY"


class RegimeParams(BaseModel):
    """Thresholds of the `RegimeDetector`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeframe: Timeframe = Timeframe.H1
    adx_period: int = Field(default=14, ge=2, le=500)
    trend_adx: float = Field(default=25.0, gt=0, lt=100, description="ADX that means trend")
    adx_hysteresis: float = Field(
        default=2.0, validate_default=True, ge=0, lt=50, description="ADX points"
    )
    vol_period: int = Field(default=20, ge=2, le=5000, description="realised vol window")
    vol_rank_period: int = Field(default=200, ge=10, le=50_000, description="rank window")
    high_vol_rank: float = Field(default=0.9, gt=0, le=1, description="vol percentile")
    high_vol_ratio: float = Field(default=1.5, ge=1, le=100, description="vol / median vol")

    @field_validator("adx_hysteresis")
    @classmethod
    def _below_trend_adx(cls, hysteresis: float, info: ValidationInfo) -> float:
        if hysteresis >= info.data.get("trend_adx", math.inf):
            raise ValueError("adx_hysteresis must be below trend_adx")
        return hysteresis


def classify(
    adx: float, vol_rank: float, vol_ratio: float, previous: Regime | None, p: RegimeParams
) -> Regime:
    """Return the regime for ADX and for volatility's rank and ratio to its median."""
    if vol_rank >= p.high_vol_rank and vol_ratio >= p.high_vol_ratio:
        return Regime.HIGH_VOLATILITY
    threshold = p.trend_adx
    if previous is Regime.TRENDING:
        threshold -= p.adx_hysteresis
    return Regime.TRENDING if adx >= threshold else Regime.RANGING


class _SymbolRegime:
    __slots__ = ("adx", "rank", "regime", "vol")

    def __init__(self, p: RegimeParams) -> None:
        self.adx = ADX(p.adx_period)
        self.vol = RealizedVolatility(p.vol_period)
        self.rank = PercentileRank(p.vol_rank_period)
        self.regime: Regime | None = None

    def update(self, candle: Candle, p: RegimeParams) -> Regime | None:
        adx = self.adx.update(candle.high, candle.low, candle.close)
        vol = self.vol.update(candle.close)
        rank = None if vol is None else self.rank.update(vol)
        median = self.rank.quantile(0.5)
        if adx is None or vol is None or rank is None or median is None:
            return self.regime
        ratio = vol / median if median > 0.0 else math.inf
        self.regime = classify(adx, rank, ratio, self.regime, p)
        return self.regime


class RegimeDetector:
    """Label each symbol TRENDING, RANGING or HIGH_VOLATILITY from its closed bars."""

    def __init__(self, symbols: Sequence[str], params: RegimeParams | None = None) -> None:
        self.symbols = check_symbols(tuple(symbols))
        self.params = params or RegimeParams()
        self._by_symbol = {s: _SymbolRegime(self.params) for s in self.symbols}

    def update(self, candle: Candle) -> Regime | None:
        """Take a closed bar; return the symbol's regime, None while warming up."""
        if not accepts(candle, self.symbols, self.params.timeframe):
            return None
        return self._by_symbol[candle.symbol].update(candle, self.params)

    def regime(self, symbol: str) -> Regime | None:
        return self._by_symbol[symbol].regime

    def state(self) -> dict[str, float | str]:
        """Return ADX, ±DI, volatility, its rank and the regime of every symbol."""
        out: dict[str, float | str] = {}
        for symbol, s in self._by_symbol.items():
            values = {
                "adx": s.adx.value,
                "plus_di": s.adx.plus_di,
                "minus_di": s.adx.minus_di,
                "realized_vol": s.vol.value,
                "vol_rank": s.rank.value,
            }
            out.update({f"{symbol}.{k}": v for k, v in values.items() if v is not None})
            if s.regime is not None:
                out[f"{symbol}.regime"] = s.regime.value
        return out


Weights = Mapping[Regime, Mapping[str, float]]


def default_weights(high_vol_scale: float = 0.25) -> dict[Regime, dict[str, float]]:
    """Return the default allocation: each strategy gets half the book in its regime.

    Trend and breakout share TRENDING, mean reversion and pairs share RANGING, and in
    HIGH_VOLATILITY all four keep their half scaled by `high_vol_scale`.
    """
    if not 0.0 <= high_vol_scale <= 1.0:
        raise ValueError("high_vol_scale must be in [0, 1]")
    everyone = ("trend", "breakout", "mean_reversion", "pairs")
    return {
        Regime.TRENDING: {"trend": 0.5, "breakout": 0.5},
        Regime.RANGING: {"mean_reversion": 0.5, "pairs": 0.5},
        Regime.HIGH_VOLATILITY: dict.fromkeys(everyone, 0.5 * high_vol_scale),
    }


class RegimeAllocator:
    """Combine strategy targets into one target per symbol, weighted by regime.

    combined(symbol) = clip(Σ_strategies weight[regime][strategy] · target, -1, 1).
    A multi-leg signal is weighted by the regime of its first leg for every leg, so a
    hedge is never broken by its legs being in different regimes. A symbol whose regime
    is not known yet gets weight 0: nothing trades before the detector is warm.
    """

    def __init__(self, weights: Weights | None = None) -> None:
        self._weights = _checked(default_weights() if weights is None else weights)
        self._regimes: dict[str, Regime] = {}
        # symbol -> strategy -> (target, symbol whose regime weights it)
        self._targets: dict[str, dict[str, tuple[float, str]]] = {}

    def weight(self, regime: Regime | None, strategy: str) -> float:
        """Return the weight of a strategy in a regime (0 when disabled or unknown)."""
        return 0.0 if regime is None else self._weights.get(regime, {}).get(strategy, 0.0)

    def enabled(self, regime: Regime) -> frozenset[str]:
        """Return the strategies that trade in a regime."""
        return frozenset(name for name, w in self._weights.get(regime, {}).items() if w > 0)

    def on_regime(self, symbol: str, regime: Regime) -> dict[str, float]:
        """Record a symbol's regime; return the combined targets it changed the weights of."""
        self._regimes[symbol] = regime
        touched = {
            leg
            for leg, by_strategy in self._targets.items()
            if any(anchor == symbol for _, anchor in by_strategy.values())
        }
        return {leg: self.target(leg) for leg in sorted(touched)}

    def on_signal(self, strategy: str, signal: Signal) -> dict[str, float]:
        """Record a strategy's signal; return the new combined target of each symbol it set."""
        for symbol, target in signal.targets():
            self._targets.setdefault(symbol, {})[strategy] = (target, signal.symbol)
        return {symbol: self.target(symbol) for symbol, _ in signal.targets()}

    def target(self, symbol: str) -> float:
        """Return the combined target of a symbol, in [-1, 1]."""
        total = math.fsum(
            self.weight(self._regimes.get(anchor), strategy) * target
            for strategy, (target, anchor) in self._targets.get(symbol, {}).items()
        )
        return min(1.0, max(-1.0, total))

    def targets(self) -> dict[str, float]:
        """Return the combined target of every symbol any strategy has set."""
        return {symbol: self.target(symbol) for symbol in self._targets}


def _checked(weights: Weights) -> dict[Regime, dict[str, float]]:
    checked: dict[Regime, dict[str, float]] = {}
    for regime, by_strategy in weights.items():
        for name, weight in by_strategy.items():
            if not (math.isfinite(weight) and weight >= 0.0):
                raise ValueError(f"weight of {name} in {regime} must be >= 0, got {weight}")
        checked[Regime(regime)] = dict(by_strategy)
    return checked
