"""Dead-lettering: a record no retry can help goes to ``<topic>.dlq`` as it
came (key, value, headers), with what went wrong and where it came from in
``dlq_*`` headers, so an operator can read, fix and replay it."""

from __future__ import annotations

import logging
from typing import Any

from chassis.kafka import EventPublisher
from chassis.metrics import DLQ_MESSAGES
from contracts import dlq_topic

log = logging.getLogger(__name__)


async def dead_letter(
    publisher: EventPublisher, consumer: str, topic: str, record: Any, error: BaseException
) -> None:
    """Publish ``record`` to ``topic``'s dead-letter topic (and wait for the
    broker); raises if that fails, so the record is not acknowledged."""
    headers = {
        k: (v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v))
        for k, v in (record.headers or ())
    }
    headers.update(
        {
            "dlq_consumer": consumer,
            "dlq_error": f"{type(error).__name__}: {error}"[:2000],
            "dlq_source_topic": record.topic,
            "dlq_source_partition": str(record.partition),
            "dlq_source_offset": str(record.offset),
        }
    )
    await publisher.publish_record(
        dlq_topic(topic), record.key or b"", record.value or b"", headers, path="dlq"
    )
    DLQ_MESSAGES.labels(publisher.service, consumer, record.topic).inc()
    log.error(
        "consumer %s dead-lettered %s@%s:%s: %s",
        consumer,
        record.topic,
        record.partition,
        record.offset,
        error,
    )
