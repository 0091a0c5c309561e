"""The one place where application errors become gRPC status codes."""

from __future__ import annotations

import grpc

from adapters.memory.event_bus import SubscriptionLagged
from application.ports.storage import StorageUnavailable
from application.ports.venue import ExchangeError
from domain.errors import IllegalTransition, InvalidInput, NotFound, PreconditionFailed
from domain.portfolio.errors import InfeasiblePortfolio, SolverFailed

_MAP: tuple[tuple[type[BaseException], grpc.StatusCode], ...] = (
    (InvalidInput, grpc.StatusCode.INVALID_ARGUMENT),
    (NotFound, grpc.StatusCode.NOT_FOUND),
    (PreconditionFailed, grpc.StatusCode.FAILED_PRECONDITION),
    (IllegalTransition, grpc.StatusCode.FAILED_PRECONDITION),
    # The constraints admit no portfolio, or the optimiser gave up: the message says which.
    (InfeasiblePortfolio, grpc.StatusCode.FAILED_PRECONDITION),
    (SolverFailed, grpc.StatusCode.FAILED_PRECONDITION),
    (StorageUnavailable, grpc.StatusCode.UNAVAILABLE),
    (ExchangeError, grpc.StatusCode.UNAVAILABLE),
    (SubscriptionLagged, grpc.StatusCode.ABORTED),
)


def status_for(error: BaseException) -> grpc.StatusCode | None:
    """Return the status code for an error we raise on purpose, or None for a bug."""
    for kind, code in _MAP:
        if isinstance(error, kind):
            return code
    return None


def details_for(error: BaseException, code: grpc.StatusCode) -> str:
    if code is grpc.StatusCode.UNAVAILABLE and isinstance(error, StorageUnavailable):
        return f"storage unavailable, orders are not accepted until it returns: {error}"
    return str(error)
