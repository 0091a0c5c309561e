"""`autotrader portfolio optimize|frontier|rebalance|performance`.

`optimize` and `frontier` with `--prices FILE` run offline on a wide CSV (a date column,
then one price column per asset) without a server; without it they ask the server to
use its stored candles.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from autotrader.v1 import portfolio_pb2 as pb
from autotrader.v1 import portfolio_pb2_grpc
from entrypoints.cli import output
from entrypoints.cli.client import EXIT_FAILED, EXIT_INVALID, Connection, fail, rpc_errors

if TYPE_CHECKING:
    from application.portfolio.optimize import OptimizationSpec

# The optimiser (numpy, scipy) is imported inside the commands that use it, so that
# every other `autotrader` command starts without paying for it.
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
OBJECTIVES = {
    "max-sharpe": pb.PORTFOLIO_OBJECTIVE_MAX_SHARPE,
    "min-volatility": pb.PORTFOLIO_OBJECTIVE_MIN_VOLATILITY,
    "target-return": pb.PORTFOLIO_OBJECTIVE_TARGET_RETURN,
    "target-volatility": pb.PORTFOLIO_OBJECTIVE_TARGET_VOLATILITY,
    "risk-parity": pb.PORTFOLIO_OBJECTIVE_RISK_PARITY,
}
RETURNS = {
    "mean": pb.PORTFOLIO_RETURN_ESTIMATOR_MEAN,
    "cagr": pb.PORTFOLIO_RETURN_ESTIMATOR_CAGR,
    "ewma": pb.PORTFOLIO_RETURN_ESTIMATOR_EWMA,
}
COVARIANCES = {
    "sample": pb.PORTFOLIO_COVARIANCE_ESTIMATOR_SAMPLE,
    "ewma": pb.PORTFOLIO_COVARIANCE_ESTIMATOR_EWMA,
    "ledoit-wolf": pb.PORTFOLIO_COVARIANCE_ESTIMATOR_LEDOIT_WOLF,
}


def register(cli: click.Group) -> None:
    cli.add_command(portfolio)


def _stub(conn: Connection) -> portfolio_pb2_grpc.PortfolioServiceStub:
    return portfolio_pb2_grpc.PortfolioServiceStub(conn.channel())


@click.group()
def portfolio() -> None:
    """Optimise weights, trace the frontier, rebalance, attribute performance."""


def _data_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "--prices",
            "prices_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Wide CSV: a date column, then one price column per asset (works offline).",
        ),
        click.option("--symbols", default="", help="Server candles: e.g. BTCUSDT,ETHUSDT."),
        click.option("--timeframe", default="1d", show_default=True, help="Server candles."),
        click.option("--bars", default=365, show_default=True, help="Server candles."),
        click.option(
            "--expected-returns",
            type=click.Choice(list(RETURNS)),
            default="mean",
            show_default=True,
        ),
        click.option(
            "--covariance",
            type=click.Choice(list(COVARIANCES)),
            default="sample",
            show_default=True,
        ),
        click.option("--risk-free", default=0.0, show_default=True, help="Annual rate, 0.02 = 2%."),
        click.option(
            "--periods-per-year",
            type=float,
            default=None,
            help="Rows per year [default: 252 for --prices, the timeframe's for candles].",
        ),
        click.option("--long-short", is_flag=True, help="Allow short weights."),
        click.option("--max-weight", type=float, default=None, help="Cap on each |weight|."),
        click.option("--gross-leverage", type=float, default=None, help="Cap on sum of |w|."),
        json_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


@portfolio.command("optimize")
@click.option(
    "--objective",
    type=click.Choice(list(OBJECTIVES)),
    default="max-sharpe",
    show_default=True,
)
@click.option("--target-return", type=float, default=None, help="For target-return.")
@click.option("--target-volatility", type=float, default=None, help="For target-volatility.")
@_data_options
@click.pass_obj
@rpc_errors
def optimize(conn: Connection, **options: Any) -> None:
    """Print optimal weights with their expected return, volatility and Sharpe ratio."""
    spec = _spec(options)
    if options["prices_file"] is not None:
        from adapters.reporting.price_table import read_price_table
        from application.portfolio.optimize import estimate, solve

        table = _offline(lambda: read_price_table(options["prices_file"]))
        fitted = _offline(lambda: estimate(table.assets, table.prices, spec))
        result = _offline(lambda: solve(fitted.model, spec))
        document = _portfolio_dict(
            result.weights, result.expected_return, result.volatility, result.sharpe
        )
        document["observations"] = fitted.observations
    else:
        request = pb.OptimizeRequest(
            spec=_spec_pb(spec, options), objective=OBJECTIVES[spec.objective.value]
        )
        if spec.target_return is not None:
            request.target_return = spec.target_return
        if spec.target_volatility is not None:
            request.target_volatility = spec.target_volatility
        reply = conn.call(_stub(conn).Optimize, request)
        p = reply.portfolio
        document = _portfolio_dict(dict(p.weights), p.expected_return, p.volatility, p.sharpe)
        document["observations"] = reply.observations
    _print_portfolio(document, options["as_json"])


@portfolio.command("frontier")
@click.option("--points", default=20, show_default=True, help="Portfolios along the frontier.")
@_data_options
@click.pass_obj
@rpc_errors
def frontier_command(conn: Connection, points: int, **options: Any) -> None:
    """Print the efficient frontier: one row per portfolio."""
    spec = _spec({**options, "objective": "min-volatility", "frontier_points": points})
    if options["prices_file"] is not None:
        from adapters.reporting.price_table import read_price_table
        from application.portfolio.optimize import estimate, frontier

        table = _offline(lambda: read_price_table(options["prices_file"]))
        fitted = _offline(lambda: estimate(table.assets, table.prices, spec))
        curve = _offline(lambda: frontier(fitted.model, spec))
        rows = [
            _portfolio_dict(p.weights, p.expected_return, p.volatility, p.sharpe) for p in curve
        ]
    else:
        request = pb.GetEfficientFrontierRequest(spec=_spec_pb(spec, options), points=points)
        reply = conn.call(_stub(conn).GetEfficientFrontier, request)
        rows = [
            _portfolio_dict(dict(p.weights), p.expected_return, p.volatility, p.sharpe)
            for p in reply.points
        ]
    if options["as_json"]:
        output.print_json({"points": rows})
        return
    assets = list(rows[0]["weights"]) if rows else []
    output.print_table(
        ["RETURN", "VOLATILITY", "SHARPE", *assets],
        [
            [
                f"{r['expected_return']:.4f}",
                f"{r['volatility']:.4f}",
                _num(r["sharpe"]),
                *(f"{r['weights'][a]:.4f}" for a in assets),
            ]
            for r in rows
        ],
        "no frontier",
    )


@portfolio.command("rebalance")
@click.option(
    "--target",
    "targets",
    multiple=True,
    required=True,
    metavar="SYMBOL=WEIGHT",
    help="Signed weight of equity, repeatable: --target BTCUSDT=0.3 --target ETHUSDT=-0.1",
)
@click.option("--min-trade", default="", help="Skip trades below this notional (USDT).")
@click.option("--dry-run", is_flag=True, help="Show the orders without placing them.")
@json_option
@click.pass_obj
@rpc_errors
def rebalance(
    conn: Connection, targets: tuple[str, ...], min_trade: str, dry_run: bool, as_json: bool
) -> None:
    """Trade to target weights through the normal order path (risk checks apply)."""
    weights = []
    for item in targets:
        symbol, sep, weight = item.partition("=")
        if not sep or not symbol.strip() or not weight.strip():
            fail(f"--target: expected SYMBOL=WEIGHT, got {item!r}", EXIT_INVALID)
        weights.append(pb.PortfolioTargetWeight(symbol=symbol.strip(), weight=weight.strip()))
    request = pb.RebalanceRequest(targets=weights, min_trade_notional=min_trade, dry_run=dry_run)
    reply = conn.call(_stub(conn).Rebalance, request)
    if as_json:
        output.print_json(output.to_dict(reply))
        return
    click.echo(f"equity {reply.equity}")
    output.print_table(
        ["SYMBOL", "SIDE", "QTY", "REDUCE", "STATUS", "ORDER", "REASON"],
        [
            [
                o.symbol,
                o.side,
                o.quantity,
                "yes" if o.reduce_only else "",
                o.status or "dry-run",
                o.order_id,
                o.reject_reason,
            ]
            for o in reply.orders
        ],
        "nothing to trade: positions are at their targets",
    )


@portfolio.command("performance")
@click.option("--window", default=20, show_default=True, help="Rolling window (periods).")
@json_option
@click.pass_obj
@rpc_errors
def performance(conn: Connection, window: int, as_json: bool) -> None:
    """PnL by strategy and symbol (price, funding, fees), Brinson, rolling Sharpe/vol."""
    reply = conn.call(_stub(conn).GetPerformance, pb.GetPerformanceRequest(window=window))
    if as_json:
        output.print_json(output.to_dict(reply))
        return
    headers = ["PRICE", "FUNDING", "FEES", "TOTAL"]
    output.print_table(
        ["STRATEGY", *headers],
        [[x.strategy, x.price, x.funding, x.fees, x.total] for x in reply.by_strategy],
        "no fills yet",
    )
    click.echo("")
    output.print_table(
        ["SYMBOL", *headers],
        [[x.symbol, x.price, x.funding, x.fees, x.total] for x in reply.by_symbol],
        "no fills yet",
    )
    t = reply.total
    click.echo(f"\ntotal  price {t.price}  funding {t.funding}  fees {t.fees}  net {t.total}")
    if reply.brinson:
        click.echo("")
        output.print_table(
            ["SEGMENT", "ALLOCATION", "SELECTION", "INTERACTION"],
            [
                [b.segment, f"{b.allocation:.6f}", f"{b.selection:.6f}", f"{b.interaction:.6f}"]
                for b in reply.brinson
            ],
            "",
        )
        click.echo(
            f"portfolio {reply.portfolio_return:.6f} vs equal weight {reply.benchmark_return:.6f}"
        )
    if reply.rolling_sharpe:
        click.echo(
            f"rolling ({window}): sharpe {reply.rolling_sharpe[-1]:.4f}  "
            f"volatility {reply.rolling_volatility[-1]:.6f}"
        )
    if reply.note:
        click.echo(reply.note)


def _spec(options: dict[str, Any]) -> OptimizationSpec:
    from application.portfolio.optimize import (
        CovarianceEstimator,
        Objective,
        OptimizationSpec,
        ReturnEstimator,
    )

    ppy = options.get("periods_per_year")
    if options.get("prices_file") is None and not options.get("symbols"):
        fail("give --prices FILE (offline) or --symbols A,B (server candles)", EXIT_INVALID)
    return _offline(
        lambda: OptimizationSpec(
            objective=Objective(options["objective"]),
            expected_returns=ReturnEstimator(options["expected_returns"]),
            covariance=CovarianceEstimator(options["covariance"]),
            risk_free_rate=options["risk_free"],
            periods_per_year=ppy if ppy is not None else 252.0,
            long_short=options["long_short"],
            target_return=options.get("target_return"),
            target_volatility=options.get("target_volatility"),
            max_weight=options["max_weight"],
            gross_leverage=options["gross_leverage"],
            frontier_points=options.get("frontier_points", 20),
        )
    )


def _spec_pb(spec: OptimizationSpec, options: dict[str, Any]) -> pb.OptimizationSpec:
    symbols = [s.strip() for s in options["symbols"].split(",") if s.strip()]
    message = pb.OptimizationSpec(
        candles=pb.PortfolioCandleSource(
            symbols=symbols, timeframe=options["timeframe"], bars=options["bars"]
        ),
        expected_returns=RETURNS[spec.expected_returns.value],
        covariance=COVARIANCES[spec.covariance.value],
        risk_free_rate=spec.risk_free_rate,
        periods_per_year=options["periods_per_year"] or 0.0,
        long_short=spec.long_short,
    )
    if spec.max_weight is not None:
        message.max_weight = spec.max_weight
    if spec.gross_leverage is not None:
        message.gross_leverage = spec.gross_leverage
    return message


def _offline(work: Callable[[], Any]) -> Any:
    """Run offline work; show bad input or an infeasible problem as one line."""
    from domain.errors import DomainError, InvalidInput

    try:
        return work()
    except InvalidInput as error:
        fail(str(error), EXIT_INVALID)
    except (DomainError, ValueError) as error:
        fail(str(error), EXIT_FAILED)


def _portfolio_dict(
    weights: dict[str, float], expected: float, volatility: float, sharpe: float
) -> dict[str, Any]:
    return {
        "weights": dict(weights),
        "expected_return": expected,
        "volatility": volatility,
        "sharpe": sharpe if math.isfinite(sharpe) else None,
    }


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def _print_portfolio(document: dict[str, Any], as_json: bool) -> None:
    if as_json:
        output.print_json(document)
        return
    output.print_table(
        ["ASSET", "WEIGHT"],
        [[asset, f"{w:.6f}"] for asset, w in document["weights"].items()],
        "no weights",
    )
    click.echo("")
    output.print_fields(
        [
            ("expected return", f"{document['expected_return']:.6f}"),
            ("volatility", f"{document['volatility']:.6f}"),
            ("sharpe", _num(document["sharpe"])),
            ("observations", str(document["observations"])),
        ]
    )
