"""Kafka wiring over FastStream: the broker, the raw publisher, topic creation."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.structs import RecordMetadata
from faststream.kafka import KafkaBroker

from chassis.metrics import EVENTS_PUBLISHED

log = logging.getLogger(__name__)


def make_broker(
    bootstrap_servers: str, *, client_id: str, idempotent_producer: bool
) -> KafkaBroker:
    """A FastStream broker that publishes with ``acks=all``.

    The idempotent producer is a setting: on for Apache Kafka, off for the
    embedded Tansu broker, which rejects ``InitProducerId``.
    """
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=idempotent_producer,
        logger=logging.getLogger(f"faststream.{client_id}"),
        log_level=logging.DEBUG,  # per-message "Received/Processed" lines are debug noise
    )


class EventPublisher:
    """Publishes already-encoded records (the outbox stores them encoded)."""

    def __init__(self, broker: KafkaBroker, service: str, topic_prefix: str = "") -> None:
        self.broker = broker
        self.service = service
        self.topic_prefix = topic_prefix

    def physical(self, topic: str) -> str:
        """The broker topic of a logical topic (an installation may share a cluster)."""
        return self.topic_prefix + topic

    async def publish_record(
        self, topic: str, key: bytes, value: bytes, headers: dict[str, str], *, path: str
    ) -> RecordMetadata:
        """Publish and wait for the broker's acknowledgement (``acks=all``); the
        answer names the partition and offset the record got."""
        metadata = await self.broker.publish(value, self.physical(topic), key=key, headers=headers)
        EVENTS_PUBLISHED.labels(self.service, topic, path).inc()
        return metadata

    async def publish_records(
        self, records: Sequence[tuple[str, bytes, bytes, dict[str, str]]], *, path: str
    ) -> list[RecordMetadata | BaseException]:
        """Publish ``(topic, key, value, headers)`` records in one flush: all are
        handed to the producer first (it batches them per partition, in order),
        then every acknowledgement is awaited. Each answer is the record's
        metadata or the error it failed with."""
        futures = [
            await self.broker.publish(
                value, self.physical(topic), key=key, headers=headers, no_confirm=True
            )
            for topic, key, value, headers in records
        ]
        answers = await asyncio.gather(*futures, return_exceptions=True)
        for (topic, *_), answer in zip(records, answers, strict=True):
            if not isinstance(answer, BaseException):
                EVENTS_PUBLISHED.labels(self.service, topic, path).inc()
        return answers


async def ensure_topics(
    bootstrap_servers: str, topics: Iterable[str], *, partitions: int = 3, replication: int = 1
) -> list[str]:
    """Create the topics that do not exist yet; return the ones created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="permitsuite-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if missing:
            try:
                await admin.create_topics(
                    [
                        NewTopic(t, num_partitions=partitions, replication_factor=replication)
                        for t in missing
                    ]
                )
            except TopicAlreadyExistsError:
                log.info("topics created concurrently: %s", missing)
        return missing
    finally:
        await admin.close()
