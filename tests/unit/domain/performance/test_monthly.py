from datetime import UTC, datetime

import pytest

from domain.performance import monthly_returns


def _ms(year: int, month: int, day: int, hour: int = 0) -> int:
    return int(datetime(year, month, day, hour, tzinfo=UTC).timestamp() * 1000)


def test_months_chain_from_the_previous_month_end() -> None:
    stamps = [
        _ms(2023, 11, 15),
        _ms(2023, 11, 30, 23),
        _ms(2023, 12, 1),
        _ms(2023, 12, 31, 23),
        _ms(2024, 2, 1),
        _ms(2024, 2, 29),
    ]
    equity = [100.0, 110.0, 90.0, 99.0, 120.0, 118.8]
    assert monthly_returns(equity, stamps) == {
        (2023, 11): pytest.approx(0.10),
        (2023, 12): pytest.approx(99 / 110 - 1),
        (2024, 2): pytest.approx(118.8 / 99 - 1),
    }


def test_month_boundaries_are_utc() -> None:
    stamps = [_ms(2024, 1, 31, 23), _ms(2024, 2, 1, 0)]
    assert set(monthly_returns([1.0, 2.0], stamps)) == {(2024, 1), (2024, 2)}


def test_monthly_returns_compound_to_the_total() -> None:
    stamps = [_ms(2024, 1, 1) + day * 86_400_000 for day in range(200)]
    equity = [100.0 * 1.001**day for day in range(200)]
    growth = 1.0
    for value in monthly_returns(equity, stamps).values():
        growth *= 1.0 + value
    assert growth == pytest.approx(equity[-1] / equity[0])


def test_empty_curve_has_no_months() -> None:
    assert monthly_returns([], []) == {}


def test_mismatched_lengths_are_rejected() -> None:
    with pytest.raises(ValueError, match="timestamps_ms"):
        monthly_returns([1.0, 2.0], [0])
