import base64
import re
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from adapters.reporting.formatting import number, percent
from adapters.reporting.html_report import write_report
from domain.performance import (
    ClosedTrade,
    PerformanceReport,
    compute_report,
    equity_from_returns,
)

HOUR = 3_600_000
START = 1_704_067_200_000  # 2024-01-01T00:00:00Z
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URI = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


def _run() -> tuple[PerformanceReport, np.ndarray, np.ndarray, np.ndarray, list[ClosedTrade]]:
    rng = np.random.default_rng(11)
    size = 24 * 75
    stamps = START + np.arange(size) * HOUR
    equity = equity_from_returns(rng.normal(0.0002, 0.004, size - 1), start=10_000.0)
    prices = 40_000 * np.exp(np.cumsum(rng.normal(0, 0.003, size)))
    trades = [
        ClosedTrade(
            "BTCUSDT", "long", int(stamps[10]), int(stamps[90]), 0.1, 40_100, 41_000, 90, 3
        ),
        ClosedTrade(
            "BTCUSDT", "short", int(stamps[400]), int(stamps[700]), 0.1, 42_000, 41_500, 50, 3
        ),
    ]
    return compute_report(equity, stamps, trades, risk_free=0.02), equity, stamps, prices, trades


RUN = _run()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Render the full report once: charts are the slow part of these tests."""
    folder = tmp_path_factory.mktemp("report")
    report, equity, stamps, prices, trades = RUN
    return write_report(
        folder / "out" / "report.html",
        report,
        equity,
        stamps,
        "Demo <run> & co",
        prices=prices,
        trades=trades,
        png_dir=folder / "charts",
    )


@pytest.fixture(scope="module")
def page(written: list[Path]) -> str:
    return written[0].read_text(encoding="utf-8")


def test_page_shows_the_metric_values(page: str) -> None:
    report = RUN[0]
    assert report.trade_stats is not None
    for value in (
        percent(report.total_return),
        percent(report.cagr),
        percent(report.annual_volatility),
        number(report.sharpe),
        number(report.sortino),
        number(report.calmar),
        percent(report.max_drawdown),
        percent(report.trade_stats.win_rate, 1),
        number(report.trade_stats.profit_factor),
    ):
        assert f'<td class="v">{value}</td>' in page
    assert "<title>Demo &lt;run&gt; &amp; co</title>" in page


def test_page_embeds_decodable_png_charts(page: str) -> None:
    images = DATA_URI.findall(page)
    assert len(images) == 3  # equity, drawdown, price with trades
    assert all(base64.b64decode(image).startswith(PNG_MAGIC) for image in images)


def test_page_has_a_monthly_returns_table(page: str) -> None:
    assert '<table class="heat">' in page
    for month in ("Jan", "Feb", "Mar"):
        assert f"<th>{month}</th>" in page


def test_page_references_nothing_outside_itself(page: str) -> None:
    outside = DATA_URI.sub("data:", page)
    assert not re.search(r"(?i)(https?:|ftp:|//[a-z0-9]|url\()", outside)
    assert not re.search(r'(?i)(src|href)="(?!data:)', outside)
    assert "<link" not in outside
    assert "<script" not in outside


def test_png_files_are_written_when_asked(written: list[Path]) -> None:
    assert written[0].name == "report.html"
    assert sorted(path.name for path in written[1:]) == [
        "drawdown.png",
        "equity.png",
        "monthly.png",
        "price.png",
    ]
    assert all(path.read_bytes().startswith(PNG_MAGIC) for path in written[1:])


def _small(size: int, value: float = 1_000.0) -> tuple[PerformanceReport, np.ndarray, np.ndarray]:
    stamps = START + np.arange(size) * HOUR
    equity = np.full(size, value)
    return compute_report(equity, stamps, None), equity, stamps


def test_without_prices_there_is_no_price_chart(tmp_path: Path) -> None:
    report, equity, stamps = _small(24)
    files = write_report(tmp_path / "r.html", report, equity, stamps, "T", png_dir=tmp_path)
    assert "price.png" not in {path.name for path in files}


def test_prices_must_line_up_with_the_equity(tmp_path: Path) -> None:
    report, equity, stamps = _small(24)
    with pytest.raises(ValueError, match="one price per equity point"):
        write_report(tmp_path / "r.html", report, equity, stamps, "T", prices=equity[:-1])


def test_a_constant_curve_without_trades_still_renders(tmp_path: Path) -> None:
    report, equity, stamps = _small(24)
    [page] = write_report(tmp_path / "flat.html", report, equity, stamps, "Flat")
    text = page.read_text(encoding="utf-8")
    assert '<td class="v">0.00%</td>' in text
    assert '<td>Sharpe ratio</td><td class="v">—</td>' in text


def test_an_empty_curve_renders_a_page_without_charts(tmp_path: Path) -> None:
    report = compute_report([], [], None)
    [page] = write_report(tmp_path / "empty.html", report, [], [], "Empty")
    assert "data:image/png" not in page.read_text(encoding="utf-8")
