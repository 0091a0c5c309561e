"""Write a backtest or analysis as one self-contained HTML file, and optionally PNG charts.

The page carries its CSS inline and its charts as base64 PNG, and links to nothing, so it
can be mailed, archived or opened offline exactly as written.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from adapters.reporting.charts import MONTHS, drawdown_png, equity_png, monthly_png, price_png
from adapters.reporting.formatting import MISSING, metric_sections, number, percent, timestamp
from domain.performance import ClosedTrade, PerformanceReport, monthly_returns

CSS = """
body{margin:0;background:#f5f7fa;color:#1f2933;
 font:14px/1.45 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:28px 24px 48px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:16px;margin:0 0 12px}
.sub{color:#7b8794;margin:0 0 20px}
.card{background:#fff;border:1px solid #e4e7eb;border-radius:8px;padding:16px 18px;
 margin-bottom:16px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;
 margin-bottom:16px}
.kpi{background:#fff;border:1px solid #e4e7eb;border-radius:8px;padding:12px 14px}
.kpi .label{color:#7b8794;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.kpi .value{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
.tables{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
.metrics td{padding:5px 0;border-bottom:1px solid #f0f2f5}
.metrics td.v{text-align:right;font-weight:500}
.heat th,.heat td{padding:6px 4px;text-align:right;font-size:12px;border:1px solid #fff}
.heat th{color:#7b8794;font-weight:500}.heat td.year{font-weight:600}
img{width:100%;height:auto;display:block}
.pos{color:#15803d}.neg{color:#b91c1c}
"""


def write_report(
    path: str | Path,
    report: PerformanceReport,
    equity: npt.ArrayLike,
    timestamps_ms: npt.ArrayLike,
    title: str,
    prices: npt.ArrayLike | None = None,
    trades: Sequence[ClosedTrade] | None = None,
    png_dir: str | Path | None = None,
) -> list[Path]:
    """Write the HTML report to `path`, and the charts as PNG files into `png_dir` if given.

    `prices` is one price per timestamp of the equity curve; with it the report adds a
    price chart marking the `trades`' buys and sells. Returns every file written, the
    HTML first.
    """
    # Validate everything before the slow chart rendering starts.
    months = monthly_returns(equity, timestamps_ms)
    _check_prices(prices, timestamps_ms)
    charts = _charts(report, equity, timestamps_ms, prices, trades or ())
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_page(report, timestamps_ms, title, charts, months), encoding="utf-8")
    if png_dir is None:
        return [target]
    # The page shows the monthly returns as a table; the PNG set gets them as a chart.
    if months:
        charts["monthly"] = monthly_png(months)
    return [target, *_write_pngs(charts, Path(png_dir))]


def _check_prices(prices: npt.ArrayLike | None, timestamps_ms: npt.ArrayLike) -> None:
    if prices is not None and np.size(prices) != np.size(timestamps_ms):
        raise ValueError(
            f"prices has {np.size(prices)} values but timestamps_ms has "
            f"{np.size(timestamps_ms)}; give one price per equity point"
        )


def _charts(
    report: PerformanceReport,
    equity: npt.ArrayLike,
    timestamps_ms: npt.ArrayLike,
    prices: npt.ArrayLike | None,
    trades: Sequence[ClosedTrade],
) -> dict[str, bytes]:
    if np.size(equity) < 2:
        return {}
    charts = {
        "equity": equity_png(equity, timestamps_ms, report.max_drawdown_spell),
        "drawdown": drawdown_png(equity, timestamps_ms),
    }
    if prices is not None:
        charts["price"] = price_png(prices, timestamps_ms, trades)
    return charts


def _write_pngs(charts: dict[str, bytes], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, png in charts.items():
        file = folder / f"{name}.png"
        file.write_bytes(png)
        written.append(file)
    return written


def _page(
    report: PerformanceReport,
    timestamps_ms: npt.ArrayLike,
    title: str,
    charts: dict[str, bytes],
    months: dict[tuple[int, int], float],
) -> str:
    subtitle = (
        f"{timestamp(report.start_ms)} → {timestamp(report.end_ms)} UTC · "
        f"{report.periods:,} periods"
    )
    body = "\n".join(
        [
            f"<h1>{html.escape(title)}</h1>",
            f'<p class="sub">{html.escape(subtitle)}</p>',
            _kpis(report),
            _tables(report, timestamps_ms),
            *(_image(name, png) for name, png in charts.items()),
            _heat_table(months),
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _kpis(report: PerformanceReport) -> str:
    tiles = [
        ("Total return", percent(report.total_return)),
        ("CAGR", percent(report.cagr)),
        ("Sharpe", number(report.sharpe)),
        ("Max drawdown", percent(report.max_drawdown)),
    ]
    if report.trade_stats is not None:
        tiles.append(("Win rate", percent(report.trade_stats.win_rate, 1)))
    cells = "".join(
        f'<div class="kpi"><div class="label">{label}</div><div class="value">{value}</div></div>'
        for label, value in tiles
    )
    return f'<section class="kpis">{cells}</section>'


def _tables(report: PerformanceReport, timestamps_ms: npt.ArrayLike) -> str:
    cards = []
    for section, rows in metric_sections(report, timestamps_ms):
        lines = "".join(
            f'<tr><td>{html.escape(label)}</td><td class="v">{html.escape(value)}</td></tr>'
            for label, value in rows
        )
        cards.append(
            f'<div class="card"><h2>{section}</h2><table class="metrics">{lines}</table></div>'
        )
    return f'<section class="tables">{"".join(cards)}</section>'


def _image(name: str, png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    image = f'<img alt="{name} chart" src="data:image/png;base64,{data}">'
    return f'<section class="card">{image}</section>'


def _heat_table(months: dict[tuple[int, int], float]) -> str:
    if not months:
        return ""
    scale = max(abs(value) for value in months.values()) or 1.0
    header = "".join(f"<th>{name}</th>" for name in (*MONTHS, "Year"))
    rows = []
    for year in sorted({year for year, _ in months}):
        cells = "".join(_heat_cell(months.get((year, month)), scale) for month in range(1, 13))
        growth = float(np.prod([1.0 + v for (y, _), v in months.items() if y == year])) - 1.0
        rows.append(
            f'<tr><th>{year}</th>{cells}<td class="year {_sign(growth)}">'
            f"{percent(growth, 1)}</td></tr>"
        )
    return (
        '<section class="card"><h2>Monthly returns</h2><table class="heat">'
        f"<tr><th></th>{header}</tr>{''.join(rows)}</table></section>"
    )


def _heat_cell(value: float | None, scale: float) -> str:
    if value is None:
        return f"<td>{MISSING}</td>"
    # Shade by size relative to the largest month, so the table reads like a heat map.
    alpha = 0.08 + 0.5 * min(abs(value) / scale, 1.0)
    rgb = "21,128,61" if value >= 0 else "185,28,28"
    return f'<td style="background:rgba({rgb},{alpha:.2f})">{percent(value, 1)}</td>'


def _sign(value: float) -> str:
    return "pos" if value > 0 else "neg" if value < 0 else ""
