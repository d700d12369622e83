"""Benchmark: an online payment end to end on the embedded stack.

Real processes — sandbox provider, payments, permits — on the embedded broker
and database. Measured, in one run:

(a) baseline: a counter payment (staff records cash at the desk) → the
    permit is paid: settlement → outbox → permits' consumer, no provider;
(b) online: checkout (reserve, provider session) → the payer approves on the
    sandbox's hosted page → signed webhook → settlement → PaymentSettled →
    the permit is paid.

Reports latency p50/p99 of each (sequential), the ratio (b)/(a), and online
payments/s with several payers at once. Results go to
``benchmarks/results/payments_flow.json``.

    make bench                       # default 20 payments per series
    BENCH_PAYMENTS=50 make bench
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from devstack.testing import ServiceProcess, TestScope
from devstack.testing.infra import provide_infra
from devstack.testing.tokens import LocalIssuer

from benchmarks.report import save

RESULTS = Path(__file__).parent / "results" / "payments_flow.json"
N = int(os.environ.get("BENCH_PAYMENTS", "20"))
CONCURRENCY = 8
API_KEY, SECRET = "bench-sandbox-api-key", "bench-webhook-secret"
ISSUER = LocalIssuer()
ADMIN = {"kind": "staff", "email": "admin@example.org", "roles": ["admin", "cashier"]}


@contextmanager
def stack(scope: TestScope, log_dir: Path, jwks_url: str) -> Iterator[dict[str, str]]:
    payments = ServiceProcess(
        "payments",
        "payments",
        env_prefix="PAYMENTS_",
        log_dir=log_dir,
        env=scope.service_env(
            "PAYMENTS_",
            "payments",
            jwks_url=jwks_url,
            provider_api_key=API_KEY,
            webhook_secret=SECRET,
            log_level="WARNING",
        ),
    )
    sandbox = ServiceProcess(
        "sandboxpay",
        "sandboxpay",
        env_prefix="SANDBOXPAY_",
        log_dir=log_dir,
        env={
            "SANDBOXPAY_MONGODB_URL": scope.infra.mongodb_url,
            "SANDBOXPAY_DATABASE": f"{scope.database}_sandbox",
            "SANDBOXPAY_API_KEY": API_KEY,
            "SANDBOXPAY_WEBHOOK_SECRET": SECRET,
            "SANDBOXPAY_WEBHOOK_URL": f"{payments.url}/v1/webhooks/payments/sandbox",
            "SANDBOXPAY_DELIVER_INTERVAL_SECONDS": "0.05",
        },
    )
    payments.env["PAYMENTS_SANDBOX_URL"] = sandbox.url
    permits = ServiceProcess(
        "permits",
        "permits",
        env_prefix="PERMITS_",
        log_dir=log_dir,
        env=scope.service_env("PERMITS_", "permits", jwks_url=jwks_url, log_level="WARNING"),
    )
    procs = [sandbox.start(), permits.start(), payments.start()]
    try:
        yield {"payments": payments.url, "permits": permits.url}
    finally:
        for proc in reversed(procs):
            proc.stop()


async def make_permits(http: httpx.AsyncClient, urls: dict[str, str], n: int) -> list[str]:
    admin = ISSUER.headers("bench", **ADMIN)  # type: ignore[arg-type]
    base = f"{urls['permits']}/v1/jurisdictions/bench"
    await http.put(
        f"{urls['payments']}/v1/jurisdictions/bench/payment-settings",
        headers=admin,
        json={
            "online_payments": True,
            "methods": [{"code": "card", "label": "Card 3%", "fee_percent": "3"}],
        },
    )
    r = await http.put(
        f"{base}/permit-types/RES",
        headers=admin,
        json={
            "name": "RESIDENTIAL",
            "number_format": "RES{yy}-{seq:05}",
            "fee_schedule": [{"code": "PLAN", "name": "PLANNING", "amount": "35.00"}],
        },
    )
    r.raise_for_status()
    ids = []
    for i in range(n):
        permit = (
            await http.post(
                f"{base}/permits",
                headers=admin,
                json={
                    "type_code": "RES",
                    "site": {"street": f"{i} Main St", "city": "X", "state": "ID", "zip": "83642"},
                    "applicant": {"name": "Payer", "email": f"payer{i}@example.org"},
                },
            )
        ).json()
        for step in ("IN_REVIEW", "PENDING_APPROVAL"):
            permit = (
                await http.post(
                    f"{base}/permits/{permit['id']}/transitions",
                    headers=admin,
                    json={"to": step, "version": permit["version"]},
                )
            ).json()
        r = await http.post(
            f"{base}/permits/{permit['id']}/fees",
            headers={**admin, "Idempotency-Key": f"assess-{permit['id']}"},
            json={"items": [{"code": "PLAN"}]},
        )
        r.raise_for_status()
        ids.append(permit["id"])
    return ids


class PaidWatcher:
    """The moment permits announces a permit paid (``PermitStatusChanged`` to
    READY_TO_ISSUE on ``permits.events``), waited for on the event stream —
    not by polling the API, which would load what is measured."""

    PAID = b"permitsuite.permits.PermitStatusChanged.v1"

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=10
        )
        self.topic = topic
        self.waiting: dict[str, asyncio.Future[float]] = {}
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> PaidWatcher:
        await self.consumer.start()
        await self.consumer._client.force_metadata_update()
        partitions = self.consumer.partitions_for_topic(self.topic) or set()
        assigned = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        self.consumer.assign(assigned)
        await self.consumer.seek_to_end(*assigned)
        self.task = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.task is not None:
            self.task.cancel()
        await self.consumer.stop()

    def expect(self, permit_id: str) -> asyncio.Future[float]:
        """Call before the action; resolves with the arrival time (perf_counter)."""
        return self.waiting.setdefault(permit_id, asyncio.get_running_loop().create_future())

    async def _read(self) -> None:
        while True:
            batch = await self.consumer.getmany(timeout_ms=100)
            arrived = time.perf_counter()
            for record in (r for records in batch.values() for r in records):
                if dict(record.headers).get("ce_type") != self.PAID or record.value is None:
                    continue
                event = json.loads(record.value)
                future = self.waiting.get(event.get("permit_id", ""))
                if event.get("to_status") == "READY_TO_ISSUE" and future and not future.done():
                    future.set_result(arrived)


async def online(
    http: httpx.AsyncClient, urls: dict[str, str], watch: PaidWatcher, permit_id: str, i: int
) -> float:
    payer = ISSUER.headers("bench", "community_member", email=f"payer{i}@example.org")
    base = f"{urls['payments']}/v1/jurisdictions/bench"
    while (  # noqa: ASYNC110 - polling over HTTP, as a client does
        await http.post(f"{base}/cart/items", headers=payer, json={"permit_id": permit_id})
    ).status_code != 204:
        await asyncio.sleep(0.05)  # payments has not seen FeeAssessed yet (setup, not timed)
    paid = watch.expect(permit_id)
    started = time.perf_counter()
    pay = (
        await http.post(
            f"{base}/checkout",
            headers={**payer, "Idempotency-Key": f"bench-{permit_id}"},
            json={"method": "card"},
        )
    ).json()
    await http.post(pay["hosted_url"], data={"action": "approve"})
    return await asyncio.wait_for(paid, 30) - started


async def counter(
    http: httpx.AsyncClient, urls: dict[str, str], watch: PaidWatcher, permit_id: str
) -> float:
    admin = ISSUER.headers("bench", **ADMIN)  # type: ignore[arg-type]
    url = f"{urls['payments']}/v1/jurisdictions/bench/counter-payments"
    body = {"permits": [{"permit_id": permit_id}], "method": "cash", "payer_name": "Bench"}
    paid = watch.expect(permit_id)
    while True:
        started = time.perf_counter()
        r = await http.post(url, headers={**admin, "Idempotency-Key": permit_id}, json=body)
        if r.status_code == 201:
            break
        await asyncio.sleep(0.05)  # payments has not seen FeeAssessed yet (setup, not timed)
    return await asyncio.wait_for(paid, 30) - started


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


async def run(urls: dict[str, str], scope: TestScope) -> dict[str, Any]:
    topic = scope.topic("permits.events")
    async with (
        httpx.AsyncClient(timeout=30) as http,
        PaidWatcher(scope.infra.kafka_bootstrap, topic) as watch,
    ):
        ids = await make_permits(http, urls, 3 * N)
        baseline = [await counter(http, urls, watch, pid) for pid in ids[:N]]
        sequential = [
            await online(http, urls, watch, pid, i) for i, pid in enumerate(ids[N : 2 * N], N)
        ]
        gate = asyncio.Semaphore(CONCURRENCY)

        async def limited(pid: str, i: int) -> float:
            async with gate:
                return await online(http, urls, watch, pid, i)

        started = time.perf_counter()
        await asyncio.gather(*(limited(pid, i) for i, pid in enumerate(ids[2 * N :], 2 * N)))
        elapsed = time.perf_counter() - started
    return {
        "baseline_counter_payment_ms": {"p50": _ms(baseline, 0.5), "p99": _ms(baseline, 0.99)},
        "online_payment_ms": {"p50": _ms(sequential, 0.5), "p99": _ms(sequential, 0.99)},
        "ratio_online_to_counter_p50": round(
            statistics.median(sequential) / statistics.median(baseline), 2
        ),
        "online_payments_per_second": round(N / elapsed, 2),
        "concurrency": CONCURRENCY,
    }


def main() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, provide_infra(Path(tmp)) as infra:
        scope = TestScope(infra, "benchpay")
        asyncio.run(scope.create_topics())
        with (
            ISSUER.serve_jwks(Path(tmp), Path(tmp)) as jwks_url,
            stack(scope, Path(tmp), jwks_url) as urls,
        ):
            measured = asyncio.run(run(urls, scope))
    result = {
        "benchmark": "payments_flow",
        "payments_per_series": N,
        **measured,
        "notes": "counter payment = settlement + outbox + permits' consumer; online adds "
        "checkout, the provider session, the hosted page, the signed webhook. The end is "
        "when permits' PermitStatusChanged (READY_TO_ISSUE) arrives on the broker, waited "
        "for on the event stream: nothing polls the services being measured",
    }
    save(RESULTS, result)
    return result


if __name__ == "__main__":
    main()
