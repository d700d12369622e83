"""Idempotent, at-least-once event consumers over FastStream.

An :class:`EventConsumer` subscribes to one topic with ``AckPolicy.MANUAL``
and, for every record:

1. parses the CloudEvents binary-mode headers into an :class:`Envelope`;
2. routes on the explicit ``ce_type`` to the handler registered for it
   (types it does not handle are acknowledged and skipped);
3. runs the handler inside a unit of work together with an insert into
   ``processed_events`` (``_id`` = consumer + event id), so a redelivered
   event has no second effect;
4. retries transient errors a bounded number of times with backoff;
5. sends permanent failures (and exhausted retries) to ``<topic>.dlq`` with
   the error, then acknowledges, so one poison message never blocks its
   partition.

The offset is committed only after the transaction committed (or the record
went to the DLQ).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from pydantic import ValidationError
from pymongo.errors import DuplicateKeyError
from tenacity import (
    AsyncRetrying,
    RetryError,
    retry_if_not_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from chassis.context import causation_id_var, correlation_id_var
from chassis.kafka import EventPublisher
from chassis.metrics import DLQ_MESSAGES, EVENTS_CONSUMED
from chassis.uow import Transaction, UnitOfWork
from contracts import Envelope, EnvelopeError, IntegrationEvent, dlq_topic

log = logging.getLogger(__name__)

PROCESSED_EVENTS = "processed_events"
E = TypeVar("E", bound=IntegrationEvent)


class PermanentError(Exception):
    """Retrying cannot help: the event goes to the dead-letter topic at once."""


@dataclass(frozen=True)
class EventContext:
    envelope: Envelope
    tx: Transaction


Handler = Callable[[Any, EventContext], Awaitable[None]]


@dataclass
class _Route(Generic[E]):
    model: type[E]
    handler: Callable[[E, EventContext], Awaitable[None]]


class EventConsumer:
    """One consumer (one consumer group) of one topic."""

    def __init__(self, name: str, topic: str, *, group_id: str | None = None) -> None:
        self.name = name
        self.topic = topic
        self.group_id = group_id or name
        self._routes: dict[str, _Route[Any]] = {}

    def on(self, model: type[E]) -> Callable[[Callable[[E, EventContext], Awaitable[None]]], Any]:
        """Register the handler of one event type (its ``event_type`` carries the version)."""
        if model.topic != self.topic:
            raise ValueError(f"{model.__name__} is published on {model.topic}, not {self.topic}")

        def register(fn: Callable[[E, EventContext], Awaitable[None]]) -> Any:
            self._routes[model.event_type] = _Route(model, fn)
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
    ) -> None:
        runtime = _ConsumerRuntime(self, uow, publisher, retries, backoff_seconds)
        subscriber = broker.subscriber(
            publisher.physical(self.topic),
            group_id=publisher.topic_prefix + self.group_id,
            ack_policy=AckPolicy.MANUAL,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=fetch_max_wait_ms,
            title=self.name,
        )

        @subscriber
        async def _on_record(msg: KafkaMessage) -> None:
            await runtime.handle(msg)


class _ConsumerRuntime:
    def __init__(
        self,
        consumer: EventConsumer,
        uow: UnitOfWork,
        publisher: EventPublisher,
        retries: int,
        backoff_seconds: float,
    ) -> None:
        self.consumer = consumer
        self.uow = uow
        self.publisher = publisher
        self.retries = retries
        self.backoff = backoff_seconds
        self.service = publisher.service

    async def handle(self, msg: Any) -> None:
        record: ConsumerRecord[bytes, bytes] = msg.raw_message
        try:
            outcome = await self.process(record)
        except Exception as exc:
            # Only a failed DLQ publish lands here: leave the offset, redeliver.
            log.exception("consumer %s could not dead-letter a record", self.consumer.name)
            await msg.nack()
            EVENTS_CONSUMED.labels(self.service, self.consumer.name, "?", "nack").inc()
            raise exc from None
        await msg.ack()
        log.debug("consumer %s: %s", self.consumer.name, outcome)

    async def process(self, record: ConsumerRecord[bytes, bytes]) -> str:
        """Handle one record; return the outcome. Raises only if dead-lettering failed."""
        try:
            envelope = Envelope.from_kafka(record.headers or (), record.value)
        except EnvelopeError as exc:
            return await self._dead_letter(record, "?", exc)
        route = self.consumer._routes.get(envelope.type)
        if route is None:
            EVENTS_CONSUMED.labels(self.service, self.consumer.name, envelope.type, "ignored").inc()
            return "ignored"
        try:
            event = route.model.model_validate(envelope.data)
        except ValidationError as exc:
            return await self._dead_letter(record, envelope.type, exc)

        correlation_token = correlation_id_var.set(envelope.correlationid)
        causation_token = causation_id_var.set(envelope.id)
        try:
            retrying = AsyncRetrying(
                stop=stop_after_attempt(self.retries + 1),
                wait=wait_exponential(multiplier=self.backoff, max=max(self.backoff * 10, 0.001)),
                retry=retry_if_not_exception_type((PermanentError, ValidationError)),
                reraise=False,
            )
            async for attempt in retrying:
                with attempt:
                    outcome = await self._apply(envelope, event, route)
        except RetryError as exc:
            cause = exc.last_attempt.exception() or exc
            return await self._dead_letter(record, envelope.type, cause)
        except (PermanentError, ValidationError) as exc:
            return await self._dead_letter(record, envelope.type, exc)
        finally:
            correlation_id_var.reset(correlation_token)
            causation_id_var.reset(causation_token)
        EVENTS_CONSUMED.labels(self.service, self.consumer.name, envelope.type, outcome).inc()
        return outcome

    async def _apply(self, envelope: Envelope, event: Any, route: _Route[Any]) -> str:
        marker_id = f"{self.consumer.name}:{envelope.id}"

        async def work(tx: Transaction) -> str:
            # The marker goes in first: a redelivery fails on the unique _id
            # before the handler runs, and the whole transaction rolls back.
            await tx.db[PROCESSED_EVENTS].insert_one(
                {
                    "_id": marker_id,
                    "consumer": self.consumer.name,
                    "event_id": envelope.id,
                    "event_type": envelope.type,
                    "jurisdiction_id": envelope.jurisdiction,
                    "processed_at": tx.clock.now(),
                },
                session=tx.session,
            )
            await route.handler(event, EventContext(envelope=envelope, tx=tx))
            return "processed"

        try:
            return await self.uow.run(work)
        except DuplicateKeyError as exc:
            if marker_id in str(exc):
                return "duplicate"  # already processed (or a concurrent delivery won)
            raise

    async def _dead_letter(
        self, record: ConsumerRecord[bytes, bytes], event_type: str, error: BaseException
    ) -> str:
        headers = {
            k: (v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v))
            for k, v in (record.headers or ())
        }
        headers.update(
            {
                "dlq_consumer": self.consumer.name,
                "dlq_error": f"{type(error).__name__}: {error}"[:2000],
                "dlq_source_topic": record.topic,
                "dlq_source_partition": str(record.partition),
                "dlq_source_offset": str(record.offset),
            }
        )
        await self.publisher.publish_record(
            dlq_topic(self.consumer.topic),
            record.key or b"",
            record.value or b"",
            headers,
            path="dlq",
        )
        DLQ_MESSAGES.labels(self.service, self.consumer.name, record.topic).inc()
        EVENTS_CONSUMED.labels(self.service, self.consumer.name, event_type, "dead_lettered").inc()
        log.error(
            "consumer %s dead-lettered %s@%s:%s: %s",
            self.consumer.name,
            record.topic,
            record.partition,
            record.offset,
            error,
        )
        return "dead_lettered"


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
