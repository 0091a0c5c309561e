import numpy as np
import pytest

from domain.performance import Drawdown, drawdown_series, drawdowns, longest_drawdown, max_drawdown

#              0    1    2    3   4    5    6    7    8    9   10
CURVE = [100, 110, 99, 88, 110, 120, 114, 108, 102, 96, 118]


def test_drawdown_series_is_distance_below_running_peak() -> None:
    expected = [0, 0, -0.1, -0.2, 0, 0, -0.05, -0.1, -0.15, -0.2, 118 / 120 - 1]
    assert drawdown_series(CURVE) == pytest.approx(expected)


def test_every_spell_is_found_with_its_indices() -> None:
    assert drawdowns(CURVE) == (
        Drawdown(depth=pytest.approx(-0.2), start=1, trough=3, recovery=4, periods=3),
        Drawdown(depth=pytest.approx(-0.2), start=5, trough=9, recovery=None, periods=5),
    )


def test_max_drawdown_takes_the_earliest_of_equal_depths() -> None:
    spell = max_drawdown(CURVE)
    assert spell is not None
    assert (spell.start, spell.trough, spell.recovery, spell.periods) == (1, 3, 4, 3)


def test_longest_drawdown_runs_to_the_end_when_not_recovered() -> None:
    spell = longest_drawdown(CURVE)
    assert spell is not None
    assert (spell.start, spell.trough, spell.recovery, spell.periods) == (5, 9, None, 5)


def test_deepest_and_longest_can_differ() -> None:
    curve = [10, 5, 10, 9.5, 9.4, 9.3, 9.2, 10]
    deepest, longest = max_drawdown(curve), longest_drawdown(curve)
    assert deepest is not None
    assert longest is not None
    assert (deepest.depth, deepest.periods) == (pytest.approx(-0.5), 2)
    assert (longest.start, longest.trough, longest.recovery, longest.periods) == (2, 6, 7, 5)


def test_returning_exactly_to_the_peak_counts_as_recovered() -> None:
    spell = max_drawdown([1.0, 2.0, 1.0, 2.0, 2.0])
    assert spell == Drawdown(depth=-0.5, start=1, trough=2, recovery=3, periods=2)


@pytest.mark.parametrize("curve", [[], [5.0], [5.0, 5.0, 5.0], [1.0, 2.0, 3.0]])
def test_a_curve_that_never_falls_has_no_drawdown(curve: list[float]) -> None:
    assert drawdowns(curve) == ()
    assert max_drawdown(curve) is None
    assert longest_drawdown(curve) is None
    assert np.all(drawdown_series(curve) == 0.0)


def test_a_spell_cannot_be_built_inside_out() -> None:
    with pytest.raises(ValueError, match="recovery"):
        Drawdown(depth=-0.1, start=0, trough=3, recovery=2, periods=2)
