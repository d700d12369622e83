"""Kafka wiring over FastStream: the broker, the raw publisher, topic creation."""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Iterable, Sequence
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.structs import RecordMetadata
from faststream.kafka import KafkaBroker
from faststream.security import (
    BaseSecurity,
    SASLPlaintext,
    SASLScram256,
    SASLScram512,
)

from chassis.metrics import EVENTS_PUBLISHED
from chassis.settings import ServiceSettings

log = logging.getLogger(__name__)


SASL = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}


def _tls(s: ServiceSettings) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=s.kafka_ssl_cafile or None)


def broker_security(s: ServiceSettings) -> BaseSecurity | None:
    """FastStream's security for the cluster: None in plaintext (embedded)."""
    if s.kafka_security_protocol == "PLAINTEXT":
        return None
    if s.kafka_security_protocol == "SSL":
        return BaseSecurity(ssl_context=_tls(s))
    password = s.kafka_sasl_password.get_secret_value() if s.kafka_sasl_password else ""
    return SASL[s.kafka_sasl_mechanism](s.kafka_sasl_username, password, ssl_context=_tls(s))


def client_security(s: ServiceSettings) -> dict[str, Any]:
    """The same for aiokafka's own clients (topic creation, the outbox's check)."""
    if s.kafka_security_protocol == "PLAINTEXT":
        return {}
    found: dict[str, Any] = {"security_protocol": s.kafka_security_protocol, "ssl_context": _tls(s)}
    if s.kafka_security_protocol == "SASL_SSL":
        password = s.kafka_sasl_password.get_secret_value() if s.kafka_sasl_password else ""
        found |= {
            "sasl_mechanism": s.kafka_sasl_mechanism,
            "sasl_plain_username": s.kafka_sasl_username,
            "sasl_plain_password": password,
        }
    return found


def make_broker(
    bootstrap_servers: str,
    *,
    client_id: str,
    idempotent_producer: bool,
    security: BaseSecurity | None = None,
) -> KafkaBroker:
    """A FastStream broker that publishes with ``acks=all``.

    The idempotent producer is a setting: on for Apache Kafka, off for the
    embedded Tansu broker, which rejects ``InitProducerId``; ``security`` is
    the cluster's TLS and SASL (:func:`broker_security`).
    """
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=idempotent_producer,
        security=security,
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
    bootstrap_servers: str,
    topics: Iterable[str],
    *,
    partitions: int = 3,
    replication: int = 1,
    config: dict[str, str] | None = None,
    security: dict[str, Any] | None = None,
) -> list[str]:
    """Create the topics that do not exist yet; return the ones created.
    ``config``: each new topic's settings (``min.insync.replicas``…);
    ``security``: :func:`client_security`."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, client_id="permitsuite-admin", **(security or {})
    )
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if missing:
            try:
                await admin.create_topics(
                    [
                        NewTopic(
                            t,
                            num_partitions=partitions,
                            replication_factor=replication,
                            topic_configs=config or {},
                        )
                        for t in missing
                    ]
                )
            except TopicAlreadyExistsError:
                log.info("topics created concurrently: %s", missing)
        return missing
    finally:
        await admin.close()
