"""The live dashboard: one read-only page, its JSON state and a Server-Sent Events stream.

GET /            the page (self-contained: no CDN, no external fonts or scripts)
GET /api/state   everything the page shows, as JSON
GET /api/stream  SSE: a `state` message on connect, then `snapshot` and `event` messages
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import Callable
from decimal import Decimal
from importlib import resources
from typing import Any

from aiohttp import web

from application.events import Event
from application.ports.reconciliation import Discrepancy
from application.use_cases.monitoring import MonitorSnapshot
from application.use_cases.queries import PositionView
from domain.account import Account
from domain.fill import Fill
from domain.order import Order
from domain.position import Position

Json = dict[str, Any]
_CLOSED: tuple[str, Json] = ("closed", {})


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


class DashboardFeed:
    """What the page shows: the latest snapshot, equity history and recent events.

    Every change is also queued to each connected SSE client; a client too slow to
    keep up is dropped (its browser reconnects and gets the full state again).
    """

    def __init__(
        self,
        mode: str,
        venue: str,
        session: str,
        history: int = 3600,
        events: int = 100,
        sample_ms: int = 1000,
    ) -> None:
        self._sample_ms = sample_ms
        self._header = {"mode": mode, "venue": venue, "session": session}
        self._snapshot: Json | None = None
        self._history: deque[Json] = deque(maxlen=history)
        self._events: deque[Json] = deque(maxlen=events)
        self._clients: set[asyncio.Queue[tuple[str, Json]]] = set()

    def on_snapshot(self, snapshot: MonitorSnapshot) -> None:
        body = snapshot_json(snapshot)
        point = {"ts": snapshot.ts, "equity": body["account"]["equity"], "pnl": body["pnl"]}
        self._snapshot = body
        # The chart keeps one point a second, however often the book is read.
        sampled = not self._history or snapshot.ts - self._history[-1]["ts"] >= self._sample_ms
        if sampled:
            self._history.append(point)
        self._broadcast("snapshot", {"snapshot": body, "point": point if sampled else None})

    def on_event(self, event: Event) -> None:
        body = event_json(event)
        self._events.appendleft(body)
        self._broadcast("event", body)

    def state(self) -> Json:
        return {
            **self._header,
            "snapshot": self._snapshot,
            "history": list(self._history),
            "events": list(self._events),
        }

    def subscribe(self) -> asyncio.Queue[tuple[str, Json]]:
        queue: asyncio.Queue[tuple[str, Json]] = asyncio.Queue(maxsize=1000)
        self._clients.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[tuple[str, Json]]) -> None:
        self._clients.discard(queue)

    def close(self) -> None:
        """End every open stream (at shutdown)."""
        for queue in list(self._clients):
            self._drop(queue)

    @property
    def clients(self) -> int:
        return len(self._clients)

    def _broadcast(self, kind: str, body: Json) -> None:
        for queue in list(self._clients):
            try:
                queue.put_nowait((kind, body))
            except asyncio.QueueFull:
                self._drop(queue)

    def _drop(self, queue: asyncio.Queue[tuple[str, Json]]) -> None:
        self._clients.discard(queue)
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(_CLOSED)


def snapshot_json(snapshot: MonitorSnapshot) -> Json:
    account = snapshot.account
    risk = snapshot.risk
    return {
        "ts": snapshot.ts,
        "pnl": _num(snapshot.pnl),
        "account": {
            "asset": account.asset,
            "equity": _num(account.margin_balance),
            "wallet": _num(account.wallet_balance),
            "unrealized_pnl": _num(account.unrealized_pnl),
            "available": _num(account.available_balance),
            "margin_used": _num(account.used_margin),
        },
        "gross_exposure": _num(snapshot.gross_exposure),
        "positions": [_position(view) for view in snapshot.open_positions],
        "orders": [_order(order) for order in snapshot.open_orders],
        "risk": None
        if risk is None
        else {
            "kill_switch": risk.kill_switch,
            "halted_reason": risk.halted_reason,
            "var": _num(risk.var),
            "limits": [
                {"name": u.name, "used": _num(u.used), "limit": _num(u.limit), "ratio": u.ratio}
                for u in risk.limits
            ],
        },
        "strategies": None
        if snapshot.strategies is None
        else [
            {
                "id": s.strategy_id,
                "state": s.state,
                "symbols": list(s.symbols),
                "regimes": dict(s.regimes),
                "targets": dict(s.targets),
                "last_signal": s.last_signal,
                "error": s.error,
            }
            for s in snapshot.strategies
        ],
    }


def _position(view: PositionView) -> Json:
    p = view.position
    mark, liq = view.mark_price, view.liquidation_price
    distance = abs(mark - liq) / mark * 100 if mark and liq is not None else None
    return {
        "symbol": p.symbol,
        "side": "LONG" if p.quantity > 0 else "SHORT",
        "quantity": _num(abs(p.quantity)),
        "entry": _num(p.entry_price),
        "mark": _num(mark),
        "notional": _num(abs(view.notional)),
        "unrealized_pnl": _num(view.unrealized_pnl),
        "leverage": p.leverage,
        "liquidation": _num(liq),
        "liquidation_distance_pct": _num(round(distance, 2)) if distance is not None else None,
    }


def _order(order: Order) -> Json:
    return {
        "order_id": order.order_id,
        "client_order_id": order.client_order_id,
        "symbol": order.symbol,
        "side": order.side.value,
        "type": order.type.value,
        "quantity": _num(order.quantity),
        "filled": _num(order.filled_quantity),
        "price": _num(order.price or order.stop_price),
        "status": order.status.value,
        "created_at": order.created_at,
    }


_DESCRIBE: dict[type, Callable[[Any], str]] = {
    Order: lambda o: (
        f"{o.client_order_id} {o.side.value} {_num(o.quantity)} {o.symbol} {o.type.value}"
        f" → {o.status.value}" + (f" ({o.reject_reason})" if o.reject_reason else "")
    ),
    Fill: lambda f: f"{f.side.value} {_num(f.quantity)} {f.symbol} @ {_num(f.price)}",
    Position: lambda p: f"{p.symbol} position {_num(p.quantity)} @ {_num(p.entry_price)}",
    Account: lambda a: f"wallet {_num(a.wallet_balance)} {a.asset}",
    Discrepancy: lambda d: f"{d.kind.value} {d.subject}: ours {d.local}, exchange {d.exchange}",
}


def event_json(event: Event) -> Json:
    describe = _DESCRIBE.get(type(event.subject))
    text = describe(event.subject) if describe else repr(event.subject)
    return {"sequence": event.sequence, "kind": event.kind.value, "ts": event.ts, "text": text}


def _page() -> bytes:
    return resources.files("entrypoints.monitoring").joinpath("dashboard.html").read_bytes()


def dashboard_app(feed: DashboardFeed) -> web.Application:
    """Build the read-only web application over `feed`."""
    page = _page()

    async def index(_: web.Request) -> web.Response:
        return web.Response(body=page, content_type="text/html", charset="utf-8")

    async def state(_: web.Request) -> web.Response:
        return web.json_response(feed.state())

    async def stream(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        queue = feed.subscribe()
        try:
            await response.write(_sse("state", feed.state()))
            while True:
                try:
                    kind, body = await asyncio.wait_for(queue.get(), 15)
                except TimeoutError:
                    await response.write(b": keep-alive\n\n")
                    continue
                if (kind, body) == _CLOSED:
                    break
                await response.write(_sse(kind, body))
        except (ConnectionResetError, ConnectionError):
            pass
        finally:
            feed.unsubscribe(queue)
        with contextlib.suppress(ConnectionError):
            await response.write_eof()
        return response

    app = web.Application()
    app.router.add_get("/", index)
    app.router.add_get("/api/state", state)
    app.router.add_get("/api/stream", stream)
    return app


def _sse(kind: str, body: Json) -> bytes:
    return f"event: {kind}\ndata: {json.dumps(body, separators=(',', ':'))}\n\n".encode()
