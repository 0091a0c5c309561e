"""Market data the fake serves: klines from the seeded replay, a synthetic book, marks."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from adapters.fake_binance.payloads import num
from adapters.simulated.replay import DeterministicPriceReplay
from domain.instrument import Instrument

INTERVAL_MS = {
    "1m": 60_000,
    "3m": 180_000,
    "5m": 300_000,
    "15m": 900_000,
    "30m": 1_800_000,
    "1h": 3_600_000,
    "4h": 14_400_000,
    "1d": 86_400_000,
}
BOOK_LEVELS = 10
FUNDING_INTERVAL_MS = 8 * 3_600_000


@dataclass
class Book:
    """A synthetic book around the last price and its diff-stream sequence."""

    update_id: int = 1
    bids: dict[str, str] = field(default_factory=dict)
    asks: dict[str, str] = field(default_factory=dict)


def kline_row(replay: DeterministicPriceReplay, symbol: str, start: int, width: int) -> list[Any]:
    """One /fapi/v1/klines row: [open time, o, h, l, c, volume, close time, quote volume, ...]."""
    points = [replay.price_at(symbol, start + width * k // 4) for k in range(5)]
    opened, closed = points[0], points[-1]
    return [
        start,
        num(opened),
        num(max(points)),
        num(min(points)),
        num(closed),
        "100",
        start + width - 1,
        num(closed * 100),
        100,
        "50",
        num(closed * 50),
        "0",
    ]


def klines(
    replay: DeterministicPriceReplay,
    symbol: str,
    interval: str,
    start: int | None,
    end: int | None,
    limit: int,
    now: int,
) -> list[list[Any]]:
    width = INTERVAL_MS[interval]
    if start is not None:
        first = start - start % width
    else:
        last = (end if end is not None else now) // width * width
        first = last - (limit - 1) * width
    rows: list[list[Any]] = []
    ts = first
    while len(rows) < limit and ts <= (end if end is not None else now):
        rows.append(kline_row(replay, symbol, ts, width))
        ts += width
    return rows


def levels(instrument: Instrument, price: Decimal) -> tuple[dict[str, str], dict[str, str]]:
    tick = instrument.tick_size
    bids = {num(price - tick * (k + 1)): str(k + 1) for k in range(BOOK_LEVELS)}
    asks = {num(price + tick * (k + 1)): str(k + 1) for k in range(BOOK_LEVELS)}
    return bids, asks


def rebuild(book: Book, instrument: Instrument, price: Decimal) -> dict[str, list[list[str]]]:
    """Move the book to `price`; return the diff (removed levels have quantity 0)."""
    bids, asks = levels(instrument, price)
    diff_bids = [[p, "0"] for p in book.bids if p not in bids] + [[p, q] for p, q in bids.items()]
    diff_asks = [[p, "0"] for p in book.asks if p not in asks] + [[p, q] for p, q in asks.items()]
    book.bids, book.asks = bids, asks
    book.update_id += 1
    return {"b": diff_bids, "a": diff_asks}


def depth_snapshot(book: Book, now: int, limit: int) -> dict[str, Any]:
    def side(levels: dict[str, str], reverse: bool) -> list[list[str]]:
        ordered = sorted(levels.items(), key=lambda kv: Decimal(kv[0]), reverse=reverse)
        return [[p, q] for p, q in ordered[:limit]]

    return {
        "lastUpdateId": book.update_id,
        "E": now,
        "T": now,
        "bids": side(book.bids, True),
        "asks": side(book.asks, False),
    }


def premium_index(symbol: str, mark: Decimal, rate: Decimal, now: int) -> dict[str, Any]:
    return {
        "symbol": symbol,
        "markPrice": num(mark),
        "indexPrice": num(mark),
        "estimatedSettlePrice": num(mark),
        "lastFundingRate": num(rate),
        "interestRate": "0.00010000",
        "nextFundingTime": (now // FUNDING_INTERVAL_MS + 1) * FUNDING_INTERVAL_MS,
        "time": now,
    }


def mark_event(symbol: str, mark: Decimal, rate: Decimal, now: int) -> dict[str, Any]:
    return {
        "e": "markPriceUpdate",
        "E": now,
        "s": symbol,
        "p": num(mark),
        "ap": num(mark),
        "P": num(mark),
        "i": num(mark),
        "r": num(rate),
        "T": (now // FUNDING_INTERVAL_MS + 1) * FUNDING_INTERVAL_MS,
    }


def book_ticker_event(symbol: str, book: Book, now: int) -> dict[str, Any]:
    bid = max(book.bids, key=Decimal)
    ask = min(book.asks, key=Decimal)
    return {
        "e": "bookTicker",
        "u": book.update_id,
        "E": now,
        "T": now,
        "s": symbol,
        "b": bid,
        "B": book.bids[bid],
        "a": ask,
        "A": book.asks[ask],
    }


def depth_event(
    symbol: str, book: Book, diff: dict[str, list[list[str]]], now: int
) -> dict[str, Any]:
    return {
        "e": "depthUpdate",
        "E": now,
        "T": now,
        "s": symbol,
        "U": book.update_id,
        "u": book.update_id,
        "pu": book.update_id - 1,
        "b": diff["b"],
        "a": diff["a"],
    }


def kline_event(
    replay: DeterministicPriceReplay, symbol: str, interval: str, price: Decimal, now: int
) -> dict[str, Any]:
    width = INTERVAL_MS[interval]
    start = now // width * width
    row = kline_row(replay, symbol, start, width)
    opened = Decimal(row[1])
    return {
        "e": "kline",
        "E": now,
        "s": symbol,
        "k": {
            "t": start,
            "T": start + width - 1,
            "s": symbol,
            "i": interval,
            "f": 1,
            "L": 100,
            "o": num(opened),
            "c": num(price),
            "h": num(max(opened, price, Decimal(row[2]))),
            "l": num(min(opened, price, Decimal(row[3]))),
            "v": "100",
            "n": 100,
            "x": False,
            "q": num(price * 100),
            "V": "50",
            "Q": num(price * 50),
            "B": "0",
        },
    }
