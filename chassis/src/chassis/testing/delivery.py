"""Deliver an event to a service's consumers without the broker, for tests of
what the consumer does: the same code path as a record read from Kafka
(envelope parsing, routing, the de-duplication marker and the effect in one
transaction, dead-lettering), minus the consumer group — whose joins cost
seconds per test. Each service keeps one smoke test through the real broker.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from chassis.consumer import EventConsumer
from chassis.consuming import ConsumerRuntime
from contracts import Envelope


async def deliver(runtime: Any, envelope: Envelope, topic: str) -> list[str]:
    """Hand ``envelope`` to every consumer of ``topic``; their outcomes
    (``processed``, ``duplicate``, ``ignored``, ``dead_lettered``)."""
    return [outcomes[0] for outcomes in await deliver_poll(runtime, [envelope], topic)]


async def deliver_poll(
    runtime: Any, envelopes: list[Envelope], topic: str, *, retries: int = 0
) -> list[list[str]]:
    """Hand ``envelopes`` to every consumer of ``topic`` as one poll of one
    partition (the batched path); per consumer, each record's outcome."""
    consumers: list[EventConsumer] = runtime.extras.get("consumers", [])
    records = [as_record(envelope, topic, offset) for offset, envelope in enumerate(envelopes)]
    answers = []
    for consumer in consumers:
        if consumer.topic == topic:
            handling = ConsumerRuntime(consumer, runtime.uow, runtime.publisher, retries, 0.0)
            answers.append(await handling.process_batch(records))
    return answers


def as_record(envelope: Envelope, topic: str, offset: int = 0) -> Any:
    """A consumer record as the broker would hand it over."""
    return SimpleNamespace(
        headers=[(k, v.encode()) for k, v in envelope.kafka_headers().items()],
        value=envelope.kafka_value(),
        key=envelope.kafka_key(),
        topic=topic,
        partition=0,
        offset=offset,
    )
