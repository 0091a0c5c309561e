"""Tracing hooks for the application: the OpenTelemetry API only, never the SDK.

With no SDK configured (the default) every call here is a cheap no-op. The
entrypoints install a tracer provider and exporters when the settings ask.

How a component adds its spans:

    from application import telemetry

    with telemetry.span("strategy.signal", symbol=s, strategy=name) as sp:
        ...
        sp.set_attribute("signal", "long")

Across a boundary that is not a function call (an event bus, a queue, a stored
row), carry `telemetry.traceparent()` with the message and continue it with
`telemetry.span(name, parent=telemetry.context_from(header))`.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from decimal import Decimal
from enum import Enum
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Link, Span, SpanContext, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from application.ports.risk import RiskVerdict
from domain.order import Order

__all__ = ["ORDER_TRACES", "OrderTraces", "Span", "SpanContext", "SpanKind", "span"]

TRACER_NAME = "autotrader"
TRACEPARENT = "traceparent"
_PROPAGATOR = TraceContextTextMapPropagator()

AttributeValue = str | bool | int | float


def attributes(values: Mapping[str, object]) -> dict[str, AttributeValue]:
    """Turn values into span attributes: Decimals and enums as text, None dropped."""
    clean: dict[str, AttributeValue] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, Enum):
            clean[key] = str(value.value)
        elif isinstance(value, bool | int | float | str):
            clean[key] = value
        else:
            clean[key] = str(value) if isinstance(value, Decimal) else repr(value)
    return clean


def order_attributes(order: Order) -> dict[str, AttributeValue]:
    """The attributes every span about one order carries."""
    return attributes(
        {
            "symbol": order.symbol,
            "side": order.side,
            "quantity": order.quantity,
            "order_type": order.type,
            "order_id": order.order_id,
            "client_order_id": order.client_order_id,
        }
    )


def verdict_attributes(verdict: RiskVerdict) -> dict[str, AttributeValue]:
    """The attributes of a risk decision: verdict, machine code and reason."""
    return attributes(
        {
            "risk.verdict": "accepted" if verdict.accepted else "rejected",
            "risk.code": verdict.code or None,
            "risk.reason": verdict.message or None,
        }
    )


def span(
    name: str,
    base: Mapping[str, object] | None = None,
    *,
    parent: SpanContext | None = None,
    links: Iterable[SpanContext] = (),
    kind: SpanKind = SpanKind.INTERNAL,
    **values: object,
) -> AbstractContextManager[Span]:
    """Run the block in a new span, a child of `parent` or else of the current span.

    Its attributes are `base` (e.g. `order_attributes(order)`) updated by `values`.

    An exception leaving the block is recorded on the span and marks it as failed.
    Before any tracer provider is installed this is a shared no-op context: the API's
    own no-op span still costs tens of microseconds, which a backtest pays per bar.
    """
    if trace._TRACER_PROVIDER is None:  # private, but the API keeps no public flag
        return _NO_SPAN
    return _span(name, base, parent=parent, links=links, kind=kind, **values)


_NO_SPAN: AbstractContextManager[Span] = nullcontext(trace.INVALID_SPAN)


@contextmanager
def _span(
    name: str,
    base: Mapping[str, object] | None = None,
    *,
    parent: SpanContext | None = None,
    links: Iterable[SpanContext] = (),
    kind: SpanKind = SpanKind.INTERNAL,
    **values: object,
) -> Iterator[Span]:
    context = trace.set_span_in_context(trace.NonRecordingSpan(parent)) if parent else None
    with _tracer().start_as_current_span(
        name,
        context=context,
        kind=kind,
        attributes=attributes({**(base or {}), **values}),
        links=[Link(c) for c in links if c.is_valid],
    ) as current:
        yield current


@functools.cache
def _tracer() -> trace.Tracer:
    # Asking the SDK for a tracer costs more than a span; before a provider is set this
    # is a proxy that follows the provider installed later.
    return trace.get_tracer(TRACER_NAME)


def capture() -> object:
    """Return the caller's trace context, to be `attached` where its work is done later."""
    return otel_context.get_current()


@contextmanager
def attached(captured: object) -> Iterator[None]:
    """Run the block in a context `capture`d elsewhere (None: the current one)."""
    if captured is None:
        yield
        return
    token = otel_context.attach(captured)  # type: ignore[arg-type]
    try:
        yield
    finally:
        otel_context.detach(token)


def current_context() -> SpanContext | None:
    """Return the active span's context, or None outside any trace."""
    context = trace.get_current_span().get_span_context()
    return context if context.is_valid else None


def traceparent() -> str | None:
    """Return the W3C traceparent of the active span, to carry across a boundary."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier.get(TRACEPARENT)


def context_from(header: str | None) -> SpanContext | None:
    """Read a W3C traceparent back into a span context (None when absent or invalid)."""
    if not header:
        return None
    context = trace.get_current_span(_PROPAGATOR.extract({TRACEPARENT: header}))
    span_context = context.get_span_context()
    return span_context if span_context.is_valid else None


def set_attributes(**values: Any) -> None:
    """Add attributes to the active span (no-op outside a trace)."""
    trace.get_current_span().set_attributes(attributes(values))


class OrderTraces:
    """Remember the span each order was placed in, so its later fills join its trace.

    A bounded, least-recently-used map from client order id to span context: a
    fill that arrives after eviction (or after a restart) starts a trace of its own.
    """

    def __init__(self, capacity: int = 100_000) -> None:
        self._capacity = capacity
        self._contexts: OrderedDict[str, SpanContext] = OrderedDict()

    def remember(self, client_order_id: str) -> None:
        """Store the active span as the home of this order's later events."""
        context = current_context()
        if context is None:
            return
        self._contexts[client_order_id] = context
        self._contexts.move_to_end(client_order_id)
        while len(self._contexts) > self._capacity:
            self._contexts.popitem(last=False)

    def get(self, client_order_id: str) -> SpanContext | None:
        return self._contexts.get(client_order_id)

    def parent_for(self, client_order_id: str) -> tuple[SpanContext | None, list[SpanContext]]:
        """Return (parent, links) for a span about this order.

        Inside the order's own trace the current span stays the parent; elsewhere
        (a venue callback, a tick loop) the order's span becomes the parent and the
        current span, if any, is linked.
        """
        home = self.get(client_order_id)
        current = current_context()
        if home is None or (current is not None and current.trace_id == home.trace_id):
            return None, []
        return home, [current] if current is not None else []

    def clear(self) -> None:
        self._contexts.clear()


# One per process, like OpenTelemetry's own global provider.
ORDER_TRACES = OrderTraces()
