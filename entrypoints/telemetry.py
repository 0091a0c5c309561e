"""Configure the OpenTelemetry SDK: the one place that picks exporters.

The application only uses the API (application/telemetry.py). Here a tracer
provider is installed when the settings name an exporter; with `none` nothing
is installed and every span is a no-op.
"""

from __future__ import annotations

import functools
import uuid

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

from entrypoints.settings import Settings, TelemetrySettings


@functools.cache
def session_id() -> str:
    """Return this process's correlation id, on every log line and span."""
    return uuid.uuid4().hex[:12]


class ServiceAttributes(SpanProcessor):
    """Stamp the trading mode and the session id on every span as it starts."""

    def __init__(self, mode: str, session: str) -> None:
        self._attributes = {"mode": mode, "session.id": session}

    def on_start(self, span: Span, parent_context: otel_context.Context | None = None) -> None:
        span.set_attributes(self._attributes)

    def on_end(self, span: ReadableSpan) -> None:
        return None


def build_provider(
    settings: Settings, exporter: SpanExporter | None = None, batch: bool = True
) -> TracerProvider:
    """Build a provider exporting to `exporter`, or to the configured one."""
    config = settings.telemetry
    provider = TracerProvider(
        resource=Resource.create(
            {
                "service.name": config.service_name,
                "service.instance.id": session_id(),
                "deployment.environment": settings.mode,
            }
        ),
        sampler=ParentBased(TraceIdRatioBased(config.sample_ratio)),
    )
    provider.add_span_processor(ServiceAttributes(settings.mode, session_id()))
    chosen = exporter if exporter is not None else _exporter(config)
    if chosen is not None:
        processor = BatchSpanProcessor(chosen) if batch else SimpleSpanProcessor(chosen)
        provider.add_span_processor(processor)
    return provider


def configure_tracing(settings: Settings) -> TracerProvider | None:
    """Install the global tracer provider the settings ask for; None for `none`."""
    if settings.telemetry.exporter == "none":
        return None
    provider = build_provider(settings)
    trace.set_tracer_provider(provider)
    return provider


def _exporter(config: TelemetrySettings) -> SpanExporter | None:
    headers = _headers(config)
    if config.exporter == "console":
        return ConsoleSpanExporter(service_name=config.service_name)
    if config.exporter == "otlp-grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter(endpoint=config.endpoint, headers=headers)
    if config.exporter == "otlp-http":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
            OTLPSpanExporter as OTLPHttpSpanExporter,
        )

        return OTLPHttpSpanExporter(endpoint=config.endpoint, headers=headers)
    return None


def _headers(config: TelemetrySettings) -> dict[str, str] | None:
    if config.headers is None:
        return None
    pairs = (item.partition("=") for item in config.headers.get_secret_value().split(","))
    return {key.strip(): value.strip() for key, _, value in pairs if key.strip()}
