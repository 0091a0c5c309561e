"""IdempotencyStore in the `idempotency_keys` table (revision 0006)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.oneshot import fetch_one, run
from application.ports.idempotency import Claim, ClaimState

idempotency_keys = sa.Table(
    "idempotency_keys",
    sa.MetaData(),
    sa.Column("key", sa.String(128), primary_key=True),
    sa.Column("method", sa.String(64), nullable=False),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("response", sa.LargeBinary(), nullable=True),
    sa.Column("created_at", sa.BigInteger(), nullable=False),
)
_T = idempotency_keys


class SqlaIdempotencyStore:
    """IdempotencyStore: the first claim of a key wins (INSERT ... ON CONFLICT DO NOTHING)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        insert = (postgresql if engine.dialect.name == "postgresql" else sqlite).insert
        self._claim = insert(_T).on_conflict_do_nothing(index_elements=[_T.c.key])
        self._complete = sa.update(_T).where(_T.c.key == sa.bindparam("k"))
        self._release = sa.delete(_T).where(_T.c.key == sa.bindparam("k"), _T.c.response.is_(None))

    async def claim(self, key: str, method: str, request_hash: str, now_ms: int) -> Claim:
        row = {"key": key, "method": method, "request_hash": request_hash, "created_at": now_ms}
        if await run(self._engine, self._claim, row) == 1:
            return Claim(ClaimState.NEW)
        query = sa.select(_T.c.method, _T.c.request_hash, _T.c.response).where(_T.c.key == key)
        stored = await fetch_one(self._engine, query)
        if stored is None:  # released in between: try again
            return await self.claim(key, method, request_hash, now_ms)
        if (stored.method, stored.request_hash) != (method, request_hash):
            return Claim(ClaimState.CONFLICT)
        if stored.response is None:
            return Claim(ClaimState.RUNNING)
        return Claim(ClaimState.DONE, bytes(stored.response))

    async def complete(self, key: str, response: bytes) -> None:
        await run(self._engine, self._complete, {"k": key, "response": response})

    async def release(self, key: str) -> None:
        await run(self._engine, self._release, {"k": key})

    async def purge(self, before_ms: int) -> int:
        """Forget finished keys created before `before_ms`; return how many."""
        statement = sa.delete(_T).where(_T.c.created_at < before_ms, _T.c.response.isnot(None))
        return int(await run(self._engine, statement))
