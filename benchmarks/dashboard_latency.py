"""Benchmark: the aggregated dashboard through the gateway vs. the same data
read directly from each owning service, on real processes.

A user with 50 permits among BENCH_DASHBOARD_PERMITS (default 100,000) in the
jurisdiction. At concurrency 1, 16 and 64:

(a) baseline: the four reads the dashboard makes — permits (active, expired),
    inspections (mine), payments (cart) — called concurrently, straight to
    each service;
(b) gateway: ``GET /v1/me/dashboard`` (token check, four calls concurrently
    with budgets, assembly).

Reports requests/s and p50/p99 latency of both and the gateway's overhead
ratio (b)/(a) at p50. Writes ``benchmarks/results/dashboard_latency.json``
and a plot ``dashboard_latency.png``.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from devstack.testing.tokens import LocalIssuer
from pymongo import MongoClient

from benchmarks.stack import three_services

RESULTS = Path(__file__).parent / "results"
# 100,000 permits (about 15 minutes on the embedded database, whose single
# process answers one query at a time; much less on real servers).
PERMITS = int(os.environ.get("BENCH_DASHBOARD_PERMITS", "100000"))
MINE = 50
CONCURRENCY = (1, 16, 64)
ISSUER = LocalIssuer()
JID = "bench"
STATUSES = ["SUBMITTED", "IN_REVIEW", "AWAITING_PAYMENT", "ISSUED", "EXPIRED"]


def seed(mongodb_url: str, database: str) -> None:
    """Permits as the permits service stores them (bulk insert: setup, not measured)."""
    client: MongoClient[dict[str, Any]] = MongoClient(mongodb_url)
    coll = client[database]["permits"]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    batch: list[dict[str, Any]] = []
    for n in range(PERMITS):
        mine = n % (PERMITS // MINE) == 0
        status = STATUSES[n % len(STATUSES)]
        batch.append(
            {
                "_id": f"p{n:07d}",
                "jurisdiction_id": JID,
                "number": f"RES26-{n:06d}",
                "type_code": "RES",
                "type_name": "RESIDENTIAL",
                "kind": "permit",
                "status": status,
                "site": {"street": f"{n} Main St", "zip": "83642"},
                "applicant": {"name": "A", "email": f"a{n}@example.org"},
                "owner": None,
                "company_ids": ["c-bench" if mine else f"c{n % 5000}"],
                "linked_accounts": [],
                "fees": [
                    {
                        "id": f"l{n}",
                        "code": "PLAN",
                        "name": "PLANNING",
                        "amount_minor": 3500,
                        "status": "open",
                    }
                ]
                if status == "AWAITING_PAYMENT"
                else [],
                "applied_at": start + timedelta(minutes=n),
                "expired_at": start if status == "EXPIRED" else None,
                "version": 1,
            }
        )
        if len(batch) == 5000:
            coll.insert_many(batch)
            batch = []
    if batch:
        coll.insert_many(batch)


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)


async def measure(call: Any, concurrency: int, requests: int) -> dict[str, float]:
    latencies: list[float] = []
    gate = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with gate:
            started = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - started)

    await call()  # warm caches and connections
    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(requests)))
    elapsed = time.perf_counter() - started
    return {
        "rps": round(requests / elapsed, 1),
        "p50_ms": _ms(latencies, 0.5),
        "p99_ms": _ms(latencies, 0.99),
    }


async def run(urls: dict[str, str]) -> list[dict[str, Any]]:
    user = ISSUER.headers(
        JID, "contractor", email="rich@example.org", companies=["c-bench"], minutes=120
    )
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(timeout=1200, limits=limits) as http:

        async def gateway() -> None:
            r = await http.get(f"{urls['gateway']}/v1/me/dashboard?limit=20", headers=user)
            body = r.json()
            assert r.status_code == 200 and not body["degraded"], body
            assert body["active_permits"]["total"] + body["expired_permits"]["total"] == MINE

        async def direct() -> None:
            base = f"/v1/jurisdictions/{JID}"
            calls = [
                http.get(
                    f"{urls['permits']}{base}/dashboard/permits",
                    params={"which": w, "limit": 20},
                    headers=user,
                )
                for w in ("active", "expired")
            ] + [
                http.get(
                    f"{urls['inspections']}{base}/my-inspections",
                    params={"limit": 20},
                    headers=user,
                ),
                http.get(f"{urls['payments']}{base}/cart", headers=user),
            ]
            for r in await asyncio.gather(*calls):
                assert r.status_code == 200, r.text

        rows = []
        for c in CONCURRENCY:
            requests = max(12, c)  # one full wave at the highest concurrency
            base_stats = await measure(direct, c, requests)
            gw_stats = await measure(gateway, c, requests)
            rows.append(
                {
                    "concurrency": c,
                    "requests": requests,
                    "baseline_direct": base_stats,
                    "gateway_dashboard": gw_stats,
                    "overhead_ratio_p50": round(gw_stats["p50_ms"] / base_stats["p50_ms"], 2),
                }
            )
            print(json.dumps(rows[-1]), flush=True)
        return rows


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [r["concurrency"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for key, label in (
        ("baseline_direct", "direct to services"),
        ("gateway_dashboard", "gateway dashboard"),
    ):
        ax.plot(xs, [r[key]["p50_ms"] for r in rows], marker="o", label=f"{label} p50")
        ax.plot(
            xs, [r[key]["p99_ms"] for r in rows], marker="x", linestyle="--", label=f"{label} p99"
        )
    ax.set_xscale("log", base=2)
    ax.set_xticks(xs, [str(x) for x in xs])
    ax.set_xlabel("concurrent clients")
    ax.set_ylabel("latency (ms)")
    ax.set_title(f"Dashboard: {MINE} permits of the user among {PERMITS:,}")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> dict[str, Any]:
    gateway = {
        "GATEWAY_DASHBOARD_TIMEOUT_SECONDS": "1200",
        # latency at a given concurrency, not capacity: queue, never shed
        # (benchmarks.capacity measures where the suite sheds)
        "GATEWAY_UPSTREAM_QUEUE": "10000",
        "GATEWAY_UPSTREAM_QUEUE_SECONDS": "1200",
    }  # measure, do not degrade
    with three_services("benchdash", ISSUER, gateway=gateway) as (scope, procs):
        started = time.perf_counter()
        seed(scope.infra.mongodb_url, f"{scope.database}_permits")
        seeded = round(time.perf_counter() - started, 1)
        rows = asyncio.run(run({n: p.url for n, p in procs.items()}))
    result = {
        "benchmark": "dashboard_latency",
        "permits_in_jurisdiction": PERMITS,
        "permits_of_the_user": MINE,
        "seed_seconds": seeded,
        "results": rows,
        "overhead_ratio_p50_by_concurrency": {
            r["concurrency"]: r["overhead_ratio_p50"] for r in rows
        },
        "median_overhead_ratio": statistics.median(r["overhead_ratio_p50"] for r in rows),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dashboard_latency.json").write_text(json.dumps(result, indent=2) + "\n")
    plot(rows, RESULTS / "dashboard_latency.png")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
