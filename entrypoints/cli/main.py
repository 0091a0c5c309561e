"""`autotrader`: the operator CLI. Every command but `serve` talks to the server over gRPC."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import click

from autotrader.v1 import trading_pb2 as pb
from entrypoints.cli import output
from entrypoints.cli.client import EXIT_REJECTED, Connection, rpc_errors

SIDES = {"buy": pb.SIDE_BUY, "sell": pb.SIDE_SELL}
TYPES = {
    "market": pb.ORDER_TYPE_MARKET,
    "limit": pb.ORDER_TYPE_LIMIT,
    "stop-market": pb.ORDER_TYPE_STOP_MARKET,
    "take-profit-market": pb.ORDER_TYPE_TAKE_PROFIT_MARKET,
}
TIFS = {
    "GTC": pb.TIME_IN_FORCE_GTC,
    "IOC": pb.TIME_IN_FORCE_IOC,
    "FOK": pb.TIME_IN_FORCE_FOK,
    "GTX": pb.TIME_IN_FORCE_GTX,
}
STATUS_FILTERS = {
    "open": [],
    "new": [pb.ORDER_STATUS_NEW],
    "filled": [pb.ORDER_STATUS_FILLED],
    "partially-filled": [pb.ORDER_STATUS_PARTIALLY_FILLED],
    "canceled": [pb.ORDER_STATUS_CANCELED],
    "rejected": [pb.ORDER_STATUS_REJECTED],
    "expired": [pb.ORDER_STATUS_EXPIRED],
}
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--target",
    envvar="AUTOTRADER_TARGET",
    default="localhost:50051",
    show_default=True,
    help="Server address (env AUTOTRADER_TARGET).",
)
@click.option("--token", envvar="AUTOTRADER_TOKEN", help="Bearer token (env AUTOTRADER_TOKEN).")
@click.option(
    "--tls-ca",
    envvar="AUTOTRADER_TLS_CA",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CA certificate to verify a TLS server (env AUTOTRADER_TLS_CA).",
)
@click.option("--timeout", default=10.0, show_default=True, help="Seconds per call.")
@click.pass_context
def cli(
    ctx: click.Context, target: str, token: str | None, tls_ca: Path | None, timeout: float
) -> None:
    """Operate the autotrader service: orders, positions, account and events."""
    ctx.obj = Connection(target, token, tls_ca, timeout)


@cli.group()
def orders() -> None:
    """Submit, list and cancel orders."""


@orders.command("submit")
@click.option("--symbol", required=True, help="e.g. BTCUSDT")
@click.option("--side", required=True, type=click.Choice(list(SIDES), case_sensitive=False))
@click.option(
    "--type",
    "order_type",
    default="market",
    show_default=True,
    type=click.Choice(list(TYPES), case_sensitive=False),
)
@click.option("--qty", required=True, help="Quantity in the base asset, e.g. 0.01")
@click.option("--price", default="", help="Limit price (limit orders).")
@click.option("--stop-price", default="", help="Trigger price (stop / take-profit orders).")
@click.option("--tif", default=None, type=click.Choice(list(TIFS), case_sensitive=False))
@click.option("--reduce-only", is_flag=True)
@click.option("--client-id", default="", help="Your id; resubmitting it never makes a 2nd order.")
@json_option
@click.pass_obj
@rpc_errors
def submit(
    conn: Connection,
    symbol: str,
    side: str,
    order_type: str,
    qty: str,
    price: str,
    stop_price: str,
    tif: str | None,
    reduce_only: bool,
    client_id: str,
    as_json: bool,
) -> None:
    """Submit an order; exits 3 when the order is rejected."""
    request = pb.SubmitOrderRequest(
        symbol=symbol,
        side=SIDES[side.lower()],
        type=TYPES[order_type.lower()],
        quantity=qty,
        price=price,
        stop_price=stop_price,
        time_in_force=TIFS[tif.upper()] if tif else pb.TIME_IN_FORCE_UNSPECIFIED,
        reduce_only=reduce_only,
        client_order_id=client_id,
    )
    response = conn.call(conn.trading().SubmitOrder, request)
    if as_json:
        output.print_json(output.to_dict(response))
    else:
        if response.duplicate:
            click.echo("client order id seen before: this is the order it created")
        _print_order(response.order)
    if response.order.status == pb.ORDER_STATUS_REJECTED:
        raise SystemExit(EXIT_REJECTED)


@orders.command("list")
@click.option("--status", type=click.Choice(list(STATUS_FILTERS), case_sensitive=False))
@click.option("--symbol", default="")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 1000))
@json_option
@click.pass_obj
@rpc_errors
def list_orders(
    conn: Connection, status: str | None, symbol: str, limit: int, as_json: bool
) -> None:
    """List orders, newest first."""
    request = pb.ListOrdersRequest(
        statuses=STATUS_FILTERS.get((status or "").lower(), []),
        open_only=(status or "").lower() == "open",
        symbol=symbol,
        limit=limit,
    )
    response = conn.call(conn.trading().ListOrders, request)
    if as_json:
        output.print_json(output.to_dict(response).get("orders", []))
        return
    output.print_table(
        [
            "ORDER ID",
            "CLIENT ID",
            "SYMBOL",
            "SIDE",
            "TYPE",
            "QTY",
            "PRICE",
            "FILLED",
            "AVG PRICE",
            "STATUS",
            "UPDATED (UTC)",
        ],
        [_order_row(o) for o in response.orders],
        "no orders",
    )


@orders.command("get")
@click.argument("order_id")
@json_option
@click.pass_obj
@rpc_errors
def get_order(conn: Connection, order_id: str, as_json: bool) -> None:
    """Show one order (by order id or client order id) and its fills."""
    response = conn.call(conn.trading().GetOrder, pb.GetOrderRequest(order_id=order_id))
    if as_json:
        output.print_json(output.to_dict(response))
        return
    _print_order(response.order)
    if response.fills:
        click.echo("")
        output.print_table(
            ["FILL ID", "QTY", "PRICE", "FEE", "LIQUIDITY", "TIME (UTC)"],
            [
                [
                    f.fill_id,
                    f.quantity,
                    f.price,
                    f.fee,
                    output.enum_label(pb.Liquidity.Name(f.liquidity), "LIQUIDITY_"),
                    output.when(f.ts_ms),
                ]
                for f in response.fills
            ],
            "",
        )


@orders.command("cancel")
@click.argument("order_id")
@json_option
@click.pass_obj
@rpc_errors
def cancel(conn: Connection, order_id: str, as_json: bool) -> None:
    """Cancel an open order (by order id or client order id)."""
    response = conn.call(conn.trading().CancelOrder, pb.CancelOrderRequest(order_id=order_id))
    if as_json:
        output.print_json(output.to_dict(response))
    else:
        _print_order(response.order)


@cli.command()
@click.option("--all", "include_flat", is_flag=True, help="Include flat positions.")
@json_option
@click.pass_obj
@rpc_errors
def positions(conn: Connection, include_flat: bool, as_json: bool) -> None:
    """Show positions valued at the current mark."""
    response = conn.call(
        conn.trading().ListPositions, pb.ListPositionsRequest(include_flat=include_flat)
    )
    if as_json:
        output.print_json(output.to_dict(response).get("positions", []))
        return
    output.print_table(
        [
            "SYMBOL",
            "QTY",
            "ENTRY",
            "MARK",
            "UNREALIZED",
            "REALIZED",
            "FUNDING",
            "FEES",
            "LEV",
            "MARGIN",
            "LIQ PRICE",
        ],
        [
            [
                p.symbol,
                p.quantity,
                p.entry_price,
                p.mark_price,
                p.unrealized_pnl,
                p.realized_pnl,
                p.funding,
                p.fees,
                f"{p.leverage}x",
                output.enum_label(pb.MarginMode.Name(p.margin_mode), "MARGIN_MODE_"),
                p.liquidation_price or "-",
            ]
            for p in response.positions
        ],
        "no open positions",
    )


@cli.command()
@json_option
@click.pass_obj
@rpc_errors
def account(conn: Connection, as_json: bool) -> None:
    """Show the wallet and margin balances."""
    response = conn.call(conn.trading().GetAccount, pb.GetAccountRequest())
    a = response.account
    if as_json:
        output.print_json(output.to_dict(a))
        return
    output.print_fields(
        [
            ("mode", f"{a.mode} ({a.venue})"),
            ("wallet balance", f"{a.wallet_balance} {a.asset}"),
            ("unrealized PnL", f"{a.unrealized_pnl} {a.asset}"),
            ("margin balance", f"{a.margin_balance} {a.asset}"),
            ("position margin", f"{a.position_margin} {a.asset}"),
            ("open-order margin", f"{a.order_margin} {a.asset}"),
            ("available balance", f"{a.available_balance} {a.asset}"),
        ]
    )


@cli.command()
@click.option("--follow", "-f", is_flag=True, help="Keep streaming new events as they happen.")
@click.option(
    "--tail",
    default=20,
    show_default=True,
    type=click.IntRange(0, 100_000),
    help="How many stored events to show first.",
)
@click.option("--after", default=0, type=click.IntRange(0), help="Resume after this sequence.")
@click.option("--kind", "kinds", multiple=True, help="Only these kinds (repeatable).")
@json_option
@click.pass_obj
@rpc_errors
def events(
    conn: Connection, follow: bool, tail: int, after: int, kinds: tuple[str, ...], as_json: bool
) -> None:
    """Print recent order, fill, position, funding and balance events.

    With --follow keep printing new ones until Ctrl-C; with --json print one JSON
    object per line (pipe to `jq -c`).
    """
    request = pb.StreamEventsRequest(
        after_sequence=after, tail=tail, follow=follow, kinds=list(kinds)
    )
    stream = conn.trading().StreamEvents(request, metadata=conn.metadata())
    try:
        for event in stream:
            _print_event(event, as_json)
    except KeyboardInterrupt:
        stream.cancel()


def _print_event(event: pb.Event, as_json: bool) -> None:
    if as_json:
        click.echo(json_line(event))
        return
    head = f"#{event.sequence:<6} {output.when(event.ts_ms)}  {event.kind:<17}"
    click.echo(f"{head} {_summary(event)}")


def json_line(event: pb.Event) -> str:
    return json.dumps(output.to_dict(event), separators=(",", ":"))


def _summary(event: pb.Event) -> str:
    which = event.WhichOneof("payload")
    if which == "order":
        o = event.order
        status = output.enum_label(pb.OrderStatus.Name(o.status), "ORDER_STATUS_")
        side = output.enum_label(pb.Side.Name(o.side), "SIDE_")
        extra = f" ({o.reject_reason})" if o.reject_reason else ""
        filled = f"filled={o.filled_quantity}"
        return f"{o.symbol} {side} {o.quantity} {status} {filled} id={o.order_id}{extra}"
    if which == "fill":
        f = event.fill
        side = output.enum_label(pb.Side.Name(f.side), "SIDE_")
        return f"{f.symbol} {side} {f.quantity} @ {f.price} fee={f.fee} order={f.order_id}"
    if which == "position":
        p = event.position
        return f"{p.symbol} qty={p.quantity} entry={p.entry_price} realized={p.realized_pnl}"
    if which == "funding":
        f = event.funding
        return f"{f.symbol} rate={f.rate} amount={f.amount}"
    if which == "discrepancy":
        d = event.discrepancy
        return f"{d.kind} {d.subject}: ours={d.local} exchange={d.exchange} -> {d.action}"
    if which == "balance":
        return f"wallet={event.balance.wallet_balance} {event.balance.asset}"
    return ""


def _order_row(o: pb.Order) -> list[str]:
    return [
        o.order_id,
        o.client_order_id,
        o.symbol,
        output.enum_label(pb.Side.Name(o.side), "SIDE_"),
        output.enum_label(pb.OrderType.Name(o.type), "ORDER_TYPE_"),
        o.quantity,
        o.price or o.stop_price or "-",
        o.filled_quantity,
        o.average_price or "-",
        output.enum_label(pb.OrderStatus.Name(o.status), "ORDER_STATUS_"),
        output.when(o.updated_at_ms),
    ]


def _print_order(o: pb.Order) -> None:
    pairs = [
        ("order id", o.order_id),
        ("client order id", o.client_order_id),
        ("symbol", o.symbol),
        ("side", output.enum_label(pb.Side.Name(o.side), "SIDE_")),
        ("type", output.enum_label(pb.OrderType.Name(o.type), "ORDER_TYPE_")),
        ("quantity", o.quantity),
    ]
    if o.price:
        pairs.append(("price", o.price))
    if o.stop_price:
        pairs.append(("stop price", o.stop_price))
    pairs += [
        (
            "time in force",
            output.enum_label(pb.TimeInForce.Name(o.time_in_force), "TIME_IN_FORCE_"),
        ),
        ("status", output.enum_label(pb.OrderStatus.Name(o.status), "ORDER_STATUS_")),
        ("filled", o.filled_quantity),
        ("average price", o.average_price or "-"),
        ("fees", o.fees),
    ]
    if o.reject_reason:
        pairs.append(("reason", o.reject_reason))
    output.print_fields(pairs)


# Modules that add commands to `cli` through their `register(cli)` function.
COMMAND_MODULES = (
    "entrypoints.cli.serve",
    "entrypoints.cli.strategies",
    "entrypoints.cli.data",
    "entrypoints.cli.risk",
    "entrypoints.cli.portfolio",
    "entrypoints.cli.binance",
    "entrypoints.cli.backtest",
)


def main() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(cli)
    cli(prog_name="autotrader", auto_envvar_prefix=None)


if __name__ == "__main__":  # pragma: no cover
    main()
