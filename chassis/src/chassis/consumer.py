"""Idempotent, at-least-once event consumers over FastStream.

An :class:`EventConsumer` subscribes to one topic as a FastStream subscriber
with ``AckPolicy.MANUAL``. It waits for one record (no polling loop while
idle), takes every record already fetched behind it (up to a batch size), and
handles them per partition and in offset order (:mod:`chassis.consuming`):

1. parses the CloudEvents binary-mode headers of every record into an
   :class:`Envelope`;
2. routes on the explicit ``ce_type`` to the handler registered for it
   (types it does not handle are acknowledged and skipped);
3. runs the handlers in one unit of work together with an insert into
   ``processed_events`` per record (``_id`` = consumer + event id), so a
   redelivered event has no second effect;
4. falls back to one record per transaction when that batch fails, retrying
   transient errors a bounded number of times with backoff;
5. sends permanent failures (and exhausted retries) to ``<topic>.dlq`` with
   the error, so one poison message never blocks its partition.

The poll's offsets are committed once, after every record committed (or went
to the DLQ).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from aiokafka import ConsumerRebalanceListener, TopicPartition
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from chassis.consuming import PROCESSED_EVENTS, ConsumerRuntime
from chassis.handlers import EventContext, PermanentError, Route
from chassis.kafka import EventPublisher
from chassis.metrics import CONSUMER_PARTITIONS
from chassis.pacing import FetchPacing
from chassis.uow import Transaction, UnitOfWork
from contracts import IntegrationEvent

__all__ = [
    "PROCESSED_EVENTS",
    "EventConsumer",
    "EventContext",
    "Handler",
    "PermanentError",
    "consumer_of",
]

log = logging.getLogger(__name__)

E = TypeVar("E", bound=IntegrationEvent)

Handler = Callable[[Any, EventContext], Awaitable[None]]


class EventConsumer:
    """One consumer (one consumer group) of one topic, or of several (``merged``)."""

    def __init__(self, name: str, topic: str, *, group_id: str | None = None) -> None:
        self.name = name
        self.topic = topic
        self.topics = [topic]
        self.group_id = group_id or name
        self._routes: dict[str, Route[Any]] = {}
        self._names = {topic: name}  # whose de-duplication markers a topic's events get

    @classmethod
    def merged(cls, name: str, consumers: Sequence[EventConsumer]) -> EventConsumer:
        """One consumer — one group, one fetch loop — for all of a service's
        topics (13 consumers each polling the broker kept an idle suite busy).
        Each topic keeps its consumer's name for the de-duplication markers
        and dead letters, so an event applied before the merge is not applied
        again when the new group starts from the earliest record."""
        topics = [c.topic for c in consumers]
        if len(set(topics)) != len(topics):
            raise ValueError(f"two consumers of one topic cannot be merged: {topics}")
        merged = cls(name, topics[0])
        merged.topics = topics
        merged._names = {c.topic: c.name for c in consumers}
        for consumer in consumers:
            merged._routes.update(consumer._routes)
        return merged

    def name_for(self, topic: str) -> str:
        """The consumer name of ``topic``'s markers (its own name unless merged)."""
        return self._names.get(topic, self.name)

    def on(self, model: type[E]) -> Callable[[Callable[[E, EventContext], Awaitable[None]]], Any]:
        """Register the handler of one event type (its ``event_type`` carries the version)."""
        if model.topic not in self.topics:
            raise ValueError(f"{model.__name__} is published on {model.topic}, not {self.topic}")

        def register(fn: Callable[[E, EventContext], Awaitable[None]]) -> Any:
            self._routes[model.event_type] = Route(model, fn)
            return fn

        return register

    @property
    def event_types(self) -> list[str]:
        return sorted(self._routes)

    def attach(
        self,
        broker: KafkaBroker,
        uow: UnitOfWork,
        publisher: EventPublisher,
        *,
        retries: int,
        backoff_seconds: float,
        fetch_max_wait_ms: int = 500,
        batch_max_records: int = 100,
        session_timeout_ms: int = 10_000,
        idle_wait_ms: int | None = None,
        idle_after_seconds: float = 30.0,
    ) -> None:
        """Subscribe on ``broker``; each poll handles up to ``batch_max_records``.
        With ``idle_wait_ms``, fetches wait that long while the consumer is idle
        and ``fetch_max_wait_ms`` once records arrive (:class:`FetchPacing`)."""
        pacing = (
            FetchPacing(fetch_max_wait_ms, idle_wait_ms, idle_after_seconds)
            if idle_wait_ms is not None
            else None
        )
        runtime = ConsumerRuntime(self, uow, publisher, retries, backoff_seconds, pacing)
        subscribed = [publisher.physical(topic) for topic in self.topics]
        subscriber = broker.subscriber(
            *subscribed,
            group_id=publisher.topic_prefix + self.group_id,
            ack_policy=AckPolicy.MANUAL,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=idle_wait_ms if idle_wait_ms is not None else fetch_max_wait_ms,
            session_timeout_ms=session_timeout_ms,
            heartbeat_interval_ms=max(session_timeout_ms // 3, 100),
            title=self.name,
            listener=PartitionShare(publisher.service, self.name, subscribed),
        )

        @subscriber
        async def _on_poll(msg: KafkaMessage) -> None:
            await runtime.handle(msg, batch_max_records)


class PartitionShare(ConsumerRebalanceListener):  # type: ignore[misc]
    """Shows this process's share of its group on ``/metrics``: after each
    rebalance, how many partitions of each topic it now consumes."""

    def __init__(self, service: str, consumer: str, topics: Sequence[str]) -> None:
        self.service = service
        self.consumer = consumer
        self.topics = list(topics)

    def _show(self, assigned: set[TopicPartition]) -> None:
        for topic in self.topics:
            count = sum(1 for tp in assigned if tp.topic == topic)
            CONSUMER_PARTITIONS.labels(self.service, self.consumer, topic).set(count)

    def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        self._show(set())

    def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self._show(set(assigned))


def consumer_of(
    name: str,
    topic: str,
    table: Mapping[Any, Any],
    unit_of_work: Callable[[Transaction, str], Any],
) -> EventConsumer:
    """A consumer from a table: event type → ``handler(event, uow)``, where
    ``uow`` is the service's unit of work for the event's jurisdiction, bound to
    the consumer's transaction (the one its de-duplication marker commits in)."""
    consumer = EventConsumer(name, topic)
    for model, handler in table.items():

        async def on_event(
            event: Any, ctx: EventContext, handler: Callable[[Any, Any], Awaitable[Any]] = handler
        ) -> None:
            await handler(event, unit_of_work(ctx.tx, event.jurisdiction_id))

        consumer.on(model)(on_event)
    return consumer
