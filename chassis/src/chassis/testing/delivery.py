"""Deliver an event to a service's consumers without the broker, for tests of
what the consumer does: the same code path as a record read from Kafka
(envelope parsing, routing, the de-duplication marker and the effect in one
transaction, dead-lettering), minus the consumer group — whose joins cost
seconds per test. Each service keeps one smoke test through the real broker.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from chassis.consumer import EventConsumer, _ConsumerRuntime
from contracts import Envelope


async def deliver(runtime: Any, envelope: Envelope, topic: str) -> list[str]:
    """Hand ``envelope`` to every consumer of ``topic``; their outcomes
    (``processed``, ``duplicate``, ``ignored``, ``dead_lettered``)."""
    consumers: list[EventConsumer] = runtime.extras.get("consumers", [])
    record = SimpleNamespace(
        headers=[(k, v.encode()) for k, v in envelope.kafka_headers().items()],
        value=envelope.kafka_value(),
        key=envelope.kafka_key(),
        topic=topic,
        partition=0,
        offset=0,
    )
    outcomes = []
    for consumer in consumers:
        if consumer.topic == topic:
            handling = _ConsumerRuntime(consumer, runtime.uow, runtime.publisher, 0, 0.0)
            outcomes.append(await handling.process(record))  # type: ignore[arg-type]
    return outcomes
