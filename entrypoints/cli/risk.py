"""`autotrader risk report|limits|set-limit` and `autotrader kill-switch on|off`."""

from __future__ import annotations

from collections.abc import Iterable

import click

from autotrader.v1 import risk_pb2 as pb
from autotrader.v1 import risk_pb2_grpc
from entrypoints.cli import output
from entrypoints.cli.client import EXIT_INVALID, Connection, fail, rpc_errors

json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
METHODS = {
    pb.VAR_METHOD_HISTORICAL: "historical",
    pb.VAR_METHOD_PARAMETRIC: "parametric",
    pb.VAR_METHOD_CORNISH_FISHER: "cornish-fisher",
    pb.VAR_METHOD_MONTE_CARLO: "monte-carlo",
}


def register(cli: click.Group) -> None:
    cli.add_command(risk)
    cli.add_command(kill_switch)


def _stub(conn: Connection) -> risk_pb2_grpc.RiskServiceStub:
    return risk_pb2_grpc.RiskServiceStub(conn.channel())


@click.group()
def risk() -> None:
    """Risk report, limits and their audit trail."""


@risk.command("report")
@click.option("--horizon", default=1, show_default=True, help="VaR horizon in return periods.")
@json_option
@click.pass_obj
@rpc_errors
def report(conn: Connection, horizon: int, as_json: bool) -> None:
    """Show exposure, leverage, margin, liquidation distance, VaR/CVaR and halts."""
    reply = conn.call(_stub(conn).GetRiskReport, pb.GetRiskReportRequest(horizon=horizon))
    if as_json:
        output.print_json(output.to_dict(reply))
        return
    e = reply.exposure
    output.print_table(
        ["SYMBOL", "NET", "LONG", "SHORT", "UPNL", "LEV", "MAINT", "LIQ DIST %"],
        [
            [
                s.symbol,
                s.net_notional,
                s.long_notional,
                s.short_notional,
                s.unrealized_pnl,
                s.leverage,
                s.maintenance_margin,
                s.liquidation_distance_pct or "-",
            ]
            for s in e.symbols
        ],
        "no open positions",
    )
    click.echo("")
    output.print_fields(
        [
            ("equity", e.equity),
            ("gross / net", f"{e.gross_notional} / {e.net_notional}"),
            ("long / short", f"{e.long_notional} / {e.short_notional}"),
            ("leverage", e.leverage),
            ("margin ratio", e.margin_ratio),
            ("kill switch", _kill(reply.halt)),
            ("breaker", reply.halt.breaker_reason if reply.halt.breaker_tripped else "armed"),
            ("returns", f"{reply.observations} x {reply.returns_period} ({reply.returns_source})"),
        ]
    )
    click.echo("")
    if reply.note:
        click.echo(f"VaR: {reply.note}")
        return
    output.print_table(
        ["METHOD", "CONF", "HORIZON", "VAR", "CVAR"],
        [
            [METHODS.get(v.method, "?"), f"{v.confidence:.2f}", str(v.horizon), v.var, v.cvar]
            for v in reply.var
        ],
        "no VaR",
    )


def _kill(halt: pb.RiskHaltStatus) -> str:
    if not halt.kill_switch:
        return "off"
    why = f" ({halt.kill_switch_reason})" if halt.kill_switch_reason else ""
    return f"ON by {halt.kill_switch_by} at {output.when(halt.kill_switch_changed_at_ms)}{why}"


@risk.command("limits")
@click.option("--audit", default=10, show_default=True, help="How many recent changes to show.")
@json_option
@click.pass_obj
@rpc_errors
def limits(conn: Connection, audit: int, as_json: bool) -> None:
    """Show the limits in force and who changed them lately."""
    reply = conn.call(_stub(conn).GetLimits, pb.GetLimitsRequest(audit_limit=audit))
    if as_json:
        output.print_json(output.to_dict(reply))
        return
    output.print_table(["LIMIT", "VALUE"], [[x.name, x.value] for x in reply.limits], "")
    if reply.audit:
        click.echo("")
        _print_changes(reply.audit)


def _print_changes(changes: Iterable[pb.RiskLimitChange]) -> None:
    output.print_table(
        ["WHEN", "WHO", "LIMIT", "OLD", "NEW"],
        [
            [output.when(c.changed_at_ms), c.changed_by, c.name, c.old_value, c.new_value]
            for c in changes
        ],
        "no changes",
    )


@risk.command("set-limit")
@click.argument("assignments", nargs=-1, required=True, metavar="NAME=VALUE...")
@json_option
@click.pass_obj
@rpc_errors
def set_limit(conn: Connection, assignments: tuple[str, ...], as_json: bool) -> None:
    """Change limits, e.g. `autotrader risk set-limit max_order_notional=5000` (needs admin)."""
    changes: dict[str, str] = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            fail(f"expected NAME=VALUE, got {item!r}", EXIT_INVALID)
        changes[name.strip()] = value.strip()
    reply = conn.call(_stub(conn).SetLimits, pb.SetLimitsRequest(limits=changes))
    if as_json:
        output.print_json(output.to_dict(reply))
        return
    if not reply.changes:
        click.echo("no change: the limits already had those values")
        return
    _print_changes(reply.changes)


@click.command("kill-switch")
@click.argument("state", type=click.Choice(["on", "off"], case_sensitive=False))
@click.option("--flatten", is_flag=True, help="Also close every position (reduce-only market).")
@click.option("--reason", default="", help="Why; stored with the switch.")
@json_option
@click.pass_obj
@rpc_errors
def kill_switch(conn: Connection, state: str, flatten: bool, reason: str, as_json: bool) -> None:
    """Halt new risk (on: cancel open orders, optionally flatten) or resume it (off)."""
    request = pb.SetKillSwitchRequest(engaged=state.lower() == "on", flatten=flatten, reason=reason)
    reply = conn.call(_stub(conn).SetKillSwitch, request)
    if as_json:
        output.print_json(output.to_dict(reply))
        return
    output.print_fields(
        [
            ("kill switch", _kill(reply.halt)),
            ("canceled orders", str(len(reply.canceled_order_ids))),
            ("closing orders", str(len(reply.closing_order_ids))),
        ]
    )
    for error in reply.errors:
        click.echo(f"warning: {error}", err=True)
