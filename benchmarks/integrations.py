"""Issue 26's benchmarks: webhook fan-out, and reading the event feed.

**Fan-out**: the integrations service as a real process, 20 webhook
endpoints of one jurisdiction on a receiver in a process of its own
(``benchmarks.webhook_receiver``); ``BENCH_WEBHOOK_EVENTS`` (default 500)
permit events published at once — deliveries/s until all 20 x N arrived —
then ``BENCH_WEBHOOK_PACED`` (200) at ``BENCH_WEBHOOK_RATE`` (5/s, so 100
deliveries/s: a quarter of what this machine delivers at most, "while
healthy"): the delay from the event's publication (acknowledged by the
broker, as an outbox publishes right after its commit) to its arrival at each
endpoint, p50 and p99 (targets ≤ 100 ms and ≤ 500 ms). At 20 events/s (400
deliveries/s) the two cores are saturated — sending and signing in the
integrations process, the receiver, the database — and the delay is the
queue (p50 1.3 s on 2026-12-07).

**Feed read**: a page of 500 through the service's API, from the start and
from the newest, in a jurisdiction of 1,000 and one of 100,000 stored events
(the same run); the ratio of the p50s (target ≤ 1.2).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from aiokafka import AIOKafkaProducer
from devstack.testing import TestScope
from devstack.testing.infra import provide_infra
from devstack.testing.stack import service_stack
from devstack.testing.tokens import LocalIssuer
from pymongo import MongoClient

from chassis.clock import SystemClock
from contracts import Envelope
from contracts.permits import PermitStatusChanged

RESULTS = Path(__file__).parent / "results" / "integrations.json"
ENDPOINTS = 20
EVENTS = int(os.environ.get("BENCH_WEBHOOK_EVENTS", "500"))
PACED = int(os.environ.get("BENCH_WEBHOOK_PACED", "200"))
RATE = float(os.environ.get("BENCH_WEBHOOK_RATE", "5"))
FEED_SIZES = (1_000, 100_000)
ISSUER = LocalIssuer()
CLOCK = SystemClock()


def _event(i: int, jid: str) -> tuple[str, bytes, bytes, list[tuple[str, bytes]]]:
    data = PermitStatusChanged(
        permit_id=f"p{i % 50}",
        jurisdiction_id=jid,
        number=f"RES26-{i:06d}",
        from_status="SUBMITTED",
        to_status="IN_REVIEW",
        by="staff",
        at=CLOCK.now(),
        version=i + 2,
    )
    env = Envelope(
        source="/permitsuite/bench",
        type=data.event_type,
        time=CLOCK.now(),
        subject=data.subject(),
        jurisdiction=jid,
        correlationid=str(uuid4()),
        data=data.model_dump(mode="json"),
    )
    headers = [(k, v.encode()) for k, v in env.kafka_headers().items()]
    return env.id, env.kafka_key(), env.kafka_value(), headers


async def publish(bootstrap: str, topic: str, ids: range, rate: float | None) -> dict[str, float]:
    """Publish; each event's id → when the broker acknowledged it."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0 if rate else 5)
    await producer.start()
    sent: dict[str, float] = {}
    try:
        started = time.perf_counter()
        waiting = []
        for n, i in enumerate(ids):
            if rate:
                await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
            event_id, key, value, headers = _event(i, "bench")
            future = await producer.send(topic, value, key=key, headers=headers)
            if rate:
                await future
                sent[event_id] = time.monotonic()
            else:
                waiting.append((event_id, future))
        for event_id, future in waiting:
            await future
            sent[event_id] = time.monotonic()
    finally:
        await producer.stop()
    return sent


def _pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if values else 0.0


async def arrivals(receiver: str, count: int, timeout: float = 600) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(timeout=30) as http:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = (await http.get(f"{receiver}/arrivals")).json()
            if len(got) >= count:
                return list(got)
            await asyncio.sleep(0.2)
    raise TimeoutError(f"only {len(got)} of {count} deliveries arrived")


async def fan_out(api: str, bootstrap: str, topic: str, receiver: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=5) as http:  # the receiver is up
        for _ in range(100):
            try:
                await http.get(f"{receiver}/arrivals")
                break
            except httpx.HTTPError:
                await asyncio.sleep(0.1)
    admin = ISSUER.headers("bench", "staff", now=CLOCK.now(), roles=["admin"])
    async with httpx.AsyncClient(base_url=api, headers=admin, timeout=30) as http:
        for n in range(ENDPOINTS):
            r = await http.post(
                "/v1/jurisdictions/bench/webhook-endpoints", json={"url": f"{receiver}/hook/{n}"}
            )
            r.raise_for_status()
    await publish(bootstrap, topic, range(EVENTS), None)
    started = time.monotonic()
    got = await arrivals(receiver, EVENTS * ENDPOINTS)
    took = max(a["at"] for a in got) - started
    async with httpx.AsyncClient(timeout=30) as http:
        await http.delete(f"{receiver}/arrivals")
    sent = await publish(bootstrap, topic, range(EVENTS, EVENTS + PACED), RATE)
    paced = await arrivals(receiver, PACED * ENDPOINTS)
    delays = [(a["at"] - sent[a["id"]]) * 1000 for a in paced if a["id"] in sent]
    p50, p99 = _pct(delays, 50), _pct(delays, 99)
    return {
        "endpoints": ENDPOINTS,
        "events": EVENTS,
        "deliveries_per_s": round(EVENTS * ENDPOINTS / took, 1),
        "paced": {"events": PACED, "rate_per_s": RATE},
        "publish_to_delivery_ms": {"p50": round(p50, 1), "p99": round(p99, 1)},
        "targets": {"p50 <= 100 ms": p50 <= 100, "p99 <= 500 ms": p99 <= 500},
    }


