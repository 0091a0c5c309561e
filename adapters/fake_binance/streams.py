"""WebSocket fan-out: market streams by subscription, user data by listen key."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

LISTEN_KEY_TTL_MS = 60 * 60 * 1000


@dataclass(eq=False)
class Connection:
    ws: web.WebSocketResponse
    streams: set[str] = field(default_factory=set)
    listen_key: str | None = None
    outbox: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)

    async def write(self) -> None:
        # One writer per socket keeps messages in the order they were published.
        while True:
            payload = await self.outbox.get()
            try:
                await self.ws.send_str(json.dumps(payload))
            except (ConnectionError, RuntimeError):
                return
            finally:
                self.outbox.task_done()


class StreamHub:
    """Every open WebSocket, what it listens to, and the listen keys handed out."""

    def __init__(self) -> None:
        self._connections: set[Connection] = set()
        self.listen_keys: dict[str, int] = {}  # key -> expiry ms

    # -- listen keys -----------------------------------------------------------------

    def new_listen_key(self, now: int) -> str:
        # Binance hands the same key back while it is valid.
        for key, expiry in self.listen_keys.items():
            if expiry > now:
                self.listen_keys[key] = now + LISTEN_KEY_TTL_MS
                return key
        key = secrets.token_hex(32)
        self.listen_keys[key] = now + LISTEN_KEY_TTL_MS
        return key

    def keep_alive(self, key: str | None, now: int) -> bool:
        if key not in self.listen_keys:
            key = next(iter(self.listen_keys), None)
        if key is None:
            return False
        self.listen_keys[key] = now + LISTEN_KEY_TTL_MS
        return True

    def valid(self, key: str | None, now: int) -> bool:
        return key is not None and self.listen_keys.get(key, 0) > now

    # -- connections -----------------------------------------------------------------

    async def serve(
        self, request: web.Request, first_stream: str | None, now: int
    ) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=None, autoping=True)
        await ws.prepare(request)
        connection = Connection(ws)
        key = request.query.get("listenKey")
        if key is None and first_stream and self.valid(first_stream, now):
            key = first_stream  # the older /ws/<listenKey> form
        if key is not None:
            if not self.valid(key, now):
                await ws.close(code=1008, message=b"invalid listen key")
                return ws
            connection.listen_key = key
        elif first_stream:
            # ccxt dials /ws/<n> (a connection number, not a stream) and subscribes by message.
            connection.streams.update(s for s in first_stream.split("/") if "@" in s)
        self._connections.add(connection)
        writer = asyncio.get_running_loop().create_task(connection.write())
        try:
            async for message in ws:
                if message.type == web.WSMsgType.TEXT:
                    await self._control(connection, message.data)
        finally:
            self._connections.discard(connection)
            writer.cancel()
        return ws

    async def _control(self, connection: Connection, text: str) -> None:
        try:
            request = json.loads(text)
        except ValueError:
            connection.outbox.put_nowait({"error": {"code": 3, "msg": "Invalid JSON"}})
            return
        method = request.get("method")
        params = [str(p) for p in request.get("params") or []]
        if method == "SUBSCRIBE":
            connection.streams.update(params)
        elif method == "UNSUBSCRIBE":
            connection.streams.difference_update(params)
        elif method == "LIST_SUBSCRIPTIONS":
            connection.outbox.put_nowait(
                {"result": sorted(connection.streams), "id": request.get("id")}
            )
            return
        connection.outbox.put_nowait({"result": None, "id": request.get("id")})

    def market_streams(self) -> set[str]:
        return {s for c in self._connections for s in c.streams}

    def publish_market(self, stream: str, payload: dict[str, Any]) -> None:
        for connection in list(self._connections):
            if stream in connection.streams:
                self._send(connection, payload)

    def publish_user(self, payload: dict[str, Any]) -> None:
        for connection in list(self._connections):
            if connection.listen_key is not None:
                self._send(connection, payload)

    def _send(self, connection: Connection, payload: dict[str, Any]) -> None:
        if not connection.ws.closed:
            connection.outbox.put_nowait(payload)

    async def drop_all(self) -> int:
        """Cut every WebSocket without a close handshake, as a network failure would."""
        dropped = list(self._connections)
        self._connections.clear()
        for connection in dropped:
            transport = connection.ws._req.transport if connection.ws._req else None
            if transport is not None:
                transport.abort()
            else:
                with contextlib.suppress(Exception):
                    await connection.ws.close()
        return len(dropped)

    async def close(self) -> None:
        for connection in list(self._connections):
            with contextlib.suppress(Exception):
                await connection.ws.close()
        self._connections.clear()
