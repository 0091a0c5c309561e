"""Backtest benchmark: SMA 10/30 crossover over 1,000,000 seeded 1m bars of one symbol.

Rules: long 0.1 BTC while SMA(10) > SMA(30) of the closes, flat otherwise; market
orders filled at the bar's close (rounded to the 0.1 tick, no spread), 0.04% fee per
side, 100,000 USDT starting cash, no funding.

* engine: the full event-driven backtest (adapters/backtest/kernel.py): every bar moves
  the ManualClock, prices the simulated venue and reaches the StrategyEngine running the
  registered `sma_cross` strategy; every order goes through PlaceOrder, the standard
  risk chain, the simulated venue and the Ledger (in-memory storage), exactly as live.
* numpy: the same rules, vectorised.
* backtrader / backtesting.py: the same strategy, when the `bench` extra is installed.

Each implementation runs in its own subprocess so that its peak RSS (ru_maxrss) is its
own; the table shows bars/s, peak RSS, trade count and final equity, and whether every
final equity agrees with the numpy reference to the cent.

    .venv/bin/python bench/backtest.py [--bars 1000000] [--seed 7] [--only engine,numpy]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

START_MS = 1_577_836_800_000  # 2020-01-01
SYMBOL = "BTCUSDT"
FAST, SLOW = 10, 30
QTY, FEE, CASH = 0.1, 0.0004, 100_000.0
TICK = Decimal("0.1")


def closes(bars: int, seed: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    from domain.market.synthetic import generate_arrays

    data = generate_arrays([SYMBOL], START_MS, bars, seed, {SYMBOL: 60_000.0})
    return data.open_time, data.close[:, 0].copy()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the full engine -----------------------------------------------------------------


def run_engine(bars: int, seed: int) -> dict[str, Any]:
    from adapters.backtest.kernel import BacktestKernel
    from application.backtest.spec import parse_spec
    from domain.market.candles import Candle, Timeframe
    from domain.market.synthetic import generate_arrays

    spec = parse_spec(
        {
            "strategy": "sma_cross",
            "symbols": [SYMBOL],
            "params": {"timeframe": "1m", "fast": FAST, "slow": SLOW},
            "regime": {"timeframe": "1m", "adx_period": 2, "vol_period": 2, "vol_rank_period": 10},
            "start_ms": START_MS,
            "end_ms": START_MS + bars * 60_000,
            "balance": str(int(CASH)),
            "maker_fee_rate": str(FEE),
            "taker_fee_rate": str(FEE),
            "spread_ticks": "0",
            "funding_rate": "0",
            "fixed_quantity": str(QTY),
        }
    )
    data = generate_arrays([SYMBOL], START_MS, bars, seed, {SYMBOL: 60_000.0})
    base = peak_mb()
    m1 = Timeframe.M1
    columns = (data.open_time, data.open[:, 0], data.high[:, 0], data.low[:, 0], data.close[:, 0])
    volume = data.volume[:, 0]

    def minutes() -> Iterator[list[Candle]]:
        # Candles are made as the engine asks for them, a chunk of rows at a time.
        for at in range(0, bars, 4096):
            rows = zip(*(c[at : at + 4096].tolist() for c in (*columns, volume)), strict=True)
            for t, o, h, low, c, v in rows:
                yield [Candle(SYMBOL, m1, t, o, h, low, c, v)]

    kernel = BacktestKernel(spec)
    started, cpu = time.perf_counter(), time.process_time()
    result = asyncio.run(kernel.run(minutes()))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "name": "engine (full event-driven)",
        "bars": bars,
        "seconds": seconds,
        "bars_per_s": bars / seconds,
        "bars_per_cpu_s": bars / cpu,
        "peak_mb": peak_mb(),
        "baseline_mb": base,
        "trades": len(result.trades),
        "orders": len(result.orders),
        "rejected": result.rejected,
        "final_equity": str(result.final_equity),
    }


# -- numpy reference -----------------------------------------------------------------


def _means(close: npt.NDArray[np.float64], n: int) -> npt.NDArray[np.float64]:
    # Sums in extended precision, rounded once: the correctly rounded sum (math.fsum) the
    # strategy uses, divided by n in float64 like it does.
    windows = np.lib.stride_tricks.sliding_window_view(close.astype(np.longdouble), n)
    return windows.sum(axis=1).astype(np.float64) / n


def _tick(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    # The venue's price: Decimal(repr(close)) rounded half-even to the tick (only where
    # the position changes, a few thousand values).
    out = [max(Decimal(repr(v)).quantize(TICK, ROUND_HALF_EVEN), TICK) for v in values.tolist()]
    return np.asarray([float(p) for p in out])


def run_numpy(bars: int, seed: int) -> dict[str, Any]:
    _, close = closes(bars, seed)
    started, cpu = time.perf_counter(), time.process_time()
    fast = _means(close, FAST)[SLOW - FAST :]
    slow = _means(close, SLOW)
    long = np.zeros(close.size, dtype=bool)
    long[SLOW - 1 :] = fast > slow
    held = np.concatenate(([False], long))
    changes = np.flatnonzero(held[1:] != held[:-1])
    price = _tick(close[changes])
    buys, sells = price[0::2], price[1::2]
    fees = np.round(QTY * price * FEE, 8).sum()
    realized = ((sells - buys[: sells.size]) * QTY).sum()
    last = float(_tick(close[-1:])[0])
    open_pnl = (last - buys[-1]) * QTY if buys.size > sells.size else 0.0
    equity = CASH + realized - fees + open_pnl
    exit_fee = round(QTY * last * FEE, 8) if buys.size > sells.size else 0.0
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "name": "numpy (vectorised)",
        "bars": bars,
        "seconds": seconds,
        "bars_per_s": bars / seconds,
        "bars_per_cpu_s": bars / cpu,
        "peak_mb": peak_mb(),
        "trades": int(sells.size),
        "final_equity": f"{equity:.8f}",
        "exit_fee": exit_fee,
    }


# -- optional third-party engines ----------------------------------------------------


def _frame(bars: int, seed: int, scale: float = 1.0) -> Any:
    import pandas as pd

    from domain.market.synthetic import generate_arrays

    d = generate_arrays([SYMBOL], START_MS, bars, seed, {SYMBOL: 60_000.0})
    ticked = _tick(d.close[:, 0]) * scale
    return pd.DataFrame(
        {
            "Open": ticked,
            "High": np.maximum(d.high[:, 0] * scale, ticked),
            "Low": np.minimum(d.low[:, 0] * scale, ticked),
            "Close": ticked,
            "Volume": d.volume[:, 0],
        },
        index=pd.to_datetime(d.open_time, unit="ms"),
    )


def run_backtesting(bars: int, seed: int) -> dict[str, Any]:
    from backtesting import Backtest, Strategy  # type: ignore[import-not-found]

    # backtesting.py reads a size below 1 as a fraction of equity and trades whole units,
    # so it trades 1 unit of an instrument priced at 0.1 BTC: the same money, fees and PnL.
    frame = _frame(bars, seed, scale=QTY)

    def sma(values: object, n: int) -> object:
        import pandas as pd

        return pd.Series(values).rolling(n).mean().to_numpy()

    class Cross(Strategy):  # type: ignore[misc]
        def init(self) -> None:
            self.fast = self.I(sma, self.data.Close, FAST)
            self.slow = self.I(sma, self.data.Close, SLOW)

        def next(self) -> None:
            if self.fast[-1] > self.slow[-1]:
                if not self.position:
                    self.buy(size=1)
            elif self.position:
                self.position.close()

    started, cpu = time.perf_counter(), time.process_time()
    stats = Backtest(
        frame,
        Cross,
        cash=CASH,
        commission=FEE,
        trade_on_close=True,
        margin=0.1,
        exclusive_orders=False,
    ).run()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "name": "backtesting.py",
        "third_party": True,
        "bars": bars,
        "seconds": seconds,
        "bars_per_s": bars / seconds,
        "bars_per_cpu_s": bars / cpu,
        "peak_mb": peak_mb(),
        "trades": int(stats["# Trades"]),
        "final_equity": f"{float(stats['Equity Final [$]']):.8f}",
    }


def run_backtrader(bars: int, seed: int) -> dict[str, Any]:
    import backtrader as bt  # type: ignore[import-not-found]

    frame = _frame(bars, seed)

    class Cross(bt.Strategy):  # type: ignore[misc]
        def __init__(self) -> None:
            self.fast = bt.indicators.SMA(self.data.close, period=FAST)
            self.slow = bt.indicators.SMA(self.data.close, period=SLOW)

        def next(self) -> None:
            if self.fast[0] > self.slow[0]:
                if not self.position:
                    self.buy(size=QTY)
            elif self.position:
                self.close()

    cerebro = bt.Cerebro(stdstats=False)
    cerebro.broker.set_coc(True)  # fill at the deciding bar's close
    cerebro.broker.setcash(CASH)
    cerebro.broker.setcommission(commission=FEE)
    cerebro.adddata(bt.feeds.PandasData(dataname=frame))
    cerebro.addstrategy(Cross)
    cerebro.addanalyzer(bt.analyzers.TradeAnalyzer, _name="trades")
    started, cpu = time.perf_counter(), time.process_time()
    strategy = cerebro.run()[0]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "name": "backtrader",
        "third_party": True,
        "bars": bars,
        "seconds": seconds,
        "bars_per_s": bars / seconds,
        "bars_per_cpu_s": bars / cpu,
        "peak_mb": peak_mb(),
        "trades": int(strategy.analyzers.trades.get_analysis().total.get("closed", 0)),
        "final_equity": f"{cerebro.broker.getvalue():.8f}",
    }


PARTS = {
    "engine": run_engine,
    "numpy": run_numpy,
    "backtesting": run_backtesting,
    "backtrader": run_backtrader,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bars", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", default="engine,numpy,backtesting,backtrader")
    parser.add_argument("--part", choices=sorted(PARTS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        print(json.dumps(PARTS[args.part](args.bars, args.seed)))
        return
    rows = []
    for part in args.only.split(","):
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--part",
                part,
                "--bars",
                str(args.bars),
                "--seed",
                str(args.seed),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["failed"])[-1]
            print(f"{part}: skipped ({last})", file=sys.stderr)
            continue
        rows.append(json.loads(done.stdout))
    _print(rows)


def _print(rows: list[dict[str, Any]]) -> None:
    reference = next((r for r in rows if str(r["name"]).startswith("numpy")), None)
    engine = next((r for r in rows if str(r["name"]).startswith("engine")), None)
    head = f"{'implementation':<28}{'bars/s':>12}{'bars/cpu-s':>12}{'peak MB':>10}{'trades':>8}"
    print(f"{head}{'final equity':>20}  agrees")
    for row in rows:
        agrees = "-"
        if reference is not None:
            expected = Decimal(str(reference["final_equity"]))
            if "third_party" in row:
                # backtrader and backtesting.py value an open position net of its exit fee
                expected -= Decimal(repr(reference["exit_fee"]))
            diff = abs(Decimal(str(row["final_equity"])) - expected)
            agrees = "yes" if diff < Decimal("0.005") else f"no (off by {diff:.4f})"
        ratio = ""
        if engine is not None and row is not engine:
            speed = float(engine["bars_per_cpu_s"]) / float(row["bars_per_cpu_s"])
            ratio = f"  engine/this (cpu): {speed:.3f}x"
        print(
            f"{row['name']!s:<28}{float(row['bars_per_s']):>12,.0f}"
            f"{float(row['bars_per_cpu_s']):>12,.0f}{float(row['peak_mb']):>10,.0f}"
            f"{row['trades']!s:>8}{Decimal(str(row['final_equity'])):>20.2f}  {agrees}{ratio}"
        )
    if any("third_party" in row for row in rows):
        print(
            "backtrader/backtesting.py decide on the tick-rounded close they fill at (the engine "
            "and numpy decide on the raw close), so a near-tie crossing can fall on another bar."
        )
    if engine is not None:
        print(
            f"engine: {engine['seconds']:.1f} s for {engine['bars']} bars, "
            f"{engine['orders']} orders ({engine['rejected']} rejected); "
            f"RSS before the run {float(engine['baseline_mb']):.0f} MB"
        )


if __name__ == "__main__":
    main()
