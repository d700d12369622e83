"""Benchmark: the suite's capacity — where it stops keeping up, and how it
behaves past that point.

Starts the whole embedded suite as `make run` does (a throwaway data folder,
free ports, the demo seeded), grows the demo jurisdiction to
``BENCH_CAPACITY_PERMITS`` (100,000) permits of other people's history by
copying the documents the services wrote, and drives it with Locust
(``benchmarks/locustfile.py``: API and portal dashboards, my inspections,
staff queues, staff and public searches, applications) at stepped offered
rates (``BENCH_CAPACITY_RATES``, requests/s; each step ``BENCH_CAPACITY_STEP_SECONDS``,
a fresh Locust run with one simulated person per 1/``BENCH_PER_USER_RATE``
requests/s, so a step offers its rate while answers take up to 2 s). For each
step: the achieved rate, p50/p95/p99, failures by kind — sheds (503 with
Retry-After, 429) apart from the rest — and after the last step the seconds
until every route answers normally again.

The **knee** is the highest offered rate with p95 ≤ 1 s and no failures. The
baseline, in the same run, is the lowest step. Writes
``benchmarks/results/capacity.json`` and ``capacity.png``.

    BENCH_CAPACITY_RATES=5,10,20,30,40 python -m benchmarks.capacity
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from benchmarks.report import save
from benchmarks.suite_at_rest import _launch, _ports, _stop

RESULTS = Path(__file__).parent / "results"
PERMITS = int(os.environ.get("BENCH_CAPACITY_PERMITS", "100000"))
RATES = [float(r) for r in os.environ.get("BENCH_CAPACITY_RATES", "5,10,20,30,40,50").split(",")]
STEP_SECONDS = int(os.environ.get("BENCH_CAPACITY_STEP_SECONDS", "40"))
PER_USER_RATE = 0.5
LOCUSTFILE = Path(__file__).parent / "locustfile.py"


async def _grow(mongo_url: str, size: int) -> None:
    """``size`` permits of other people's history (issued, finished or expired,
    over two years), copied from one the services wrote: the demo's contractor,
    queues and today's work stay what they are."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    try:
        permits = client["permits"]["permits"]
        template = await permits.find_one({"jurisdiction_id": "demo", "status": "ISSUED"})
        assert template is not None, "the demo has an issued permit"
        start = datetime(2024, 1, 1, tzinfo=UTC)
        statuses = ("ISSUED", "FINALED", "EXPIRED")
        batch: list[dict[str, Any]] = []
        for n in range(size):
            doc = dict(template)
            street = f"{n % 9973} HISTORY ST"
            doc.update(
                _id=f"hist-{n}",
                number=f"HIST-{n:06}",
                status=statuses[n % 3],
                applied_at=start + timedelta(minutes=7 * n),
                applicant={"name": f"Owner {n}", "email": f"owner{n}@example.org"},
                owner=None,
                company_ids=[],
                linked_accounts=[],
                party_emails=[f"owner{n}@example.org"],
                street_key=street,
                site={**template.get("site", {}), "street": street, "parcel": f"H{n}"},
            )
            batch.append(doc)
            if len(batch) == 5000:
                await permits.insert_many(batch)
                batch = []
        if batch:
            await permits.insert_many(batch)
    finally:
        await client.close()


