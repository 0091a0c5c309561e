"""The deterministic paper price path and the row replay."""

import pytest

from adapters.simulated.instruments import default_instrument
from adapters.simulated.replay import DEFAULT_START_PRICES, DeterministicPriceReplay, RowReplay
from domain.errors import InvalidInput
from domain.numbers import is_multiple
from tests.unit.adapters.simulated.helpers import BTC, HOUR, T0, D

SYMBOLS = ["BTCUSDT", "ETHUSDT", "XRPUSDT"]
STAMPS = [T0 + k * 997 * 61 for k in range(200)] + [T0 + k * HOUR for k in range(200)]


def test_the_same_seed_gives_the_same_price_in_any_instance_and_order():
    first = DeterministicPriceReplay(SYMBOLS, seed=7, start_prices=DEFAULT_START_PRICES)
    second = DeterministicPriceReplay(list(reversed(SYMBOLS)), 7, DEFAULT_START_PRICES)

    forwards = [first.price_at(s, ts) for s in SYMBOLS for ts in STAMPS]
    backwards = [second.price_at(s, ts) for s in SYMBOLS for ts in reversed(STAMPS)]

    assert forwards == [
        p for i in range(len(SYMBOLS)) for p in reversed(backwards[i * 400 : (i + 1) * 400])
    ]


def test_prices_are_on_the_tick_positive_and_near_the_start():
    replay = DeterministicPriceReplay(SYMBOLS, seed=1, start_prices=DEFAULT_START_PRICES)

    for symbol in SYMBOLS:
        tick = default_instrument(symbol).tick_size
        start = DEFAULT_START_PRICES[symbol]
        for ts in STAMPS:
            price = replay.price_at(symbol, ts)
            assert is_multiple(price, tick)
            assert start * D("0.8") < price < start * D("1.25")


def test_the_path_moves_and_seeds_differ():
    one = DeterministicPriceReplay([BTC], seed=1, start_prices=DEFAULT_START_PRICES)
    two = DeterministicPriceReplay([BTC], seed=2, start_prices=DEFAULT_START_PRICES)

    path_one = [one.price_at(BTC, ts) for ts in STAMPS]
    path_two = [two.price_at(BTC, ts) for ts in STAMPS]

    assert len(set(path_one)) > 100
    assert path_one != path_two


def test_pinned_values_guard_the_path_across_versions():
    # A change here moves every paper account's marks after an upgrade: do it on purpose.
    replay = DeterministicPriceReplay(
        ["BTCUSDT", "XRPUSDT"], 42, {BTC: D(50000), "XRPUSDT": D("0.5")}
    )

    assert [replay.price_at(BTC, ts) for ts in (0, T0, T0 + 60_000)] == [
        D("50957.60"),
        D("48908.70"),
        D("48948.30"),
    ]
    assert [replay.price_at("XRPUSDT", ts) for ts in (0, T0)] == [D("0.5271"), D("0.4854")]


def test_unknown_or_unpriced_symbols_are_refused():
    with pytest.raises(InvalidInput):
        DeterministicPriceReplay(["DOGEUSDT"], 1, {"DOGEUSDT": D(1)})
    with pytest.raises(InvalidInput):
        DeterministicPriceReplay([BTC], 1, {})
    with pytest.raises(InvalidInput):
        DeterministicPriceReplay([BTC], 1, DEFAULT_START_PRICES).price_at("ETHUSDT", 0)


def test_row_replay_yields_parsed_rows_in_order():
    rows = [("BTCUSDT", "50000.0", 1), {"symbol": "ETHUSDT", "price": "3000.5", "ts": "2"}]

    assert list(RowReplay(rows)) == [("BTCUSDT", D("50000.0"), 1), ("ETHUSDT", D("3000.5"), 2)]


def test_row_replay_reads_a_csv_lazily_and_repeatably(tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text("ts,symbol,price\n1000,BTCUSDT,50000.1\n2000,BTCUSDT,50000.2\n")
    replay = RowReplay.from_csv(path)

    assert (
        list(replay)
        == list(replay)
        == [
            ("BTCUSDT", D("50000.1"), 1000),
            ("BTCUSDT", D("50000.2"), 2000),
        ]
    )


@pytest.mark.parametrize(
    "rows",
    [
        [("BTCUSDT", "1", 2), ("BTCUSDT", "1", 1)],
        [("BTCUSDT", "-1", 1)],
        [("BTCUSDT", "nan", 1)],
        [("BTCUSDT", "1", "1.5")],
        [("", "1", 1)],
        [("BTCUSDT", "1")],
    ],
    ids=["backwards", "negative", "nan", "fractional ts", "no symbol", "short row"],
)
def test_row_replay_refuses_bad_rows(rows):
    with pytest.raises(InvalidInput):
        list(RowReplay(rows))
