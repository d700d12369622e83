"""Tracing (issue 25): one trace follows a request across every process it
reaches — over HTTP (W3C ``traceparent``, by the OpenTelemetry ASGI and httpx
instrumentation) and over Kafka (the same ``traceparent`` as the CloudEvents
distributed-tracing extension, ``ce_traceparent``, written when the event is
recorded in the outbox and continued by the consumer that handles it).

Off unless ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) names a collector: then spans are
exported over OTLP/HTTP in batches (the exporter reads the standard
``OTEL_*`` variables). Off, the API's no-op tracer costs next to nothing.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

log = logging.getLogger(__name__)
ENDPOINTS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
QUIET_PATHS = "health,metrics"  # no spans for probes and scrapes
_configured: dict[str, TracerProvider] = {}


def configure_tracing(service: str, exporter: SpanExporter | None = None) -> bool:
    """Export this process's spans (as ``permitsuite-<service>``) when a
    collector is configured, or to ``exporter`` (tests); once per process."""
    if service in _configured:
        return True
    if exporter is None:
        if not any(os.environ.get(name) for name in ENDPOINTS):
            return False
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": f"permitsuite-{service}"}))
    provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=500))
    trace.set_tracer_provider(provider)
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor().instrument(tracer_provider=provider)
    _configured[service] = provider
    log.info("tracing on: spans of %s exported", service)
    return True


def trace_app(app: Any, service: str, exporter: SpanExporter | None = None) -> bool:
    """When tracing is on: a server span per request of ``app`` (a FastAPI
    app), continuing the caller's ``traceparent``; probes and scrapes left
    out. Add it last, so the span covers every other middleware."""
    if not configure_tracing(service, exporter):
        return False
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    app.add_middleware(
        OpenTelemetryMiddleware, excluded_urls=QUIET_PATHS, exclude_spans=["receive", "send"]
    )
    return True


# -- across Kafka ---------------------------------------------------------------
def current_traceparent() -> tuple[str | None, str | None]:
    """The current span's ``traceparent`` and ``tracestate`` (None, None: no trace)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent"), carrier.get("tracestate")


@contextmanager
def continued(
    name: str,
    traceparent: str | None,
    tracestate: str | None = None,
    *,
    kind: trace.SpanKind = trace.SpanKind.INTERNAL,
) -> Iterator[None]:
    """A span in the trace ``traceparent`` names (an event's, a payment's):
    work that continues it in another process or at another time. Without a
    ``traceparent``, the current trace goes on."""
    carrier = {k: v for k, v in (("traceparent", traceparent), ("tracestate", tracestate)) if v}
    parent = propagate.extract(carrier) if carrier else None
    tracer = trace.get_tracer("permitsuite")
    with tracer.start_as_current_span(name, context=parent, kind=kind):
        yield


def consuming(name: str, traceparent: str | None, tracestate: str | None) -> Any:
    """A consumer span for one event, a child of the span that recorded it."""
    return continued(name, traceparent, tracestate, kind=trace.SpanKind.CONSUMER)


def span(name: str) -> Any:
    """A span of this process's own work (an email sent, a provider called)."""
    return trace.get_tracer("permitsuite").start_as_current_span(name)


def in_this_context(callback: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
    """``callback``, run later in the trace it was made in (work after a commit)."""
    made_in = otel_context.get_current()

    async def run() -> None:
        token = otel_context.attach(made_in)
        try:
            await callback()
        finally:
            otel_context.detach(token)

    return run
