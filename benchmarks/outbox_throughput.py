"""Benchmark: what the chassis's delivery guarantees cost, against a raw loop.

In one run, on the same embedded broker and database processes:

(a) baseline: aiokafka consume → one Mongo insert → produce (acks=all) →
    commit, per event;
(b) chassis: EventConsumer (CloudEvents parsing, processed_events check and
    insert, one Mongo transaction with the effect and an outbox insert) →
    publish after commit → mark sent.

Reports events/s of both, the ratio (b)/(a), and the latency from an event's
commit (its ``ce_time``) to a downstream consumer receiving it, p50/p99.
Results go to ``benchmarks/results/outbox_throughput.json``.

    make bench                 # default 300 events
    BENCH_EVENTS=1000 make bench
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from devstack.testing.infra import provide_infra

from chassis.app import build_runtime
from chassis.clock import SystemClock
from chassis.consumer import EventConsumer, EventContext
from chassis.kafka import ensure_topics
from chassis.settings import ServiceSettings
from contracts import Envelope, IntegrationEvent

CLOCK = SystemClock()  # a benchmark measures real time
RESULTS = Path(__file__).parent / "results" / "outbox_throughput.json"
N = int(os.environ.get("BENCH_EVENTS", "300"))


class BenchRequested(IntegrationEvent):
    event_type: ClassVar[str] = "permitsuite.bench.Requested.v1"
    topic: ClassVar[str] = "bench.input"
    subject_field: ClassVar[str] = "item_id"
    item_id: str
    n: int


class BenchDone(IntegrationEvent):
    event_type: ClassVar[str] = "permitsuite.bench.Done.v1"
    topic: ClassVar[str] = "bench.output"
    subject_field: ClassVar[str] = "item_id"
    item_id: str
    n: int


async def _preload(bootstrap: str, topic: str, n: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    try:
        futures = []
        for i in range(n):
            env = Envelope(
                source="/permitsuite/bench",
                type=BenchRequested.event_type,
                time=CLOCK.now(),
                subject=f"item-{i}",
                jurisdiction="bench",
                correlationid=str(uuid4()),
                data={"item_id": f"item-{i}", "n": i},
            )
            futures.append(
                await producer.send(
                    topic,
                    env.kafka_value(),
                    key=env.kafka_key(),
                    headers=[(k, v.encode()) for k, v in env.kafka_headers().items()],
                )
            )
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def raw_baseline(bootstrap: str, mongo_url: str, prefix: str) -> float:
    from pymongo import AsyncMongoClient

    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    db = client[f"{prefix[:-1]}raw"]
    consumer = AIOKafkaConsumer(
        f"{prefix}bench.input",
        bootstrap_servers=bootstrap,
        group_id=f"{prefix}raw",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await consumer.start()
    await producer.start()
    try:
        done = 0
        first = await consumer.getone()  # exclude group-join time from the measurement
        started = time.perf_counter()
        record = first
        while True:
            await db["effects"].insert_one({"key": record.key, "offset": record.offset})
            await producer.send_and_wait(f"{prefix}bench.rawout", record.value, key=record.key)
            await consumer.commit()
            done += 1
            if done >= N:
                break
            record = await consumer.getone()
        return N / (time.perf_counter() - started)
    finally:
        await consumer.stop()
        await producer.stop()
        await client.drop_database(db.name)
        await client.close()


async def chassis_path(bootstrap: str, mongo_url: str, prefix: str) -> tuple[float, list[float]]:
    settings = ServiceSettings(
        service_name="bench",
        mongodb_url=mongo_url,
        mongodb_database=f"{prefix[:-1]}chassis",
        kafka_bootstrap_servers=bootstrap,
        kafka_idempotent_producer=False,
        kafka_topic_prefix=prefix,
        log_json=False,
    )
    rt = build_runtime(settings)
    consumer = EventConsumer("bench.worker", "bench.input")
    first_seen: list[float] = []

    @consumer.on(BenchRequested)
    async def on_requested(event: BenchRequested, ctx: EventContext) -> None:
        if not first_seen:
            first_seen.append(time.perf_counter())
        await ctx.tx.db["effects"].insert_one({"item": event.item_id}, session=ctx.tx.session)
        ctx.tx.emit(BenchDone(item_id=event.item_id, n=event.n), jurisdiction_id="bench")

    await rt.outbox.ensure_indexes()
    consumer.attach(rt.broker, rt.uow, rt.publisher, retries=3, backoff_seconds=0.05)
    latencies: list[float] = []
    downstream = AIOKafkaConsumer(
        f"{prefix}bench.output",
        bootstrap_servers=bootstrap,
        group_id=f"{prefix}down",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await downstream.start()
    await rt.broker.start()
    try:
        while len(latencies) < N:
            batch = await downstream.getmany(timeout_ms=1000)
            now = CLOCK.now()
            for records in batch.values():
                for r in records:
                    ce_time = datetime.fromisoformat(dict(r.headers)["ce_time"].decode())
                    latencies.append((now - ce_time).total_seconds())
        elapsed = time.perf_counter() - first_seen[0]
        return N / elapsed, latencies
    finally:
        await rt.broker.stop()
        await downstream.stop()
        await rt.client.drop_database(rt.db.name)
        await rt.client.close()


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def main() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, provide_infra(Path(tmp)) as infra:
        prefix = f"b{uuid4().hex[:6]}."
        topics = [
            f"{prefix}bench.input",
            f"{prefix}bench.output",
            f"{prefix}bench.rawout",
            f"{prefix}bench.input.dlq",
        ]
        await ensure_topics(infra.kafka_bootstrap, topics, partitions=1)
        await _preload(infra.kafka_bootstrap, f"{prefix}bench.input", N)
        raw = await raw_baseline(infra.kafka_bootstrap, infra.mongodb_url, prefix)
        chassis_rate, latencies = await chassis_path(
            infra.kafka_bootstrap, infra.mongodb_url, prefix
        )
    result = {
        "benchmark": "outbox_throughput",
        "measured_at": CLOCK.now().isoformat(),
        "events": N,
        "infra": "embedded (Tansu broker, SecantusDB)"
        if not os.environ.get("MONGODB_URL")
        else "external",
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "baseline_raw_events_per_s": round(raw, 1),
        "chassis_events_per_s": round(chassis_rate, 1),
        "ratio_chassis_to_baseline": round(chassis_rate / raw, 3),
        "commit_to_consumed_latency_ms": {
            "p50": round(_pct(latencies, 50) * 1000, 1),
            "p99": round(_pct(latencies, 99) * 1000, 1),
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main()), indent=2))
