"""Render the report's charts to PNG bytes with matplotlib's Agg canvas.

Figures are built from `matplotlib.figure.Figure` and drawn by `FigureCanvasAgg`, never
through pyplot, so no global backend or figure registry is touched and nothing needs a
display.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from adapters.reporting.formatting import percent
from domain.performance import ClosedTrade, Drawdown, drawdown_series

INK = "#1f2933"
MUTED = "#7b8794"
GRID = "#e4e7eb"
BLUE = "#2563eb"
GREEN = "#15803d"
RED = "#b91c1c"
WIDTH = 10.0
DPI = 120
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_AMOUNT = FuncFormatter(lambda y, _: f"{y:,.0f}" if abs(y) >= 100 else f"{y:,.4g}")

Fill = tuple[int, float]


def equity_png(
    equity: npt.ArrayLike, timestamps_ms: npt.ArrayLike, spell: Drawdown | None = None
) -> bytes:
    """Draw the equity curve, shading the deepest drawdown from its peak to its recovery."""
    dates, values = _dates(timestamps_ms), np.asarray(equity, dtype=float)
    figure, axes = _time_figure("Equity")
    axes.plot(dates, values, color=BLUE, linewidth=1.3)
    axes.fill_between(dates, values, values.min(), color=BLUE, alpha=0.06)
    if spell is not None:
        end = spell.recovery if spell.recovery is not None else values.size - 1
        label = f"Max drawdown {spell.depth:.1%}"
        axes.axvspan(dates[spell.start], dates[end], color=RED, alpha=0.07, lw=0, label=label)
        axes.plot(dates[spell.trough], values[spell.trough], "o", color=RED, markersize=4)
        axes.legend(loc="upper left", frameon=False, fontsize=8)
    axes.yaxis.set_major_formatter(_AMOUNT)
    return _png(figure)


def drawdown_png(equity: npt.ArrayLike, timestamps_ms: npt.ArrayLike) -> bytes:
    """Draw the underwater curve: how far below its running peak the equity stood."""
    dates, under = _dates(timestamps_ms), drawdown_series(equity)
    figure, axes = _time_figure("Drawdown")
    axes.fill_between(dates, under, 0.0, color=RED, alpha=0.25, linewidth=0)
    axes.plot(dates, under, color=RED, linewidth=0.9)
    axes.set_ylim(top=0.0)
    axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    return _png(figure)


def price_png(
    prices: npt.ArrayLike, timestamps_ms: npt.ArrayLike, trades: Sequence[ClosedTrade]
) -> bytes:
    """Draw the price with a green triangle at every buy and a red one at every sell.

    A long buys at entry and sells at exit; a short does the reverse.
    """
    figure, axes = _time_figure("Price and trades")
    axes.plot(_dates(timestamps_ms), np.asarray(prices, dtype=float), color=INK, linewidth=0.9)
    axes.yaxis.set_major_formatter(_AMOUNT)
    buys, sells = _fills(trades)
    _markers(axes, buys, "^", GREEN, "Buy")
    _markers(axes, sells, "v", RED, "Sell")
    if trades:
        axes.legend(loc="upper left", frameon=False, fontsize=8)
    return _png(figure)


def monthly_png(months: dict[tuple[int, int], float]) -> bytes:
    """Draw monthly returns as a heat map, one row per year, each cell labelled."""
    years = sorted({year for year, _ in months})
    grid = np.full((len(years), 12), np.nan)
    for (year, month), value in months.items():
        grid[years.index(year), month - 1] = value
    scale = float(np.nanmax(np.abs(grid))) if months else 0.0
    figure, axes = _figure("Monthly returns", height=1.0 + 0.42 * max(len(years), 1))
    axes.imshow(grid, cmap="RdYlGn", vmin=-scale or -1.0, vmax=scale or 1.0, aspect="auto")
    for (row, col), value in np.ndenumerate(grid):
        if not np.isnan(value):
            # Dark cells at the ends of the colour map need light text to stay legible.
            ink = "white" if abs(value) > 0.7 * scale else INK
            axes.text(col, row, percent(value, 1), ha="center", va="center", fontsize=8, color=ink)
    axes.set_xticks(range(12), MONTHS)
    axes.set_yticks(range(len(years)), [str(year) for year in years])
    axes.tick_params(length=0, labelsize=8, labelcolor=INK)
    for spine in axes.spines.values():
        spine.set_visible(False)
    return _png(figure)


def _fills(trades: Sequence[ClosedTrade]) -> tuple[list[Fill], list[Fill]]:
    buys: list[Fill] = []
    sells: list[Fill] = []
    for trade in trades:
        opening, closing = (buys, sells) if trade.side == "long" else (sells, buys)
        opening.append((trade.entry_ts, trade.entry_price))
        closing.append((trade.exit_ts, trade.exit_price))
    return buys, sells


def _markers(axes: Axes, fills: list[Fill], marker: str, color: str, label: str) -> None:
    if not fills:
        return
    stamps, prices = zip(*fills, strict=True)
    axes.scatter(
        _dates(stamps),
        prices,
        marker=marker,
        color=color,
        s=46,
        zorder=3,
        edgecolors="white",
        linewidths=0.6,
        label=label,
    )


def _dates(timestamps_ms: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    return np.asarray(timestamps_ms, dtype=np.int64).astype("datetime64[ms]")


def _figure(title: str, height: float = 3.4) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(title, loc="left", fontsize=11, fontweight="bold", color=INK)
    return figure, axes


def _time_figure(title: str) -> tuple[Figure, Axes]:
    figure, axes = _figure(title)
    axes.grid(True, color=GRID, linewidth=0.7)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(MUTED)
    axes.tick_params(colors=MUTED, labelsize=8, labelcolor=INK)
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.margins(x=0.01)
    return figure, axes


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor="white")
    return buffer.getvalue()
