"""Client interceptors that carry the caller's trace to the server as W3C metadata.

The CLI has no tracer of its own: it forwards the active span's context, or the
`TRACEPARENT` environment variable a calling script sets, so a script's trace
continues through `autotrader order submit` into the service.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import grpc
from opentelemetry import propagate

TRACEPARENT_ENV = "TRACEPARENT"


def trace_metadata(metadata: Sequence[tuple[str, str | bytes]] | None) -> list[Any]:
    """Return `metadata` plus traceparent/tracestate for the active (or inherited) trace."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    if not carrier and os.environ.get(TRACEPARENT_ENV):
        carrier["traceparent"] = os.environ[TRACEPARENT_ENV]
    present = {key for key, _ in metadata or ()}
    return [*(metadata or ()), *((k, v) for k, v in carrier.items() if k not in present)]


class _Details(NamedTuple):
    method: str
    timeout: float | None
    metadata: Any
    credentials: Any
    wait_for_ready: Any
    compression: Any


def _with_trace(details: Any) -> _Details:
    return _Details(
        details.method,
        details.timeout,
        trace_metadata(details.metadata),
        details.credentials,
        getattr(details, "wait_for_ready", None),
        getattr(details, "compression", None),
    )


class TracingClientInterceptor(
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
):
    """For blocking channels (the CLI): add the trace context to every call."""

    def intercept_unary_unary(
        self, continuation: Callable[..., Any], client_call_details: Any, request: Any
    ) -> Any:
        return continuation(_with_trace(client_call_details), request)

    def intercept_unary_stream(
        self, continuation: Callable[..., Any], client_call_details: Any, request: Any
    ) -> Any:
        return continuation(_with_trace(client_call_details), request)


class AioTracingUnaryInterceptor(grpc.aio.UnaryUnaryClientInterceptor):
    """For asyncio channels (internal callers): add the trace context to unary calls."""

    async def intercept_unary_unary(
        self, continuation: Callable[..., Any], client_call_details: Any, request: Any
    ) -> Any:
        return await continuation(_aio_details(client_call_details), request)


class AioTracingStreamInterceptor(grpc.aio.UnaryStreamClientInterceptor):
    """For asyncio channels: add the trace context to server-streaming calls."""

    async def intercept_unary_stream(
        self, continuation: Callable[..., Any], client_call_details: Any, request: Any
    ) -> Any:
        return await continuation(_aio_details(client_call_details), request)


def _aio_details(details: Any) -> grpc.aio.ClientCallDetails:
    return grpc.aio.ClientCallDetails(
        details.method,
        details.timeout,
        grpc.aio.Metadata(*trace_metadata(list(details.metadata or ()))),
        details.credentials,
        details.wait_for_ready,
    )


def aio_interceptors() -> list[grpc.aio.ClientInterceptor]:
    """Interceptors for `grpc.aio.insecure_channel(..., interceptors=...)`."""
    return [AioTracingUnaryInterceptor(), AioTracingStreamInterceptor()]
