"""RedisEventBus: the event bus on one Redis Stream (EventPublisher and EventSource).

Each event is added with the stream id `<sequence>-0`, so the stream is ordered like
the journal and publishing an event twice adds it once: a relay that crashed between
publishing and saving its cursor may repeat itself safely.

Two ways to read:
- `subscribe()` (the EventSource port, used by StreamEvents): every subscriber on
  every replica sees every event from the moment it subscribed; after a Redis outage
  it carries on from the last id it saw, so it misses nothing.
- `consumer(group, name)`: a durable consumer group member. It first re-reads what
  it was given but did not acknowledge, then new events, so one that crashes and
  reconnects under the same name resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from adapters.redis.connection import DOWN
from adapters.sql import codec
from application.events import Event, EventKind
from application.ports.outbox import EventBusUnavailable

STREAM = "autotrader:events"
MAX_LENGTH = 100_000
BLOCK_MS = 1_000
RETRY_SECONDS = 0.2

# XADD every event whose id is above the stream's top; skip the rest (already there).
_PUBLISH = """
local added = 0
for i = 2, #ARGV, 4 do
  local ok = redis.pcall('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], ARGV[i] .. '-0',
                         'kind', ARGV[i + 1], 'ts', ARGV[i + 2], 'payload', ARGV[i + 3])
  if type(ok) ~= 'table' or not ok['err'] then added = added + 1 end
end
return added
"""


def encode(event: Event) -> list[str]:
    payload = {"subject": codec.encode_subject(event.subject), "trace": event.trace}
    return [str(event.sequence), event.kind.value, str(event.ts), json.dumps(payload)]


def decode(entry_id: bytes | str, fields: dict[Any, Any]) -> Event:
    value = {_text(k): _text(v) for k, v in fields.items()}
    payload = json.loads(value["payload"])
    return Event(
        EventKind(value["kind"]),
        int(value["ts"]),
        codec.decode_subject(payload["subject"]),
        sequence=int(_text(entry_id).split("-", 1)[0]),
        trace=payload.get("trace"),
    )


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class RedisEventBus:
    """Publish journal events to a Redis Stream and read them back, live or in a group."""

    def __init__(
        self,
        writer: aioredis.Redis,
        reader: aioredis.Redis,
        stream: str = STREAM,
        max_length: int = MAX_LENGTH,
    ) -> None:
        self._writer = writer
        self._reader = reader
        self.stream = stream
        self._max_length = max_length
        self._script = writer.register_script(_PUBLISH)

    async def publish(self, events: Sequence[Event]) -> None:
        """Add stored events (sequence > 0) in order; raise EventBusUnavailable when down."""
        args: list[str] = [str(self._max_length)]
        for event in events:
            if event.sequence <= 0:
                raise ValueError("only journal events (with a sequence) go on the stream")
            args += encode(event)
        try:
            await self._script(keys=[self.stream], args=args)
        except DOWN as exc:
            raise EventBusUnavailable(f"Redis is unreachable: {exc}") from exc

    async def last_sequence(self) -> int:
        """Return the sequence of the newest event on the stream, 0 when empty."""
        try:
            newest = await self._writer.xrevrange(self.stream, count=1)
        except DOWN as exc:
            raise EventBusUnavailable(f"Redis is unreachable: {exc}") from exc
        return int(_text(newest[0][0] or b"0").split("-", 1)[0]) if newest else 0

    def subscribe(self) -> StreamSubscription:
        return StreamSubscription(self)

    def consumer(self, group: str, name: str) -> GroupConsumer:
        return GroupConsumer(self, group, name)

    async def read(self, after: str, block_ms: int) -> list[tuple[str, Event]]:
        try:
            reply = await self._reader.xread({self.stream: after}, count=500, block=block_ms)
        except DOWN as exc:
            raise EventBusUnavailable(f"Redis is unreachable: {exc}") from exc
        return _entries(reply)

    @property
    def reader(self) -> aioredis.Redis:
        return self._reader


class StreamSubscription:
    """A live view of the stream from the moment `subscribe()` was called.

    The starting id is looked up in a task started at once, before the caller goes
    on to replay the journal; if Redis is down then, it starts from the stream's
    beginning when it comes back (StreamEvents drops what it already sent).
    """

    def __init__(self, bus: RedisEventBus) -> None:
        self._bus = bus
        self._closed = asyncio.Event()
        self._start: asyncio.Task[int] | None = None
        with contextlib.suppress(RuntimeError):  # no running loop: resolve lazily
            self._start = asyncio.get_running_loop().create_task(bus.last_sequence())

    async def __aiter__(self) -> AsyncIterator[Event]:
        after = await self._first_id()
        while not self._closed.is_set():
            try:
                entries = await self._bus.read(after, BLOCK_MS)
            except EventBusUnavailable:
                await _sleep_unless(self._closed, RETRY_SECONDS)
                continue
            for entry_id, event in entries:
                after = entry_id
                yield event

    async def _first_id(self) -> str:
        try:
            if self._start is not None:
                return f"{await self._start}-0"
            return f"{await self._bus.last_sequence()}-0"
        except EventBusUnavailable:
            return "0-0"

    async def close(self) -> None:
        self._closed.set()
        if self._start is None:
            return
        if not self._start.done():
            self._start.cancel()
        elif not self._start.cancelled():
            self._start.exception()  # retrieved: no "never retrieved" warning


class GroupConsumer:
    """One member of a consumer group: read, process, `ack`; resume after a crash."""

    def __init__(self, bus: RedisEventBus, group: str, name: str) -> None:
        self._bus = bus
        self._group = group
        self._name = name
        self._ids: dict[int, str] = {}
        self._group_ready = False
        self._backlog = True  # first re-read what was delivered but never acknowledged

    async def read(self, count: int = 100, block_ms: int = BLOCK_MS) -> list[Event]:
        """Return the next events for this consumer: unacknowledged ones first."""
        redis = self._bus.reader
        try:
            await self._ensure_group(redis)
            start = "0" if self._backlog else ">"
            reply = await redis.xreadgroup(
                self._group,
                self._name,
                {self._bus.stream: start},
                count=count,
                block=None if self._backlog else block_ms,
            )
        except DOWN as exc:
            self._group_ready = False  # a restarted Redis may have lost the group
            raise EventBusUnavailable(f"Redis is unreachable: {exc}") from exc
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            self._group_ready = False
            return await self.read(count, block_ms)
        entries = _entries(reply)
        if self._backlog and not entries:
            self._backlog = False
            return await self.read(count, block_ms)
        for entry_id, event in entries:
            self._ids[event.sequence] = entry_id
        return [event for _, event in entries]

    async def ack(self, events: Sequence[Event]) -> None:
        ids = [self._ids.pop(e.sequence) for e in events if e.sequence in self._ids]
        if not ids:
            return
        try:
            await self._bus.reader.xack(self._bus.stream, self._group, *ids)
        except DOWN as exc:
            raise EventBusUnavailable(f"Redis is unreachable: {exc}") from exc

    async def _ensure_group(self, redis: aioredis.Redis) -> None:
        if self._group_ready:
            return
        try:
            await redis.xgroup_create(self._bus.stream, self._group, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True


def _entries(reply: Any) -> list[tuple[str, Event]]:
    entries: list[tuple[str, Event]] = []
    for _stream, items in reply or []:
        for entry_id, fields in items:
            if fields:  # a pending entry trimmed away comes back without fields
                entries.append((_text(entry_id), decode(entry_id, fields)))
    return entries


async def _sleep_unless(closed: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(closed.wait(), seconds)
