"""Inputs and outputs of the portfolio optimisers: the market model, weight
constraints and an optimal portfolio with its performance figures."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from domain.portfolio.errors import PortfolioInputError
from domain.risk.checks import covariance_matrix, finite, positive, vector

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class MarketModel:
    """Expected returns and covariance of a set of assets, in one period."""

    assets: tuple[str, ...]
    expected_returns: FloatArray
    covariance: FloatArray

    def __post_init__(self) -> None:
        assets = tuple(self.assets)
        if not assets or len(set(assets)) != len(assets) or not all(assets):
            raise PortfolioInputError("assets", "must be non-empty, unique and named")
        mu = vector(self.expected_returns, "expected_returns", PortfolioInputError)
        cov = covariance_matrix(self.covariance, "covariance", PortfolioInputError)
        if not mu.size == cov.shape[0] == len(assets):
            raise PortfolioInputError(
                "covariance",
                f"sizes differ: {len(assets)} assets, {mu.size} returns, covariance {cov.shape}",
            )
        _require_psd(cov)
        object.__setattr__(self, "assets", assets)
        object.__setattr__(self, "expected_returns", _frozen(mu))
        object.__setattr__(self, "covariance", _frozen(cov))

    @classmethod
    def of(
        cls, assets: Sequence[str], expected_returns: ArrayLike, covariance: ArrayLike
    ) -> MarketModel:
        """Build a model from any array-likes."""
        return cls(
            tuple(assets),
            np.asarray(expected_returns, dtype=np.float64),
            np.asarray(covariance, dtype=np.float64),
        )


@dataclass(frozen=True, slots=True)
class WeightConstraints:
    """Bounds on each weight and an optional cap on gross leverage sum |w|.

    `lower` and `upper` apply to every asset unless `per_asset` gives that asset its own
    (lower, upper); use -inf/inf for no bound. `gross_leverage` of None means no cap.
    """

    lower: float = 0.0
    upper: float = 1.0
    gross_leverage: float | None = None
    per_asset: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _bound_pair(self.lower, self.upper, "lower")
        for asset, (low, high) in self.per_asset.items():
            _bound_pair(low, high, f"per_asset[{asset!r}]")
        if self.gross_leverage is not None:
            positive(self.gross_leverage, "gross_leverage", PortfolioInputError)

    @classmethod
    def long_only(cls, max_weight: float = 1.0) -> WeightConstraints:
        """Return no shorts and at most `max_weight` per asset."""
        return cls(0.0, max_weight)

    @classmethod
    def long_short(
        cls, gross_leverage: float | None = None, max_abs_weight: float = math.inf
    ) -> WeightConstraints:
        """Return shorts allowed, |w_i| <= `max_abs_weight` and sum |w| <= `gross_leverage`."""
        return cls(-max_abs_weight, max_abs_weight, gross_leverage)

    def bounds_for(self, assets: Sequence[str]) -> tuple[FloatArray, FloatArray]:
        """Return the (lower, upper) bound arrays in the order of `assets`."""
        unknown = sorted(set(self.per_asset) - set(assets))
        if unknown:
            raise PortfolioInputError("per_asset", f"names unknown assets {unknown}")
        pairs = [self.per_asset.get(a, (self.lower, self.upper)) for a in assets]
        lower = np.array([p[0] for p in pairs], dtype=np.float64)
        upper = np.array([p[1] for p in pairs], dtype=np.float64)
        return lower, upper


@dataclass(frozen=True, slots=True)
class OptimalPortfolio:
    """Weights of a portfolio and its expected return, volatility and Sharpe ratio."""

    weights: dict[str, float]
    expected_return: float
    volatility: float
    sharpe: float

    def __post_init__(self) -> None:
        finite(self.expected_return, "expected_return", PortfolioInputError)
        if finite(self.volatility, "volatility", PortfolioInputError) < 0.0:
            raise PortfolioInputError("volatility", f"must be >= 0, got {self.volatility}")


def performance(
    model: MarketModel, weights: Mapping[str, float], risk_free_rate: float = 0.0
) -> OptimalPortfolio:
    """Return the expected return, volatility and Sharpe ratio of given weights."""
    w = weight_vector(model, weights)
    return portfolio_of(model, w, finite(risk_free_rate, "risk_free_rate", PortfolioInputError))


def risk_contributions(model: MarketModel, weights: Mapping[str, float]) -> dict[str, float]:
    """Return each asset's share w_i (S w)_i / w'S w of the portfolio variance (sums to 1)."""
    w = weight_vector(model, weights)
    variance = float(w @ model.covariance @ w)
    if variance <= 0.0:
        raise PortfolioInputError("weights", "a portfolio without variance has no contributions")
    shares = w * (model.covariance @ w) / variance
    return dict(zip(model.assets, shares.tolist(), strict=True))


def weight_vector(model: MarketModel, weights: Mapping[str, float]) -> FloatArray:
    """Return `weights` as an array in the model's asset order."""
    if set(weights) != set(model.assets):
        raise PortfolioInputError("weights", "must name exactly the model's assets")
    return np.array(
        [finite(weights[a], f"weights[{a!r}]", PortfolioInputError) for a in model.assets],
        dtype=np.float64,
    )


def portfolio_of(model: MarketModel, weights: FloatArray, rate: float) -> OptimalPortfolio:
    """Return the portfolio holding `weights` (model order) with its performance figures."""
    expected = float(model.expected_returns @ weights)
    vol = math.sqrt(max(float(weights @ model.covariance @ weights), 0.0))
    sharpe = (expected - rate) / vol if vol > 0.0 else math.nan
    return OptimalPortfolio(
        dict(zip(model.assets, weights.tolist(), strict=True)), expected, vol, sharpe
    )


def _bound_pair(low: float, high: float, name: str) -> None:
    if math.isnan(low) or math.isnan(high) or low > high:
        raise PortfolioInputError(name, f"needs lower <= upper, got ({low}, {high})")


def _require_psd(cov: FloatArray) -> None:
    smallest = float(np.linalg.eigvalsh(cov)[0])
    if smallest < -1e-10 * max(float(np.max(np.abs(cov))), 1e-300):
        raise PortfolioInputError("covariance", f"is not positive semi-definite ({smallest:g})")


def _frozen(array: FloatArray) -> FloatArray:
    copy = np.array(array, dtype=np.float64)
    copy.setflags(write=False)
    return copy
