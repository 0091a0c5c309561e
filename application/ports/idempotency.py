"""Idempotency keys: a retried request gets the first request's result, never a second run."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class ClaimState(StrEnum):
    NEW = "new"  # first time: run the request, then complete() or release()
    DONE = "done"  # seen and finished: answer with `response`
    RUNNING = "running"  # the first call is still in flight
    CONFLICT = "conflict"  # the key was used for a different request


@dataclass(frozen=True, slots=True)
class Claim:
    state: ClaimState
    response: bytes | None = None


class IdempotencyStore(Protocol):
    async def claim(self, key: str, method: str, request_hash: str, now_ms: int) -> Claim:
        """Reserve `key` for this request, or say what happened to it before."""
        ...

    async def complete(self, key: str, response: bytes) -> None:
        """Store the response that later retries with `key` get."""
        ...

    async def release(self, key: str) -> None:
        """Forget a claimed key whose request failed, so a retry runs it again."""
        ...
