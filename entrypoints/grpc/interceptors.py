"""Server interceptors, one per concern, installed outermost first:
tracing → request id and access log → authentication → error mapping."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import grpc
import structlog
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from entrypoints.grpc.errors import details_for, status_for

log = structlog.get_logger("grpc")

Continuation = Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]]
Unary = Callable[[Any, grpc.aio.ServicerContext], Awaitable[Any]]
Streaming = Callable[[Any, grpc.aio.ServicerContext], AsyncIterator[Any]]


def _wrap(
    handler: grpc.RpcMethodHandler | None,
    unary: Callable[[Unary], Unary],
    streaming: Callable[[Streaming], Streaming],
) -> grpc.RpcMethodHandler | None:
    if handler is None:
        return None
    if handler.unary_unary is not None:
        return grpc.unary_unary_rpc_method_handler(
            unary(handler.unary_unary),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    if handler.unary_stream is not None:
        return grpc.unary_stream_rpc_method_handler(
            streaming(handler.unary_stream),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    return handler


class TracingInterceptor(grpc.aio.ServerInterceptor):
    """Run each call in a SERVER span that continues the caller's W3C trace.

    Outermost, so the access log, the use case and everything below share the
    call's trace; a `traceparent` in the metadata makes the span a child of the
    caller's, so an internal system's trace continues into ours.
    """

    def __init__(self) -> None:
        self._tracer = trace.get_tracer("autotrader.grpc")

    async def intercept_service(
        self, continuation: Continuation, details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler | None:
        carrier = {k: v for k, v in details.invocation_metadata or () if isinstance(v, str)}
        parent = propagate.extract(carrier)
        method = details.method
        service, _, name = method.lstrip("/").partition("/")
        attributes = {"rpc.system": "grpc", "rpc.service": service, "rpc.method": name}
        handler = await continuation(details)

        @contextlib.contextmanager
        def traced(context: grpc.aio.ServicerContext) -> Iterator[None]:
            with self._tracer.start_as_current_span(
                method,
                context=parent,
                kind=SpanKind.SERVER,
                attributes=attributes,
                record_exception=False,
                set_status_on_exception=False,
            ) as span:
                try:
                    yield
                finally:
                    _end_rpc_span(span, context)

        def unary(behaviour: Unary) -> Unary:
            async def call(request: Any, context: grpc.aio.ServicerContext) -> Any:
                with traced(context):
                    return await behaviour(request, context)

            return call

        def streaming(behaviour: Streaming) -> Streaming:
            async def call(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
                with traced(context):
                    async for item in behaviour(request, context):
                        yield item

            return call

        return _wrap(handler, unary, streaming)


def _end_rpc_span(span: trace.Span, context: grpc.aio.ServicerContext) -> None:
    code = context.code() or grpc.StatusCode.OK
    if not isinstance(code, grpc.StatusCode):
        return
    span.set_attribute("rpc.grpc.status_code", code.value[0])
    if code is not grpc.StatusCode.OK:
        span.set_status(Status(StatusCode.ERROR, f"{code.name}: {context.details() or ''}"))


class ErrorMappingInterceptor(grpc.aio.ServerInterceptor):
    """Turn application errors into status codes so nothing reaches a client as UNKNOWN."""

    async def intercept_service(
        self, continuation: Continuation, details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler | None:
        return _wrap(await continuation(details), self._unary, self._streaming)

    def _unary(self, behaviour: Unary) -> Unary:
        async def call(request: Any, context: grpc.aio.ServicerContext) -> Any:
            try:
                return await behaviour(request, context)
            except grpc.aio.AbortError:
                raise
            except Exception as error:
                await _abort_for(error, context)

        return call

    def _streaming(self, behaviour: Streaming) -> Streaming:
        async def call(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
            try:
                async for item in behaviour(request, context):
                    yield item
            except grpc.aio.AbortError:
                raise
            except Exception as error:
                await _abort_for(error, context)

        return call


async def _abort_for(error: Exception, context: grpc.aio.ServicerContext) -> None:
    code = status_for(error)
    if code is None:
        log.exception("unhandled error", error_type=type(error).__name__)
        await context.abort(grpc.StatusCode.INTERNAL, "internal error; see the server log")
    if code is grpc.StatusCode.INVALID_ARGUMENT and hasattr(error, "field"):
        context.set_trailing_metadata((("invalid-field", str(error.field)),))
    await context.abort(code, details_for(error, code))


class Role(IntEnum):
    """Operator roles, each allowed everything the lower ones are."""

    READ = 1
    TRADE = 2
    ADMIN = 3
    LIVE = 4


@dataclass(frozen=True, slots=True)
class Grant:
    name: str
    role: Role


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class AuthInterceptor(grpc.aio.ServerInterceptor):
    """Bearer-token authentication and role checks.

    With no token configured every call is allowed (the default listens on
    loopback only). Once one is, a call without a valid token is UNAUTHENTICATED
    and a call above its role is PERMISSION_DENIED. Health checks and reflection
    stay open so probes and tools work.
    """

    OPEN_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")

    def __init__(self, tokens: Mapping[str, Grant], required: Mapping[str, Role]) -> None:
        self._grants = {_digest(token): grant for token, grant in tokens.items()}
        self._required = required

    async def intercept_service(
        self, continuation: Continuation, details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler | None:
        method = details.method
        if not self._grants or method.startswith(self.OPEN_PREFIXES):
            return await continuation(details)
        grant = self._grant(details.invocation_metadata or ())
        if grant is None:
            return _deny(grpc.StatusCode.UNAUTHENTICATED, "a valid bearer token is required")
        needed = self._required.get(method, Role.ADMIN)
        if grant.role < needed:
            return _deny(
                grpc.StatusCode.PERMISSION_DENIED,
                f"{method} needs the {needed.name.lower()} role; "
                f"token {grant.name!r} has {grant.role.name.lower()}",
            )
        structlog.contextvars.bind_contextvars(principal=grant.name)
        return await continuation(details)

    def _grant(self, metadata: Any) -> Grant | None:
        for key, value in metadata:
            if key == "authorization" and isinstance(value, str):
                scheme, _, token = value.partition(" ")
                if scheme.lower() != "bearer" or not token:
                    return None
                digest = _digest(token.strip())
                for known, grant in self._grants.items():
                    if hmac.compare_digest(known, digest):
                        return grant
        return None


def _deny(code: grpc.StatusCode, message: str) -> grpc.RpcMethodHandler:
    async def deny(request: Any, context: grpc.aio.ServicerContext) -> None:
        await context.abort(code, message)

    return grpc.unary_unary_rpc_method_handler(deny)


class RequestLogInterceptor(grpc.aio.ServerInterceptor):
    """Give each call a request id (or take the caller's x-request-id) and log its outcome."""

    async def intercept_service(
        self, continuation: Continuation, details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler | None:
        metadata = dict(details.invocation_metadata or ())
        request_id = str(metadata.get("x-request-id") or uuid.uuid4().hex[:16])
        method = details.method
        handler = await continuation(details)

        def unary(behaviour: Unary) -> Unary:
            async def call(request: Any, context: grpc.aio.ServicerContext) -> Any:
                with structlog.contextvars.bound_contextvars(request_id=request_id):
                    started = time.perf_counter()
                    try:
                        return await behaviour(request, context)
                    finally:
                        _log_call(method, context, started)

            return call

        def streaming(behaviour: Streaming) -> Streaming:
            async def call(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
                with structlog.contextvars.bound_contextvars(request_id=request_id):
                    started = time.perf_counter()
                    try:
                        async for item in behaviour(request, context):
                            yield item
                    finally:
                        _log_call(method, context, started)

            return call

        return _wrap(handler, unary, streaming)


def _log_call(method: str, context: grpc.aio.ServicerContext, started: float) -> None:
    code = context.code() or grpc.StatusCode.OK
    name = code.name if isinstance(code, grpc.StatusCode) else str(code)
    elapsed_ms = round((time.perf_counter() - started) * 1000, 3)
    level = "info" if name == "OK" else "warning"
    getattr(log, level)(
        "rpc", method=method, code=name, ms=elapsed_ms, details=context.details() or None
    )
