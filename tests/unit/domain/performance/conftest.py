import numpy as np
import pytest

SEEDS = [0, 1, 2, 3, 4]


@pytest.fixture(params=SEEDS)
def returns(request: pytest.FixtureRequest) -> np.ndarray:
    """Daily-looking returns with drift, fat-ish tails and both signs."""
    rng = np.random.default_rng(request.param)
    return rng.standard_t(df=4, size=750) * 0.01 + 0.0004
