"""Errors the domain raises; the entrypoints map each family to one status code."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""


class InvalidInput(DomainError, ValueError):
    """A value a caller gave is unusable; `field` names it, `reason` says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class IllegalTransition(DomainError):
    """An order was asked to move to a status its current status forbids."""


class NotFound(DomainError):
    """The thing asked for does not exist."""

    def __init__(self, what: str, key: str) -> None:
        super().__init__(f"{what} {key!r} not found")
        self.what = what
        self.key = key


class PreconditionFailed(DomainError):
    """The current state forbids the request (an order already final, trading halted)."""
