"""Read records back from the real broker in tests."""

from __future__ import annotations

import asyncio
import time
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition


async def read_records(
    bootstrap: str,
    topic: str,
    *,
    count: int,
    timeout: float = 20.0,
    settle: float = 0.0,
) -> list[ConsumerRecord[bytes, bytes]]:
    """Read ``count`` records from the start of ``topic`` (all partitions, no group).

    Returns early once ``count`` arrived, after waiting ``settle`` seconds more
    to catch unexpected extras (duplicates); returns what it has at timeout.
    """
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        client_id=f"test-reader-{uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    partitions = consumer.partitions_for_topic(topic) or set()
    if not partitions:
        await consumer._client.force_metadata_update()
        partitions = consumer.partitions_for_topic(topic) or set()
    assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
    consumer.assign(assigned)
    await consumer.seek_to_beginning(*assigned)
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        deadline = time.monotonic() + timeout
        settle_until: float | None = None
        while time.monotonic() < deadline:
            if settle_until is not None and time.monotonic() >= settle_until:
                break
            batch = await consumer.getmany(timeout_ms=200)
            for partition_records in batch.values():
                records.extend(partition_records)
            if len(records) >= count and settle_until is None:
                if settle <= 0:
                    break
                settle_until = time.monotonic() + settle
            await asyncio.sleep(0)
    finally:
        await consumer.stop()
    return records