def seed_feed(mongodb_url: str, database: str, jid: str, size: int) -> None:
    client: MongoClient[dict[str, Any]]
    with MongoClient(mongodb_url) as client:
        db: Any = client[database]
        now = CLOCK.now()
        batch = []
        for position in range(1, size + 1):
            _, _, value, _ = _event(position, jid)
            batch.append(
                {
                    "_id": f"{jid}-{position}",
                    "id": f"{jid}-{position}",
                    "jurisdiction_id": jid,
                    "position": position,
                    "stored_at": now,
                    "specversion": "1.0",
                    "source": "/permitsuite/bench",
                    "type": PermitStatusChanged.event_type,
                    "time": now.isoformat(),
                    "subject": f"p{position % 50}",
                    "jurisdiction": jid,
                    "correlationid": "bench",
                    "datacontenttype": "application/json",
                    "data": json.loads(value),
                }
            )
            if len(batch) == 5_000:
                db["feed_events"].insert_many(batch)
                batch = []
        if batch:
            db["feed_events"].insert_many(batch)
        db["feed_heads"].update_one({"_id": jid}, {"$set": {"position": size}}, upsert=True)


async def feed_reads(api: str, jid: str, size: int, rounds: int = 30) -> dict[str, float]:
    admin = ISSUER.headers(jid, "staff", now=CLOCK.now(), roles=["admin"])
    cursor_newest = _cursor(size - 500)
    times: list[float] = []
    async with httpx.AsyncClient(base_url=api, headers=admin, timeout=60) as http:
        for n in range(rounds):
            params: dict[str, str | int] = {"limit": 500}
            if n % 2:
                params["after"] = cursor_newest
            started = time.perf_counter()
            r = await http.get(f"/v1/jurisdictions/{jid}/events", params=params)
            times.append((time.perf_counter() - started) * 1000)
            assert r.status_code == 200 and len(r.json()["items"]) == 500, r.text
    return {"p50_ms": round(_pct(times, 50), 1), "p99_ms": round(_pct(times, 99), 1)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cursor(position: int) -> str:
    from integrations.domain.feed import cursor_for

    return cursor_for(position)


def main() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, provide_infra(Path(tmp)) as infra:
        scope = TestScope(infra, "benchhooks")
        asyncio.run(scope.create_topics())
        log_dir = Path(tmp)
        port = free_port()
        receiver = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.webhook_receiver", "--port", str(port)]
        )
        try:
            services = {"integrations": {"log_level": "WARNING", "webhook_poll_seconds": 0.5}}
            with (
                ISSUER.serve_jwks(log_dir, log_dir) as jwks_url,
                service_stack(scope, log_dir, jwks_url, services) as procs,
            ):
                api = procs["integrations"].url
                topic = f"{scope.topic_prefix}{PermitStatusChanged.topic}"
                hooks = asyncio.run(
                    fan_out(api, infra.kafka_bootstrap, topic, f"http://127.0.0.1:{port}")
                )
                database = f"{scope.database}_integrations"
                reads: dict[int, dict[str, float]] = {}
                for size in FEED_SIZES:
                    seed_feed(infra.mongodb_url, database, f"feed{size}", size)
                    reads[size] = asyncio.run(feed_reads(api, f"feed{size}", size))
        finally:
            receiver.terminate()
            receiver.wait(10)
    return write_result(hooks, reads)


def write_result(hooks: dict[str, Any], reads: dict[int, dict[str, float]]) -> dict[str, Any]:
    small, large = (reads[s]["p50_ms"] for s in FEED_SIZES)
    result = {
        "benchmark": "integrations",
        "measured_at": CLOCK.now().isoformat(),
        "infra": "embedded (Tansu broker, SecantusDB); integrations and the receiver as processes",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "webhook_fan_out": hooks,
        "feed_page_of_500": {
            **{f"{size}_events": reads[size] for size in FEED_SIZES},
            "ratio_p50_largest_to_smallest": round(large / small, 3),
            "target ratio <= 1.2": large / small <= 1.2,
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
