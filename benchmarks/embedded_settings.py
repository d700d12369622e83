"""Benchmark: what the embedded stack's three settings cost and buy.

In one run, each setting against its alternative on the same machine:

(a) the consumer fetch wait (``KAFKA_FETCH_MAX_WAIT_MS``): latency from an
    event's publish to the chassis consumer's handler (FastStream, one
    transaction per event, as every service consumes), p50/p99, at aiokafka's
    default 500 ms and at the embedded 50 ms; and the CPU an idle consumer and
    the broker spend per second at each;
(b) commits synced to disk (SecantusDB ``--sync-on-commit``, which ``make run``
    uses so nothing acknowledged is lost in a crash): transactions/s (an
    aggregate update plus an outbox insert, as a command writes) on a server
    with and without it;
(c) ``retryWrites=false``: ms per write over the first and the last 1,000 of
    12,000 single writes, with the driver's default ``retryWrites=true`` and
    with ``false`` (SecantusDB remembers retryable writes and scans them).

Results go to ``benchmarks/results/embedded_settings.json``.

    make bench
    BENCH_WRITES=4000 python -m benchmarks.embedded_settings   # a quicker (c)
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar
from uuid import uuid4

from devstack.processes import (
    EMBEDDED_FETCH_MAX_WAIT_MS,
    free_port,
    mongo_url,
    start_broker,
    start_mongo,
)
from pymongo import AsyncMongoClient

from benchmarks.embedded import cpu_seconds
from chassis.app import build_runtime
from chassis.clock import SystemClock
from chassis.consumer import EventConsumer, EventContext
from chassis.kafka import ensure_topics
from chassis.settings import ServiceSettings
from contracts import Envelope, IntegrationEvent

CLOCK = SystemClock()  # a benchmark measures real time
RESULTS = Path(__file__).parent / "results" / "embedded_settings.json"
EVENTS = int(os.environ.get("BENCH_EVENTS", "200"))
TRANSACTIONS = int(os.environ.get("BENCH_TRANSACTIONS", "300"))
WRITES = int(os.environ.get("BENCH_WRITES", "12000"))
IDLE_SECONDS = float(os.environ.get("BENCH_IDLE_SECONDS", "10"))
HOST = "127.0.0.1"
PARTITIONS = int(os.environ.get("BENCH_PARTITIONS", "3"))  # as the suite's topics


def _pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


class Ping(IntegrationEvent):
    event_type: ClassVar[str] = "permitsuite.bench.Ping.v1"
    topic: ClassVar[str] = "bench.ping"
    subject_field: ClassVar[str] = "n"
    n: int
    sent: float


async def fetch_wait(
    bootstrap: str, database_url: str, broker_pid: int, wait_ms: int
) -> dict[str, Any]:
    """Latency through the chassis consumer (FastStream, one transaction per
    event), as every service consumes: from publishing to the handler."""
    prefix = f"fw{uuid4().hex[:6]}."
    await ensure_topics(
        bootstrap, [f"{prefix}bench.ping", f"{prefix}bench.ping.dlq"], partitions=PARTITIONS
    )
    rt = build_runtime(
        ServiceSettings(
            service_name="bench",
            mongodb_url=database_url,
            mongodb_database=f"{prefix[:-1]}",
            kafka_bootstrap_servers=bootstrap,
            kafka_idempotent_producer=False,
            kafka_topic_prefix=prefix,
            log_json=False,
        )
    )
    consumer = EventConsumer("bench.ping", "bench.ping")
    latencies: list[float] = []
    arrived = asyncio.Event()

    @consumer.on(Ping)
    async def on_ping(event: Ping, ctx: EventContext) -> None:
        latencies.append(time.perf_counter() - event.sent)
        arrived.set()

    consumer.attach(
        rt.broker, rt.uow, rt.publisher, retries=0, backoff_seconds=0, fetch_max_wait_ms=wait_ms
    )
    await rt.broker.start()

    async def ping(n: int) -> None:
        arrived.clear()
        env = Envelope(
            source="/permitsuite/bench",
            type=Ping.event_type,
            time=CLOCK.now(),
            subject=str(n),
            jurisdiction="bench",
            correlationid=str(uuid4()),
            data={"n": n, "sent": time.perf_counter()},
        )
        await rt.publisher.publish_record(
            "bench.ping", env.kafka_key(), env.kafka_value(), env.kafka_headers(), path="bench"
        )
        await asyncio.wait_for(arrived.wait(), timeout=30)

    try:
        await ping(-1)  # the group has joined and fetches
        latencies.clear()
        own, broker = time.process_time(), cpu_seconds(broker_pid)
        await asyncio.sleep(IDLE_SECONDS)  # idle: what do the consumer and the broker spend?
        idle_cpu = {
            "consumer_process_pct": round((time.process_time() - own) / IDLE_SECONDS * 100, 2),
            "broker_pct": round((cpu_seconds(broker_pid) - broker) / IDLE_SECONDS * 100, 2),
        }
        spread = random.Random(7)  # arrivals at random points of a wait, the same every run
        for n in range(EVENTS):
            await ping(n)
            await asyncio.sleep(spread.uniform(0, 0.1))
        return {
            "fetch_max_wait_ms": wait_ms,
            "publish_to_handled_ms": {
                "p50": round(_pct(latencies, 50) * 1000, 1),
                "p99": round(_pct(latencies, 99) * 1000, 1),
            },
            "idle_cpu": idle_cpu,
        }
    finally:
        await rt.broker.stop()
        await rt.client.drop_database(rt.db.name)
        await rt.client.close()


async def commits_per_second(url: str) -> float:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(url)
    db = client["bench"]
    await db["aggregates"].insert_one({"_id": "agg", "version": 0})
    await db["outbox"].insert_one({"_id": "warm"})
    try:
        started = time.perf_counter()
        for n in range(TRANSACTIONS):
            async with client.start_session() as session, await session.start_transaction():
                await db["aggregates"].update_one(
                    {"_id": "agg"}, {"$inc": {"version": 1}}, session=session
                )
                await db["outbox"].insert_one({"_id": n, "value": "x" * 400}, session=session)
        return TRANSACTIONS / (time.perf_counter() - started)
    finally:
        await client.close()


async def write_cost(url: str) -> dict[str, float]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(url)
    coll = client["bench"]["leases"]
    await coll.insert_one({"_id": "relay", "n": 0})
    timings: list[float] = []
    try:
        for _ in range(WRITES):
            started = time.perf_counter()
            await coll.update_one({"_id": "relay"}, {"$inc": {"n": 1}})
            timings.append(time.perf_counter() - started)
        window = min(1000, WRITES // 4)
        first = statistics.mean(timings[:window]) * 1000
        last = statistics.mean(timings[-window:]) * 1000
        return {
            "first_ms_per_write": round(first, 3),
            "last_ms_per_write": round(last, 3),
            "slowdown": round(last / first, 2),
        }
    finally:
        await client.close()


async def main() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(tmp) / "logs"
        port, mport = free_port(), free_port()
        broker = start_broker(HOST, port, logs)
        database = start_mongo(HOST, mport, ":memory:", logs)
        try:
            bootstrap, url = f"{HOST}:{port}", mongo_url(HOST, mport)
            assert broker.pid is not None
            waits = [
                await fetch_wait(bootstrap, url, broker.pid, w)
                for w in (500, EMBEDDED_FETCH_MAX_WAIT_MS)
            ]
        finally:
            database.stop()
            broker.stop()

        commits = {}
        for synced in (False, True):
            mport = free_port()
            db = start_mongo(HOST, mport, Path(tmp) / f"db-{synced}", logs, sync_on_commit=synced)
            try:
                url = f"mongodb://{HOST}:{mport}/?directConnection=true"
                commits["synced" if synced else "not_synced"] = round(
                    await commits_per_second(url), 1
                )
            finally:
                db.stop()

        writes = {}
        for retry in ("true", "false"):
            mport = free_port()
            db = start_mongo(HOST, mport, ":memory:", logs)
            try:
                url = f"mongodb://{HOST}:{mport}/?directConnection=true&retryWrites={retry}"
                writes[f"retryWrites={retry}"] = await write_cost(url)
            finally:
                db.stop()

    result = {
        "benchmark": "embedded_settings",
        "measured_at": CLOCK.now().isoformat(),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "fetch_wait": {
            "events": EVENTS,
            "idle_seconds": IDLE_SECONDS,
            "runs": waits,
            "p50_ratio_embedded_to_default": round(
                waits[1]["publish_to_handled_ms"]["p50"] / waits[0]["publish_to_handled_ms"]["p50"],
                3,
            ),
        },
        "sync_on_commit": {
            "transactions": TRANSACTIONS,
            "transactions_per_s": commits,
            "ratio_synced_to_not": round(commits["synced"] / commits["not_synced"], 3),
        },
        "retry_writes": {"writes": WRITES, **writes},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main()), indent=2))
