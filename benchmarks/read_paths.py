"""Benchmark: user-facing reads flat in a jurisdiction's size (issue 14).

Three jurisdictions in the same databases hold 1,000, 10,000 and 100,000
permits and as many inspections of history (``BENCH_READ_SIZES`` changes
the sizes). In each, the same work in progress: a contractor (company
``c-bench``) with 30 active and 20 expired permits and 10 scheduled
inspections, 30 permits waiting in each staff queue status and 40
inspections scheduled for today; the rest is other people's finished work.

At concurrency 1, 16 and 64, on real processes through the gateway:

- ``dashboard``: ``GET /v1/me/dashboard`` as the contractor;
- ``staff_queues``: ``GET /v1/staff/queues`` as an admin;
- ``my_inspections``: ``GET …/my-inspections`` as the contractor.

The baseline is the smallest jurisdiction, measured in the same run: each
path's p50 at the largest size over its p50 at the smallest is the result
(target ≤ 1.2), with the dashboard's p50 at 100,000 (target ≤ 100 ms) and
its requests/s at concurrency 16 (target ≥ 15). Writes
``benchmarks/results/read_paths.json`` and ``read_paths.png``.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from devstack.testing.tokens import LocalIssuer
from pymongo import MongoClient

from benchmarks.dashboard_latency import measure
from benchmarks.stack import three_services

RESULTS = Path(__file__).parent / "results"
SIZES = [int(s) for s in os.environ.get("BENCH_READ_SIZES", "1000,10000,100000").split(",")]
CONCURRENCY = (1, 16, 64)
ISSUER = LocalIssuer()
QUEUE_STATUSES = ("IN_REVIEW", "PENDING_APPROVAL", "AWAITING_PAYMENT", "READY_TO_ISSUE")
HISTORY_STATUSES = ("FINALED", "FINALED", "EXPIRED", "CANCELLED", "FINALED")
START = datetime(2024, 1, 1, tzinfo=UTC)


def _permit(
    template: dict[str, Any], jid: str, n: int, status: str, company: str, email: str
) -> dict[str, Any]:
    return {
        **template,
        "_id": f"{jid}-p{n:07d}",
        "jurisdiction_id": jid,
        "number": f"RES-{jid}-{n:06d}",
        "type_code": "RES",
        "type_name": "RESIDENTIAL",
        "kind": "permit",
        "status": status,
        "site": {**template["site"], "street": f"{n} Main St"},
        "street_key": f"{n} MAIN ST",
        "applicant": {**template["applicant"], "email": email},
        "owner": None,
        "company_ids": [company],
        "linked_accounts": [],
        "fees": [],
        "applied_at": START + timedelta(minutes=n),
        "expired_at": START if status == "EXPIRED" else None,
        "version": 1,
    }


def _inspection(jid: str, n: int, permit_id: str, day: str, status: str) -> dict[str, Any]:
    return {
        "_id": f"{jid}-i{n:07d}",
        "jurisdiction_id": jid,
        "permit_id": permit_id,
        "number": f"RES-{jid}-{n:06d}",
        "permit_type": "RESIDENTIAL",
        "address": f"{n} Main St",
        "area": f"A{n % 7}",
        "inspection_type": "BUILDING FINAL",
        "date": day,
        "ampm": None,
        "note": None,
        "status": status,
        "requested_by": {"account_id": f"acct-{n % 500}", "email": None},
        "requested_at": START,
        "cancel_until": START,
        "notify_emails": [],
        "version": 1,
    }


def seed(mongodb_url: str, database: str, jid: str, size: int, today: date) -> None:
    """One jurisdiction: the same work in progress, ``size`` records of history,
    shaped like the permit the API made there (``template``)."""
    client: MongoClient[dict[str, Any]] = MongoClient(mongodb_url)
    made = client[f"{database}_permits"]["permits"].find_one({"jurisdiction_id": jid})
    assert made is not None, "apply for one permit through the API first"
    template = {k: v for k, v in made.items() if k not in ("_id", "history")}
    permits: list[dict[str, Any]] = []
    inspections: list[dict[str, Any]] = []
    mine = [("ISSUED" if k < 30 else "EXPIRED") for k in range(50)]
    for k, status in enumerate(mine):
        permits.append(_permit(template, jid, k, status, "c-bench", "rich@example.org"))
    for k in range(10):
        day = (today + timedelta(days=1 + k % 5)).isoformat()
        inspections.append(_inspection(jid, k, f"{jid}-p{k:07d}", day, "SCHEDULED"))
    n = len(permits)
    for status in QUEUE_STATUSES:
        for _ in range(30):
            permits.append(_permit(template, jid, n, status, f"c{n % 900}", f"a{n}@example.org"))
            n += 1
    for k in range(40):
        inspections.append(_inspection(jid, 10 + k, f"{jid}-q{k}", today.isoformat(), "SCHEDULED"))
    while n < size:
        status = HISTORY_STATUSES[n % len(HISTORY_STATUSES)]
        email = f"a{n % 3000}@example.org"
        permits.append(_permit(template, jid, n, status, f"c{n % 900}", email))
        n += 1
    for k in range(50, size):
        day = (START + timedelta(hours=k % 20000)).date().isoformat()
        inspections.append(_inspection(jid, k, f"{jid}-p{k:07d}", day, "RESULTED"))
    copies = [_inspectable(p) for p in permits]  # inspections' copy, kept from events
    for service, name, docs in (
        ("permits", "permits", permits),
        ("inspections", "inspections", inspections),
        ("inspections", "permits", copies),
    ):
        coll = client[f"{database}_{service}"][name]
        for at in range(0, len(docs), 5000):
            coll.insert_many(docs[at : at + 5000])
    client.close()


def _apply_once(permits_url: str, jid: str) -> None:
    """A permit type and one application through the API: the shape to copy."""
    staff = ISSUER.headers(jid, "staff", roles=["admin"])
    base = f"{permits_url}/v1/jurisdictions/{jid}"
    r = httpx.put(
        f"{base}/permit-types/RES",
        headers=staff,
        json={
            "name": "RESIDENTIAL",
            "number_format": "RES{yy}-{seq:04}",
            "inspection_types": ["BUILDING FINAL"],
        },
    )
    assert r.status_code == 200, r.text
    r = httpx.post(
        f"{base}/permits",
        headers=staff,
        json={
            "type_code": "RES",
            "site": {"street": "1 Main St", "city": "Meridian", "state": "ID", "zip": "83642"},
            "applicant": {"name": "Someone", "email": "someone@example.org"},
        },
    )
    assert r.status_code == 201, r.text


def _inspectable(permit: dict[str, Any]) -> dict[str, Any]:
    return {
        "_id": permit["_id"],
        "jurisdiction_id": permit["jurisdiction_id"],
        "number": permit["number"],
        "type_name": permit["type_name"],
        "status": permit["status"],
        "address": permit["site"]["street"],
        "area": None,
        "party_emails": [permit["applicant"]["email"]],
        "company_ids": permit["company_ids"],
        "linked_accounts": [],
        "inspection_types": ["BUILDING FINAL"],
        "version": 1,
    }


async def run(urls: dict[str, str], jids: dict[int, str]) -> list[dict[str, Any]]:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    rows = []
    async with httpx.AsyncClient(timeout=1200, limits=limits) as http:
        calls = {}
        for size, jid in jids.items():
            rich = ISSUER.headers(
                jid, "contractor", email="rich@example.org", companies=["c-bench"], minutes=240
            )
            admin = ISSUER.headers(jid, "staff", roles=["admin"], minutes=240)
            calls[size] = _paths(http, urls["gateway"], jid, rich, admin)
        # sizes interleaved: a drift of the server over the run weighs on each alike
        for name in calls[min(jids)]:
            for c in CONCURRENCY:
                for size in jids:
                    stats = await measure(calls[size][name], c, max(48, 3 * c))
                    row = {"size": size, "path": name, "concurrency": c, **stats}
                    rows.append(row)
                    print(json.dumps(row), flush=True)
    return rows


def _paths(
    http: httpx.AsyncClient, gw: str, jid: str, rich: dict[str, str], admin: dict[str, str]
) -> dict[str, Callable[[], Awaitable[None]]]:
    async def dashboard() -> None:
        r = await http.get(f"{gw}/v1/me/dashboard?limit=20", headers=rich)
        body = r.json()
        assert r.status_code == 200 and not body["degraded"], body
        assert body["active_permits"]["total"] == 30, body["active_permits"]["total"]
        assert body["expired_permits"]["total"] == 20

    async def staff_queues() -> None:
        r = await http.get(f"{gw}/v1/staff/queues?limit=10", headers=admin)
        body = r.json()
        assert r.status_code == 200 and not body["degraded"], body
        assert body["queues"]["permits_in_review"]["total"] == 30
        assert body["queues"]["inspections_today"]["total"] == 40

    async def my_inspections() -> None:
        r = await http.get(f"{gw}/v1/jurisdictions/{jid}/my-inspections?limit=20", headers=rich)
        assert r.status_code == 200 and r.json()["total"] == 10, r.text

    return {
        "dashboard": dashboard,
        "staff_queues": staff_queues,
        "my_inspections": my_inspections,
    }


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    small, large = min(SIZES), max(SIZES)

    def p50(path: str, size: int, c: int) -> float:
        return float(
            next(
                r["p50_ms"]
                for r in rows
                if (r["path"], r["size"], r["concurrency"]) == (path, size, c)
            )
        )

    ratios = {
        path: {str(c): round(p50(path, large, c) / p50(path, small, c), 2) for c in CONCURRENCY}
        for path in ("dashboard", "staff_queues", "my_inspections")
    }
    dash16 = next(
        r for r in rows if (r["path"], r["size"], r["concurrency"]) == ("dashboard", large, 16)
    )
    return {
        "ratio_p50_largest_vs_smallest": ratios,
        "dashboard_p50_ms_at_largest_c1": p50("dashboard", large, 1),
        "dashboard_rps_at_largest_c16": dash16["rps"],
        "targets": {
            "ratio_p50_largest_vs_smallest": "<= 1.2",
            "dashboard_p50_ms_at_largest_c1": "<= 100",
            "dashboard_rps_at_largest_c16": ">= 15",
        },
    }


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2), sharey=False)
    for ax, name in zip(axes, ("dashboard", "staff_queues", "my_inspections"), strict=True):
        for c in CONCURRENCY:
            pts = sorted(
                (r["size"], r["p50_ms"])
                for r in rows
                if r["path"] == name and r["concurrency"] == c
            )
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=f"c={c} p50")
        ax.set_xscale("log")
        ax.set_xlabel("records in the jurisdiction")
        ax.set_ylabel("latency (ms)")
        ax.set_title(name.replace("_", " "))
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> dict[str, Any]:
    today = datetime.now(UTC).date()
    gateway = {
        "GATEWAY_DASHBOARD_TIMEOUT_SECONDS": "1200",
        # latency at a given concurrency, not capacity: queue, never shed
        # (benchmarks.capacity measures where the suite sheds)
        "GATEWAY_UPSTREAM_QUEUE": "10000",
        "GATEWAY_UPSTREAM_QUEUE_SECONDS": "1200",
    }
    with three_services("benchreads", ISSUER, gateway=gateway) as (scope, procs):
        jids = {size: f"size{size}" for size in SIZES}
        started = time.perf_counter()
        for size, jid in jids.items():
            _apply_once(procs["permits"].url, jid)
            seed(scope.infra.mongodb_url, scope.database, jid, size, today)
        seeded = round(time.perf_counter() - started, 1)
        rows = asyncio.run(run({n: p.url for n, p in procs.items()}, jids))
    result = {
        "benchmark": "read_paths",
        "sizes": SIZES,
        "seed_seconds": seeded,
        "results": rows,
        **summarize(rows),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "read_paths.json").write_text(json.dumps(result, indent=2) + "\n")
    plot(rows, RESULTS / "read_paths.png")
    print(json.dumps({k: v for k, v in result.items() if k != "results"}, indent=2))
    return result


if __name__ == "__main__":
    main()
