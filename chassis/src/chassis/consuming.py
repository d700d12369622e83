"""How a consumer handles what one poll returned: a batch per partition.

For each partition, in offset order, the records that parse and route are
handled in **one** unit of work: their ``processed_events`` markers, every
handler's effects and the outbox rows commit together, the outbox rows are
published in one flush after the commit, and the caller commits the poll's
offsets once. A batch that fails falls back to one record per transaction
(:meth:`ConsumerRuntime.process`), which retries transient errors and sends a
poison record alone to ``<topic>.dlq``; when a handler failed permanently, that
record is dead-lettered without being called again. A redelivered batch (a crash
after its commit, before the offsets were committed) fails on its markers and
falls back, so every record still has exactly one effect.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from aiokafka import ConsumerRecord, TopicPartition
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
from chassis.deadletters import dead_letter
from chassis.faults import failpoint
from chassis.handlers import EventContext, PermanentError, Route, RoutedConsumer
from chassis.kafka import EventPublisher
from chassis.metrics import EVENTS_CONSUMED
from chassis.pacing import FetchPacing
from chassis.tracing import consuming
from chassis.uow import Transaction, UnitOfWork
from contracts import Envelope, EnvelopeError

log = logging.getLogger(__name__)

PROCESSED_EVENTS = "processed_events"
Record: TypeAlias = "ConsumerRecord[bytes, bytes]"
PERMANENT = (PermanentError, ValidationError)


@dataclass(frozen=True)
class _Item:
    """A record that parsed and has a handler."""

    record: Record
    envelope: Envelope
    event: Any
    route: Route[Any]
    marker_id: str
    consumer_name: str  # whose marker (a merged consumer keeps each topic's name)


@dataclass(frozen=True)
class _Dead:
    """A record to dead-letter: sent after its run, so the DLQ keeps offset order."""

    record: Record
    event_type: str
    error: BaseException


Outcome: TypeAlias = "str | _Dead"


def _rewind(consumer: Any, records: Sequence[Record]) -> None:
    """Seek each partition of the poll back to its first record."""
    if not hasattr(consumer, "seek"):
        return
    first: dict[tuple[str, int], int] = {}
    for record in records:
        key = (record.topic, record.partition)
        first[key] = min(first.get(key, record.offset), record.offset)
    for (topic, partition), offset in first.items():
        consumer.seek(TopicPartition(topic, partition), offset)


class ConsumerRuntime:
    def __init__(
        self,
        consumer: RoutedConsumer,
        uow: UnitOfWork,
        publisher: EventPublisher,
        retries: int,
        backoff_seconds: float,
        pacing: FetchPacing | None = None,
    ) -> None:
        self.pacing = pacing
        self.consumer = consumer
        self.uow = uow
        self.publisher = publisher
        self.retries = retries
        self.backoff = backoff_seconds
        self.service = publisher.service

    # -- one poll -----------------------------------------------------------
    async def handle(self, msg: Any, batch_max_records: int = 1) -> None:
        """Handle the record FastStream waited for and the records already
        fetched behind it, then commit the poll's offsets once. Raises only
        when dead-lettering failed: the poll's partitions are rewound to their
        first record and redelivered (the markers make that harmless)."""
        records: list[Record] = [msg.raw_message]
        consumer: Any = getattr(msg, "consumer", None)
        if self.pacing is not None:
            self.pacing.active(consumer)
        if batch_max_records > 1 and hasattr(consumer, "getmany"):
            # Without waiting: what the fetcher already holds (FastStream's own
            # batch subscriber polls and sleeps while idle; this waits instead).
            fetched = await consumer.getmany(timeout_ms=0, max_records=batch_max_records - 1)
            records.extend(record for batch in fetched.values() for record in batch)
        try:
            outcomes = await self.process_batch(records)
        except Exception as exc:
            log.exception("consumer %s could not dead-letter a record", self.consumer.name)
            _rewind(consumer, records)
            await msg.nack()
            EVENTS_CONSUMED.labels(self.service, self.consumer.name, "?", "nack").inc()
            raise exc from None
        failpoint("consumer_after_commit_before_ack")
        await msg.ack()
        log.debug("consumer %s: %s", self.consumer.name, outcomes)

    async def process_batch(self, records: Sequence[Record]) -> list[str]:
        """Handle records in their order, one unit of work per partition's run;
        return each record's outcome."""
        outcomes: dict[int, Outcome] = {}
        by_partition: dict[tuple[str, int], list[tuple[int, Record]]] = {}
        for position, record in enumerate(records):
            by_partition.setdefault((record.topic, record.partition), []).append((position, record))
        for run in by_partition.values():
            items: list[tuple[int, _Item]] = []
            seen: set[str] = set()
            for position, record in run:
                item = self._admit(record)
                if not isinstance(item, _Item):
                    outcomes[position] = item
                elif item.marker_id in seen:  # the same event twice in one poll
                    outcomes[position] = self._count(item, "duplicate")
                else:
                    seen.add(item.marker_id)
                    items.append((position, item))
            results = await self._apply_run([item for _, item in items])
            outcomes.update(zip((position for position, _ in items), results, strict=True))
        return [await self._settle(outcomes[position]) for position in range(len(records))]

    async def process(self, record: Record) -> str:
        """Handle one record in its own unit of work; return the outcome."""
        item = self._admit(record)
        return await self._settle(item if not isinstance(item, _Item) else await self._one(item))

    # -- steps --------------------------------------------------------------
    async def _settle(self, outcome: Outcome) -> str:
        if isinstance(outcome, _Dead):
            return await self._dead_letter(outcome.record, outcome.event_type, outcome.error)
        return outcome

    def _admit(self, record: Record) -> _Item | Outcome:
        """The record as an item to handle, or its outcome when it has none."""
        try:
            envelope = Envelope.from_kafka(record.headers or (), record.value)
        except EnvelopeError as exc:
            return _Dead(record, "?", exc)
        route = self.consumer._routes.get(envelope.type)
        if route is None:
            name = self.consumer.name_for(self._logical(record.topic))
            EVENTS_CONSUMED.labels(self.service, name, envelope.type, "ignored").inc()
            return "ignored"
        try:
            event = route.model.model_validate(envelope.data)
        except ValidationError as exc:
            return _Dead(record, envelope.type, exc)
        name = self.consumer.name_for(self._logical(record.topic))
        return _Item(record, envelope, event, route, f"{name}:{envelope.id}", name)

    def _logical(self, physical: str) -> str:
        """The topic as the services name it (without the installation's prefix)."""
        prefix = self.publisher.topic_prefix
        return physical[len(prefix) :] if prefix and physical.startswith(prefix) else physical

    async def _apply_run(self, items: list[_Item]) -> list[Outcome]:
        if len(items) <= 1:
            return [await self._one(item) for item in items]
        failed_at: list[int] = []

        async def work(tx: Transaction) -> None:
            failed_at.clear()
            await tx.db[PROCESSED_EVENTS].insert_many(
                [self._marker(item, tx) for item in items], session=tx.session
            )
            for index, item in enumerate(items):
                failed_at[:] = [index]
                await self._call(item, tx)
                if index == 0:
                    failpoint("consumer_mid_batch")
            failed_at.clear()

        try:
            await self.uow.run(work)
        except Exception as exc:
            return await self._fall_back(items, failed_at, exc)
        return [self._count(item, "processed") for item in items]

    async def _fall_back(
        self, items: list[_Item], failed_at: list[int], exc: Exception
    ) -> list[Outcome]:
        """One record per transaction; a record whose handler failed for good
        is dead-lettered without a second call."""
        poison = failed_at[0] if failed_at and isinstance(exc, PERMANENT) else None
        log.info(
            "consumer %s: a batch of %d failed (%s); one by one",
            self.consumer.name,
            len(items),
            type(exc).__name__,
        )
        outcomes: list[Outcome] = []
        for index, item in enumerate(items):
            if index == poison:
                outcomes.append(_Dead(item.record, item.envelope.type, exc))
            else:
                outcomes.append(await self._one(item))
        return outcomes

    async def _one(self, item: _Item) -> Outcome:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.retries + 1),
            wait=wait_exponential(multiplier=self.backoff, max=max(self.backoff * 10, 0.001)),
            retry=retry_if_not_exception_type(PERMANENT),
            reraise=False,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    outcome = await self._apply_one(item)
        except RetryError as exc:
            return _Dead(item.record, item.envelope.type, exc.last_attempt.exception() or exc)
        except PERMANENT as exc:
            return _Dead(item.record, item.envelope.type, exc)
        return self._count(item, outcome)

    async def _apply_one(self, item: _Item) -> str:
        async def work(tx: Transaction) -> str:
            # The marker goes in first: a redelivery fails on the unique _id
            # before the handler runs, and the whole transaction rolls back.
            await tx.db[PROCESSED_EVENTS].insert_one(self._marker(item, tx), session=tx.session)
            await self._call(item, tx)
            return "processed"

        try:
            return await self.uow.run(work)
        except DuplicateKeyError as exc:
            if item.marker_id in str(exc):
                return "duplicate"  # already processed (or a concurrent delivery won)
            raise

    async def _call(self, item: _Item, tx: Transaction) -> None:
        correlation = correlation_id_var.set(item.envelope.correlationid)
        causation = causation_id_var.set(item.envelope.id)
        try:
            envelope = item.envelope
            with consuming(f"consume {envelope.type}", envelope.traceparent, envelope.tracestate):
                await item.route.handler(item.event, EventContext(envelope=envelope, tx=tx))
        finally:
            correlation_id_var.reset(correlation)
            causation_id_var.reset(causation)

    def _marker(self, item: _Item, tx: Transaction) -> dict[str, Any]:
        return {
            "_id": item.marker_id,
            "consumer": item.consumer_name,
            "event_id": item.envelope.id,
            "event_type": item.envelope.type,
            "jurisdiction_id": item.envelope.jurisdiction,
            "processed_at": tx.clock.now(),
        }

    def _count(self, item: _Item, outcome: str) -> str:
        EVENTS_CONSUMED.labels(self.service, item.consumer_name, item.envelope.type, outcome).inc()
        return outcome

    async def _dead_letter(self, record: Record, event_type: str, error: BaseException) -> str:
        topic = self._logical(record.topic)
        name = self.consumer.name_for(topic)  # metrics and markers keep each topic's name
        await dead_letter(self.publisher, name, topic, record, error)
        EVENTS_CONSUMED.labels(self.service, name, event_type, "dead_lettered").inc()
        return "dead_lettered"
