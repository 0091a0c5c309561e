"""Leadership of an account: only the holder of the newest fencing token may write."""

from __future__ import annotations

from typing import Protocol


class NotLeader(Exception):
    """This instance is not the one trading the account (a standby, or fenced off)."""


class Leadership(Protocol):
    @property
    def account(self) -> str: ...

    @property
    def token(self) -> int | None:
        """Return the fencing token while this instance leads, else None."""
        ...

    def fenced(self, token: int) -> None:
        """Step down: storage has seen a newer token than `token`."""
        ...
