"""One in-memory span exporter for the whole test run, and helpers to read span trees.

OpenTelemetry lets a process set its global tracer provider once, so every test
that asserts spans shares this one and clears it first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from entrypoints.telemetry import ServiceAttributes

_EXPORTER: InMemorySpanExporter | None = None


def memory_exporter() -> InMemorySpanExporter:
    global _EXPORTER
    if _EXPORTER is None:
        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(ServiceAttributes("paper", "test-session"))
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        if trace.get_tracer_provider() is not provider:
            raise RuntimeError("another tracer provider was installed first")
        _EXPORTER = exporter
    _EXPORTER.clear()
    return _EXPORTER


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = memory_exporter()
    yield exporter
    exporter.clear()


def by_name(spans: Sequence[ReadableSpan], name: str) -> list[ReadableSpan]:
    return [s for s in spans if s.name == name]


def one(spans: Sequence[ReadableSpan], name: str) -> ReadableSpan:
    found = by_name(spans, name)
    assert len(found) == 1, f"{len(found)} spans named {name}: {[s.name for s in spans]}"
    return found[0]


def children(spans: Sequence[ReadableSpan], parent: ReadableSpan) -> list[str]:
    """Names of the direct children of `parent`, in start order."""
    assert parent.context is not None
    kids = [s for s in spans if s.parent is not None and s.parent.span_id == parent.context.span_id]
    return [s.name for s in sorted(kids, key=lambda s: s.start_time or 0)]


def tree(spans: Sequence[ReadableSpan], root: ReadableSpan, depth: int = 0) -> list[str]:
    """The subtree under `root` as indented names, children in start order."""
    assert root.context is not None
    lines = ["  " * depth + root.name]
    kids = [s for s in spans if s.parent is not None and s.parent.span_id == root.context.span_id]
    for kid in sorted(kids, key=lambda s: s.start_time or 0):
        lines += tree(spans, kid, depth + 1)
    return lines
