"""Benchmark: what the chassis's delivery guarantees cost, against bare loops.

In one run, on the same embedded broker and database processes, over the same
preloaded events (one partition):

(a) per-event bare loop: aiokafka consume → one Mongo insert → produce
    (acks=all) → commit, per event;
(b) batched bare loop: per poll, one insert per event, one produce flush, one
    offset commit — the same effect with none of the guarantees;
(c) the chassis (:class:`chassis.consumer.EventConsumer`): per poll and
    partition one transaction with the de-duplication markers, the handler's
    insert per event and the outbox rows, then one publish flush, one bulk
    mark-sent and one offset commit.

Then the latency from an event's commit upstream (its ``ce_time``, stamped
right before it is published) to the chassis consumer's effect committed
(``tx.after_commit``), with events paced at ``BENCH_RATE`` per second so
the figure is the path's latency, not a queue's.

Results go to ``benchmarks/results/outbox_throughput.json``.

    make bench                 # default 2,000 events, 200 paced at 50/s
    BENCH_EVENTS=5000 make bench
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from devstack.processes import EMBEDDED_FETCH_MAX_WAIT_MS
from devstack.testing.infra import provide_infra

from chassis.app import build_runtime
from chassis.clock import SystemClock
from chassis.consumer import EventConsumer, EventContext
from chassis.kafka import ensure_topics
from chassis.settings import ServiceSettings
from contracts import Envelope, IntegrationEvent

CLOCK = SystemClock()  # a benchmark measures real time
RESULTS = Path(__file__).parent / "results" / "outbox_throughput.json"
N = int(os.environ.get("BENCH_EVENTS", "2000"))
PACED = int(os.environ.get("BENCH_PACED_EVENTS", "200"))
RATE = float(os.environ.get("BENCH_RATE", "50"))
BATCH = 100


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


def _record(i: int) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """An event as an upstream outbox publishes it; ``ce_time`` is now."""
    env = Envelope(
        source="/permitsuite/bench",
        type=BenchRequested.event_type,
        time=CLOCK.now(),
        subject=f"item-{i}",
        jurisdiction="bench",
        correlationid=str(uuid4()),
        data={"item_id": f"item-{i}", "n": i},
    )
    headers = [(k, v.encode()) for k, v in env.kafka_headers().items()]
    return env.kafka_key(), env.kafka_value(), headers


async def _produce(bootstrap: str, topic: str, ids: range, *, rate: float | None = None) -> None:
    """All at once (``linger`` batches them), or paced at ``rate`` per second
    (each sent at once, as an outbox publishes right after its commit)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0 if rate else 5)
    await producer.start()
    try:
        futures = []
        started = time.perf_counter()
        for n, i in enumerate(ids):
            if rate:
                await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
            key, value, headers = _record(i)
            futures.append(await producer.send(topic, value, key=key, headers=headers))
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def bare_loop(bootstrap: str, mongo_url: str, prefix: str, *, batched: bool) -> float:
    """Events/s of consume → insert → produce → commit without any guarantee,
    per event or per poll."""
    from pymongo import AsyncMongoClient

    name = "rawbatch" if batched else "raw"
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    db = client[f"{prefix[:-1]}{name}"]
    consumer = AIOKafkaConsumer(
        f"{prefix}bench.input",
        bootstrap_servers=bootstrap,
        group_id=f"{prefix}{name}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=EMBEDDED_FETCH_MAX_WAIT_MS,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await consumer.start()
    await producer.start()
    try:
        done = 0
        polled = await consumer.getmany(timeout_ms=10_000, max_records=BATCH if batched else 1)
        started = time.perf_counter()  # group-join time is not measured
        while True:
            records = [r for rs in polled.values() for r in rs]
            sends = []
            for record in records:
                await db["effects"].insert_one({"key": record.key, "offset": record.offset})
                if batched:
                    sends.append(await producer.send(f"{prefix}bench.rawout", record.value))
                else:
                    await producer.send_and_wait(f"{prefix}bench.rawout", record.value)
            await asyncio.gather(*sends)
            await consumer.commit()
            done += len(records)
            if done >= N:
                return done / (time.perf_counter() - started)
            polled = await consumer.getmany(timeout_ms=1000, max_records=BATCH if batched else 1)
    finally:
        await consumer.stop()
        await producer.stop()
        await client.drop_database(db.name)
        await client.close()


class ChassisPath:
    """The chassis consumer, as a service attaches it (embedded settings)."""

    def __init__(self, bootstrap: str, mongo_url: str, prefix: str) -> None:
        self.settings = ServiceSettings(
            service_name="bench",
            mongodb_url=mongo_url,
            mongodb_database=f"{prefix[:-1]}chassis",
            kafka_bootstrap_servers=bootstrap,
            kafka_idempotent_producer=False,
            kafka_topic_prefix=prefix,
            kafka_fetch_max_wait_ms=EMBEDDED_FETCH_MAX_WAIT_MS,
            log_json=False,
        )
        self.rt = build_runtime(self.settings)
        self.first_seen: float | None = None
        self.committed: list[float] = []  # perf_counter at each effect's commit
        self.latencies: list[float] = []  # ce_time → effect committed, seconds
        consumer = EventConsumer("bench.worker", "bench.input")

        @consumer.on(BenchRequested)
        async def on_requested(event: BenchRequested, ctx: EventContext) -> None:
            if self.first_seen is None:
                self.first_seen = time.perf_counter()
            await ctx.tx.db["effects"].insert_one({"item": event.item_id}, session=ctx.tx.session)
            ctx.tx.emit(BenchDone(item_id=event.item_id, n=event.n), jurisdiction_id="bench")
            sent_at = ctx.envelope.time

            async def effect_committed() -> None:
                self.committed.append(time.perf_counter())
                self.latencies.append((CLOCK.now() - sent_at).total_seconds())

            ctx.tx.after_commit(effect_committed)

        self.consumer = consumer

    async def __aenter__(self) -> ChassisPath:
        s = self.settings
        await self.rt.outbox.ensure_indexes()
        self.consumer.attach(
            self.rt.broker,
            self.rt.uow,
            self.rt.publisher,
            retries=3,
            backoff_seconds=0.05,
            fetch_max_wait_ms=s.kafka_fetch_max_wait_ms,
            batch_max_records=s.kafka_consumer_batch_max_records,
        )
        await self.rt.broker.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.rt.broker.stop()
        await self.rt.client.drop_database(self.rt.db.name)
        await self.rt.client.close()

    async def wait_for(self, count: int, timeout: float = 300) -> None:
        end = time.perf_counter() + timeout
        while len(self.committed) < count:
            if time.perf_counter() > end:
                raise TimeoutError(f"{len(self.committed)} of {count} effects committed")
            await asyncio.sleep(0.05)


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _ms(values: list[float]) -> dict[str, float]:
    return {"p50": round(_pct(values, 50) * 1000, 1), "p99": round(_pct(values, 99) * 1000, 1)}


async def main() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, provide_infra(Path(tmp)) as infra:
        bootstrap, mongo = infra.kafka_bootstrap, infra.mongodb_url
        prefix = f"b{uuid4().hex[:6]}."
        topics = ["bench.input", "bench.output", "bench.rawout", "bench.input.dlq"]
        await ensure_topics(bootstrap, [prefix + t for t in topics], partitions=1)
        await _produce(bootstrap, f"{prefix}bench.input", range(N))
        per_event = await bare_loop(bootstrap, mongo, prefix, batched=False)
        batched = await bare_loop(bootstrap, mongo, prefix, batched=True)
        async with ChassisPath(bootstrap, mongo, prefix) as chassis:
            await chassis.wait_for(N)
            assert chassis.first_seen is not None
            chassis_rate = N / (chassis.committed[-1] - chassis.first_seen)
            await asyncio.sleep(1)  # idle, then events one at a time
            chassis.latencies.clear()
            await _produce(bootstrap, f"{prefix}bench.input", range(N, N + PACED), rate=RATE)
            await chassis.wait_for(N + PACED)
            latencies = chassis.latencies
    result = {
        "benchmark": "outbox_throughput",
        "measured_at": CLOCK.now().isoformat(),
        "events": N,
        "batch_max_records": BATCH,
        "infra": "embedded (Tansu broker, SecantusDB)",
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "bare_per_event_events_per_s": round(per_event, 1),
        "bare_batched_events_per_s": round(batched, 1),
        "chassis_events_per_s": round(chassis_rate, 1),
        "ratio_chassis_to_bare_batched": round(chassis_rate / batched, 3),
        "ratio_chassis_to_bare_per_event": round(chassis_rate / per_event, 3),
        "commit_to_effect_ms": {"events": PACED, "rate_per_s": RATE, **_ms(latencies)},
        "targets": {
            "chassis_events_per_s >= 400": chassis_rate >= 400,
            "ratio_chassis_to_bare_batched >= 0.8": chassis_rate / batched >= 0.8,
            "commit_to_effect p50 <= 25 ms": _pct(latencies, 50) <= 0.025,
            "commit_to_effect p99 <= 100 ms": _pct(latencies, 99) <= 0.100,
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main()), indent=2))
