import pytest

from adapters.simulated.instruments import default_instrument, default_instruments
from tests.unit.adapters.simulated.helpers import D


def test_btcusdt_carries_binance_filters_and_brackets():
    btc = default_instrument("BTCUSDT")

    assert (btc.tick_size, btc.step_size, btc.min_qty) == (D("0.10"), D("0.001"), D("0.001"))
    assert btc.min_notional == D(100)
    assert btc.max_leverage == 125
    first, second, third = btc.brackets[:3]
    assert (first.maintenance_margin_rate, first.maintenance_amount) == (D("0.004"), D(0))
    assert (second.notional_floor, second.maintenance_amount) == (D(50_000), D(50))
    assert third.maintenance_amount == D(1_300)
    assert btc.brackets[-1].maintenance_amount == D(100_016_300)


def test_ethusdt_carries_binance_filters():
    eth = default_instrument("ETHUSDT")

    assert (eth.tick_size, eth.step_size, eth.min_notional) == (D("0.01"), D("0.001"), D(20))
    assert [b.maintenance_amount for b in eth.brackets[:3]] == [D(0), D(15), D(365)]


def test_catalogue_lists_the_five_majors():
    symbols = [i.symbol for i in default_instruments()]

    assert symbols == ["BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT"]
    with pytest.raises(KeyError):
        default_instrument("DOGEUSDT")


@pytest.mark.parametrize("instrument", default_instruments(), ids=lambda i: i.symbol)
def test_maintenance_margin_is_continuous_across_tiers(instrument):
    for lower, upper in zip(instrument.brackets, instrument.brackets[1:], strict=False):
        assert lower.notional_cap == upper.notional_floor
        boundary = upper.notional_floor
        assert lower.maintenance_margin(boundary) == upper.maintenance_margin(boundary)
        assert upper.maintenance_margin_rate > lower.maintenance_margin_rate
        assert upper.max_leverage < lower.max_leverage


@pytest.mark.parametrize("instrument", default_instruments(), ids=lambda i: i.symbol)
def test_max_leverage_is_the_first_tier_s(instrument):
    assert instrument.max_leverage == instrument.brackets[0].max_leverage
    assert instrument.brackets[0].notional_floor == 0
    assert instrument.min_qty == instrument.step_size