def _portal_cookie(portal: str, email: str, password: str) -> str:
    with httpx.Client(base_url=portal, follow_redirects=False, timeout=60) as http:
        form = http.get("/j/demo/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None, form.text[:500]
        r = http.post(
            "/j/demo/login",
            data={"csrf_token": token.group(1), "email": email, "password": password},
        )
        assert r.status_code == 303, r.text[:500]
        return "; ".join(f"{k}={v}" for k, v in http.cookies.items())


def _token(gateway: str, email: str, password: str) -> str:
    r = httpx.post(
        f"{gateway}/v1/auth/token",
        data={"username": email, "password": password, "jurisdiction": "demo"},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def _is_shed(error: str) -> bool:
    """A 503 (over capacity, with Retry-After) or 429 (a rate limit): Locust
    names them ``CatchResponseError('HTTP 503')``; anything else is a failure."""
    return "HTTP 503" in error or "HTTP 429" in error


def _step(rate: float, env: dict[str, str], folder: Path) -> dict[str, Any]:
    users = max(1, round(rate / PER_USER_RATE))
    prefix = folder / f"step-{rate:g}"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{STEP_SECONDS}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env={**os.environ, **env, "BENCH_PER_USER_RATE": str(PER_USER_RATE)},
        check=False,  # Locust exits 1 when any request failed: that is a result here
        capture_output=True,
        timeout=STEP_SECONDS + 120,
    )
    with open(f"{prefix}_stats.csv") as f:
        rows = list(csv.DictReader(f))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    with open(f"{prefix}_failures.csv") as f:
        failures = list(csv.DictReader(f))
    shed = sum(int(r["Occurrences"]) for r in failures if _is_shed(r["Error"]))
    other = sum(int(r["Occurrences"]) for r in failures) - shed
    by_route = {
        r["Name"]: {
            "p50_ms": float(r["50%"]),
            "p95_ms": float(r["95%"]),
            "count": int(r["Request Count"]),
        }
        for r in rows
        if r["Name"] != "Aggregated"
    }
    return {
        "offered_rps": rate,
        "users": users,
        "achieved_rps": round(int(total["Request Count"]) / STEP_SECONDS, 1),
        "requests": int(total["Request Count"]),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "shed_503_429": shed,
        "other_failures": other,
        "failures_by_kind": {f"{r['Name']}: {r['Error']}": int(r["Occurrences"]) for r in failures},
        "by_route": by_route,
    }


def _recovery(gateway: str, portal: str, env: dict[str, str]) -> float:
    """Seconds until the health check, a dashboard and the portal answer normally."""
    started = time.monotonic()
    auth = {"Authorization": f"Bearer {env['BENCH_CONTRACTOR_TOKEN']}"}
    while time.monotonic() - started < 120:
        try:
            ok = (
                httpx.get(f"{gateway}/health", timeout=5).status_code == 200
                and httpx.get(f"{gateway}/v1/me/dashboard", headers=auth, timeout=5)
                .json()
                .get("degraded")
                == []
                and httpx.get(
                    f"{portal}/j/demo/dashboard",
                    headers={"Cookie": env["BENCH_PORTAL_COOKIE"]},
                    timeout=5,
                ).status_code
                == 200
            )
        except (httpx.HTTPError, ValueError):
            ok = False
        if ok:
            return round(time.monotonic() - started, 1)
        time.sleep(0.25)
    return float("inf")


def _plot(steps: list[dict[str, Any]], knee: float | None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rates = [s["offered_rps"] for s in steps]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.plot(rates, [s["p50_ms"] for s in steps], "o-", label="p50")
    left.plot(rates, [s["p95_ms"] for s in steps], "o-", label="p95")
    left.axhline(1000, color="grey", linestyle=":", label="p95 target 1 s")
    left.set(xlabel="offered requests/s", ylabel="ms", title="Latency", yscale="log")
    right.plot(rates, [s["achieved_rps"] for s in steps], "o-", label="achieved")
    right.plot(rates, rates, ":", color="grey", label="offered")
    right.bar(
        rates, [s["shed_503_429"] / STEP_SECONDS for s in steps], width=2, alpha=0.4, label="shed/s"
    )
    right.set(xlabel="offered requests/s", ylabel="requests/s", title="Throughput")
    for axis in (left, right):
        if knee:
            axis.axvline(knee, color="red", alpha=0.4, label=f"knee {knee:g}/s")
        axis.legend()
    fig.suptitle(f"Embedded suite, {PERMITS:,} permits, {os.cpu_count()} cores")
    fig.tight_layout()
    fig.savefig(RESULTS / "capacity.png", dpi=90)


def main() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder, ports = Path(tmp), _ports()
        proc, _ = _launch(folder / "data", folder / "suite.log", ports)
        try:
            banner = (folder / "suite.log").read_text()
            passwords = dict(re.findall(r"(\S+@\S+)\s+password: (\S+)", banner))
            secrets = json.loads((folder / "data" / "secrets.json").read_text())
            gateway = f"http://127.0.0.1:{ports['gateway']}"
            portal = f"http://127.0.0.1:{ports['portal']}"
            mongo = f"mongodb://127.0.0.1:{ports['mongo']}/?directConnection=true&retryWrites=false"
            grow_started = time.monotonic()
            asyncio.run(_grow(mongo, PERMITS))
            grown = round(time.monotonic() - grow_started, 1)
            steps = []
            recovered = None
            for rate in RATES:
                env = {
                    "BENCH_GATEWAY": gateway,
                    "BENCH_PORTAL": portal,
                    "BENCH_PROXY_SECRET": secrets["proxy_secret"],
                    "BENCH_CONTRACTOR_TOKEN": _token(
                        gateway,
                        "contractor@demo.example.org",
                        passwords["contractor@demo.example.org"],
                    ),
                    "BENCH_STAFF_TOKEN": _token(
                        gateway, "admin@demo.example.org", passwords["admin@demo.example.org"]
                    ),
                    "BENCH_RESIDENT_TOKEN": _token(
                        gateway, "resident@demo.example.org", passwords["resident@demo.example.org"]
                    ),
                    "BENCH_PORTAL_COOKIE": _portal_cookie(
                        portal,
                        "contractor@demo.example.org",
                        passwords["contractor@demo.example.org"],
                    ),
                }
                step = _step(rate, env, folder)
                steps.append(step)
                print(json.dumps({k: v for k, v in step.items() if k != "by_route"}), flush=True)
                recovered = _recovery(gateway, portal, env)
        finally:
            _stop(proc)
    good = [
        s for s in steps if s["p95_ms"] <= 1000 and s["shed_503_429"] + s["other_failures"] == 0
    ]
    knee = max((s["offered_rps"] for s in good), default=None)
    result = {
        "benchmark": "capacity",
        "permits_in_jurisdiction": PERMITS,
        "seconds_to_grow": grown,
        "step_seconds": STEP_SECONDS,
        "knee_rps": knee,
        "baseline_step": steps[0],
        "steps": steps,
        "seconds_to_recover_after_last_step": recovered,
        "targets": {
            "knee_at_least_40_rps": bool(knee and knee >= 40),
            "past_the_knee_only_sheds": all(s["other_failures"] == 0 for s in steps),
            "recovers_within_10_s": bool(recovered is not None and recovered <= 10),
        },
    }
    save(RESULTS / "capacity.json", result, show={k: v for k, v in result.items() if k != "steps"})
    _plot(steps, knee)
    return result


if __name__ == "__main__":
    main()
