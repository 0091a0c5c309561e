from pathlib import Path

import numpy as np
import pytest

from adapters.reporting.series_io import read_equity_csv, read_returns_csv
from domain.errors import InvalidInput

DAY = 86_400_000
JAN_1 = 1_704_067_200_000  # 2024-01-01T00:00:00Z


def _csv(tmp_path: Path, text: str, name: str = "series.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "times",
    [
        ["2024-01-01", "2024-01-02", "2024-01-03"],
        ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z"],
        ["2024-01-01 01:00:00+01:00", "2024-01-02 01:00:00+01:00", "2024-01-03 01:00:00+01:00"],
        [str(JAN_1 // 1000 + d * 86_400) for d in range(3)],
        [str(JAN_1 + d * DAY) for d in range(3)],
        [f"{(JAN_1 + d * DAY) * 1_000}" for d in range(3)],
        [f"{(JAN_1 + d * DAY) * 1_000_000}" for d in range(3)],
        [f"{JAN_1 / 1000 + d * 86_400:.1f}" for d in range(3)],
    ],
    ids=["date", "iso-z", "iso-offset", "epoch-s", "epoch-ms", "epoch-us", "epoch-ns", "s-float"],
)
def test_time_formats_are_detected(tmp_path: Path, times: list[str]) -> None:
    lines = ["date,equity", *(f"{t},{100 + i}" for i, t in enumerate(times))]
    stamps, values = read_equity_csv(_csv(tmp_path, "\n".join(lines) + "\n"))
    assert stamps.dtype == np.int64
    assert stamps.tolist() == [JAN_1, JAN_1 + DAY, JAN_1 + 2 * DAY]
    assert values.tolist() == [100.0, 101.0, 102.0]


def test_columns_are_found_by_name_among_others(tmp_path: Path) -> None:
    text = "symbol,Timestamp,fees,Equity\nBTC,2024-01-01,1,10\nBTC,2024-01-02,1,11\n"
    stamps, values = read_equity_csv(_csv(tmp_path, text))
    assert stamps.tolist() == [JAN_1, JAN_1 + DAY]
    assert values.tolist() == [10.0, 11.0]


def test_columns_can_be_named_by_the_caller(tmp_path: Path) -> None:
    text = "when,a,b\n2024-01-01,1,10\n2024-01-02,2,20\n"
    stamps, values = read_equity_csv(_csv(tmp_path, text), time_column="when", value_column="B")
    assert stamps.tolist() == [JAN_1, JAN_1 + DAY]
    assert values.tolist() == [10.0, 20.0]
    with pytest.raises(InvalidInput, match=r"has no column 'c'; columns are \['when', 'a', 'b'\]"):
        read_equity_csv(_csv(tmp_path, text), value_column="c")


def test_an_unnamed_two_column_file_needs_no_header(tmp_path: Path) -> None:
    stamps, values = read_equity_csv(_csv(tmp_path, f"{JAN_1},5\n{JAN_1 + DAY},6\n"))
    assert stamps.tolist() == [JAN_1, JAN_1 + DAY]
    assert values.tolist() == [5.0, 6.0]


def test_semicolons_a_bom_and_blank_lines_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text("\ufeffdate;equity\n\n2024-01-01;1.5\n2024-01-02;1.6\n\n", encoding="utf-8")
    assert read_equity_csv(path)[1].tolist() == [1.5, 1.6]


def test_returns_accept_fractions_and_percentages(tmp_path: Path) -> None:
    text = "date,return\n2024-01-01,0.01\n2024-01-02,-2.5%\n2024-01-03, 0 \n"
    _, values = read_returns_csv(_csv(tmp_path, text))
    assert values == pytest.approx([0.01, -0.025, 0.0])


def test_an_ambiguous_value_column_is_reported(tmp_path: Path) -> None:
    text = "date,a,b\n2024-01-01,1,2\n"
    with pytest.raises(InvalidInput, match=r"cannot tell which column .*\['date', 'a', 'b'\]"):
        read_equity_csv(_csv(tmp_path, text))


@pytest.mark.parametrize(
    ("body", "where", "reason"),
    [
        ("2024-01-01,100\n2024-01-02,abc\n", "line 3, column 'equity'", "'abc' is not a number"),
        ("2024-01-01,100\n2024-01-02,\n", "line 3, column 'equity'", "is empty"),
        ("2024-01-01,100\n2024-01-02\n", "line 3, column 'equity'", "is missing"),
        ("2024-01-01,100\n2024-01-02,nan\n", "line 3, column 'equity'", "is not finite"),
        ("2024-01-01,100\n2024-01-02,-5\n", "line 3, column 'equity'", "must be positive"),
        ("2024-01-01,100\n2024-13-01,5\n", "line 3, column 'date'", "not an ISO 8601 date"),
        ("2024-01-02,100\n2024-01-01,5\n", "line 3, column 'date'", "not after the row before"),
        ("2024-01-01,100\n2024-01-01,5\n", "line 3, column 'date'", "not after the row before"),
        (f"{JAN_1},1\n{JAN_1 // 1000 + 86_400},2\n", "line 3, column 'date'", "epoch milliseconds"),
        (f"{JAN_1},1\n2024-01-02,2\n", "line 3, column 'date'", "epoch milliseconds"),
    ],
)
def test_bad_cells_are_reported_by_line_and_column(
    tmp_path: Path, body: str, where: str, reason: str
) -> None:
    path = _csv(tmp_path, "date,equity\n" + body, name="equity.csv")
    with pytest.raises(ValueError, match=reason) as caught:
        read_equity_csv(path)
    assert str(caught.value).startswith(f"equity.csv, {where}: ")


def test_a_return_of_minus_100_percent_is_rejected(tmp_path: Path) -> None:
    path = _csv(tmp_path, "date,return\n2024-01-01,0.1\n2024-01-02,-100%\n", name="r.csv")
    with pytest.raises(InvalidInput, match=r"r.csv, line 3, column 'return': '-100%' is a loss"):
        read_returns_csv(path)


@pytest.mark.parametrize(("text", "reason"), [("", "is empty"), ("date,equity\n", "no data rows")])
def test_empty_files_are_reported(tmp_path: Path, text: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        read_equity_csv(_csv(tmp_path, text))


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot be read"):
        read_equity_csv(tmp_path / "absent.csv")
