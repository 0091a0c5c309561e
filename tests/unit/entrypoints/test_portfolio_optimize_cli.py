"""`autotrader portfolio optimize --prices FILE` offline, against independent calculations."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

from entrypoints.cli import portfolio
from entrypoints.cli.main import cli

portfolio.register(cli)


def write_prices(path: Path, seed: int = 3, rows: int = 400) -> np.ndarray:
    """Write a wide CSV of correlated random-walk prices; return the price matrix."""
    rng = np.random.default_rng(seed)
    cov = (
        np.array(
            [
                [4.0, 1.8, -0.6, 0.4],
                [1.8, 9.0, 1.2, 0.9],
                [-0.6, 1.2, 6.0, 2.0],
                [0.4, 0.9, 2.0, 12.0],
            ]
        )
        * 1e-4
    )
    returns = rng.multivariate_normal([4e-4, 6e-4, 5e-4, 9e-4], cov, size=rows)
    prices = 100.0 * np.cumprod(1.0 + returns, axis=0)
    lines = ["date,AAA,BBB,CCC,DDD"]
    lines += [
        f"2021-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}," + ",".join(f"{p:.8f}" for p in row)
        for i, row in enumerate(prices)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return np.asarray(np.round(prices, 8))


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["portfolio", "optimize", *args], catch_exceptions=False)


def test_min_volatility_long_short_equals_the_closed_form(tmp_path: Path) -> None:
    prices = write_prices(tmp_path / "prices.csv")
    result = run(
        "--prices",
        str(tmp_path / "prices.csv"),
        "--objective",
        "min-volatility",
        "--long-short",
        "--json",
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    returns = prices[1:] / prices[:-1] - 1.0
    sigma = np.cov(returns, rowvar=False, ddof=1) * 252
    inverse_ones = np.linalg.solve(sigma, np.ones(4))
    expected = inverse_ones / inverse_ones.sum()  # w = S^-1 1 / 1'S^-1 1
    weights = np.array([document["weights"][a] for a in ("AAA", "BBB", "CCC", "DDD")])
    np.testing.assert_allclose(weights, expected, atol=1e-6)
    assert document["volatility"] == pytest.approx(float(np.sqrt(expected @ sigma @ expected)))
    mu = returns.mean(axis=0) * 252
    assert document["expected_return"] == pytest.approx(float(mu @ expected))
    assert document["observations"] == len(returns)


def test_max_sharpe_prints_a_table_with_the_figures(tmp_path: Path) -> None:
    write_prices(tmp_path / "prices.csv")
    result = run(
        "--prices",
        str(tmp_path / "prices.csv"),
        "--objective",
        "max-sharpe",
        "--expected-returns",
        "ewma",
        "--covariance",
        "ledoit-wolf",
        "--risk-free",
        "0.02",
    )
    assert result.exit_code == 0, result.output
    for word in ("ASSET", "WEIGHT", "AAA", "expected return", "volatility", "sharpe"):
        assert word in result.output


def test_risk_parity_and_target_return(tmp_path: Path) -> None:
    write_prices(tmp_path / "p.csv")
    parity = run("--prices", str(tmp_path / "p.csv"), "--objective", "risk-parity", "--json")
    assert parity.exit_code == 0, parity.output
    weights = json.loads(parity.output)["weights"]
    assert sum(weights.values()) == pytest.approx(1.0)
    assert all(w > 0 for w in weights.values())
    target = run(
        "--prices",
        str(tmp_path / "p.csv"),
        "--objective",
        "target-return",
        "--target-return",
        "0.15",
        "--json",
    )
    assert target.exit_code == 0, target.output
    assert json.loads(target.output)["expected_return"] >= 0.15 - 1e-6


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, (), "no such file"),
        ("date,AAA\n1,2\n", (), "at least two asset columns"),
        ("date,A,B\n1,2,3\n2,x,3\n3,2,3\n", (), "A is not a number"),
        ("date,A,B\n1,2,3\n2,-1,3\n3,2,3\n", (), "must be a positive price"),
        ("date,A,B\n1,2,3\n2,2,3\n", (), "at least 3 rows"),
        ("date,A,B\n1,2,3\n2,3\n3,2,3\n", (), "2 cells"),
        (
            "date,A,B\n1,2,3\n2,2.1,3.1\n3,2.2,3.3\n4,2.1,3.2\n",
            ("--objective", "target-return"),
            "target_return",
        ),
        (
            "date,A,B\n1,2,3\n2,2.1,3.1\n3,2.2,3.3\n4,2.1,3.2\n",
            ("--objective", "target-return", "--target-return", "9"),
            "above the highest attainable return",
        ),
        (
            "date,A,B\n1,2,3\n2,2.1,3.1\n3,2.2,3.3\n4,2.1,3.2\n",
            ("--periods-per-year", "-1"),
            "periods_per_year",
        ),
    ],
)
def test_bad_files_and_options_fail_with_one_line(
    tmp_path: Path, content: str | None, args: tuple[str, ...], message: str
) -> None:
    path = tmp_path / "prices.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["portfolio", "optimize", "--prices", str(path), *args], catch_exceptions=False
    )
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    assert message in lines[0]
    assert "Traceback" not in result.output
