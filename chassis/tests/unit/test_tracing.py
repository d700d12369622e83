"""Tracing across HTTP and Kafka (issue 25): the trace context travels with
an event as the CloudEvents ``traceparent`` extension, and the consumer's
span continues the span that recorded it; work after a commit stays in the
trace it was registered in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from chassis.tracing import consuming, continued, current_traceparent, in_this_context, span
from contracts import Envelope


@pytest.fixture(scope="module")
def exported() -> InMemorySpanExporter:
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


def _envelope(traceparent: str | None) -> Envelope:
    return Envelope(
        source="/permitsuite/payments",
        type="permitsuite.payments.PaymentSettled.v1",
        time=datetime(2026, 12, 6, tzinfo=UTC),
        subject="pay_1",
        correlationid="c-1",
        traceparent=traceparent,
        data={},
    )


def test_an_events_consumer_continues_the_trace_that_recorded_it(
    exported: InMemorySpanExporter,
) -> None:
    exported.clear()
    with span("checkout"):
        traceparent, _ = current_traceparent()
    assert traceparent is not None
    sent = _envelope(traceparent)
    assert sent.kafka_headers()["ce_traceparent"] == traceparent
    received = Envelope.from_kafka(sent.kafka_headers(), sent.kafka_value())
    with consuming("consume PaymentSettled", received.traceparent, received.tracestate):
        pass
    checkout, consumed = exported.get_finished_spans()
    assert consumed.context.trace_id == checkout.context.trace_id
    assert consumed.parent is not None and consumed.parent.span_id == checkout.context.span_id
    assert consumed.kind == trace.SpanKind.CONSUMER


def test_without_a_trace_an_event_carries_none_and_a_consumer_starts_one(
    exported: InMemorySpanExporter,
) -> None:
    exported.clear()
    assert current_traceparent() == (None, None)
    assert "ce_traceparent" not in _envelope(None).kafka_headers()
    with consuming("consume", None, None):
        pass
    [started] = exported.get_finished_spans()
    assert started.parent is None


async def test_work_after_the_commit_stays_in_its_trace(exported: InMemorySpanExporter) -> None:
    exported.clear()
    seen: list[int] = []

    async def send_email() -> None:
        seen.append(trace.get_current_span().get_span_context().trace_id)

    with span("consume PaymentSettled") as consumer:
        later = in_this_context(send_email)
    await later()  # outside the span, as after the transaction commits
    assert seen == [consumer.get_span_context().trace_id]


def test_a_payment_settled_later_continues_its_checkouts_trace(
    exported: InMemorySpanExporter,
) -> None:
    exported.clear()
    with span("POST /checkout"):
        stored, _ = current_traceparent()  # kept on the payment
    with continued("payment succeeded", stored):  # the webhook, another request
        pass
    checkout, settled = exported.get_finished_spans()
    assert settled.context.trace_id == checkout.context.trace_id
