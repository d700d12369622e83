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
requests/s, each clicking at Poisson-distributed moments, so a step is a
Poisson stream at its rate). For each step: the achieved rate, p50/p95/p99,
failures by kind — sheds (503 with Retry-After, 429) apart from the rest —,
each process's CPU, and after each step the seconds until every route
answers normally again.

The **knee** is the highest offered rate with p95 ≤ 1 s and no failures. The
baseline, in the same run, is the lowest step. Then **where the time goes**:
the step nearest ``BENCH_CAPACITY_PROFILE_RPS`` (40, the target) once more,
not counted, with py-spy sampling its four busiest processes. Writes
``benchmarks/results/capacity.json`` and ``capacity.png``.

    BENCH_CAPACITY_RATES=5,10,20,30,40 python -m benchmarks.capacity
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks import plots
from benchmarks.embedded import CpuMeter, Suite, launched_suite, profile
from benchmarks.history import grow_history
from benchmarks.report import machine, save

RESULTS = Path(__file__).parent / "results"
PERMITS = int(os.environ.get("BENCH_CAPACITY_PERMITS", "100000"))
RATES = [
    float(r) for r in os.environ.get("BENCH_CAPACITY_RATES", "5,10,20,30,40,50,60,80").split(",")
]
# the step run again under py-spy (the nearest rate to this one): the target
PROFILE_RPS = float(os.environ.get("BENCH_CAPACITY_PROFILE_RPS", "40"))
STEP_SECONDS = int(os.environ.get("BENCH_CAPACITY_STEP_SECONDS", "40"))
PER_USER_RATE = 0.5
LOCUSTFILE = Path(__file__).parent / "locustfile.py"


def _is_shed(error: str) -> bool:
    """A 503 (over capacity, with Retry-After) or 429 (a rate limit): Locust
    names them ``CatchResponseError('HTTP 503')``; anything else is a failure."""
    return "HTTP 503" in error or "HTTP 429" in error


def _locust(users: int, env: dict[str, str], prefix: Path) -> None:
    """One headless Locust run of ``STEP_SECONDS``, its figures in ``prefix``_*.csv."""
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"]
    command += ["--users", str(users), "--spawn-rate", str(users)]
    command += ["--run-time", f"{STEP_SECONDS}s", "--csv", str(prefix), "--only-summary"]
    subprocess.run(
        [*command, "--loglevel", "WARNING"],
        env={**os.environ, **env, "BENCH_PER_USER_RATE": str(PER_USER_RATE)},
        check=False,  # Locust exits 1 when any request failed: that is a result here
        capture_output=True,
        timeout=STEP_SECONDS + 120,
    )


def _step(rate: float, env: dict[str, str], folder: Path, name: str = "step") -> dict[str, Any]:
    users = max(1, round(rate / PER_USER_RATE))
    prefix = folder / f"{name}-{rate:g}"
    _locust(users, env, prefix)
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


def _measured_step(suite: Suite, rate: float) -> dict[str, Any]:
    meter = CpuMeter(suite.procs)
    meter.start()
    step = _step(rate, suite.logins(), suite.folder)
    step["cpu_percent_of_one_core"] = meter.shares()
    return step


def _profiled_step(suite: Suite, rate: float, busiest: list[str]) -> dict[str, Any]:
    """One more step at ``rate``, not counted (sampling slows what it samples),
    with py-spy on the ``busiest`` processes from its middle on."""
    env = suite.logins()
    runner = threading.Thread(target=_step, args=(rate, env, suite.folder, "profiled"))
    runner.start()
    time.sleep(STEP_SECONDS / 4)  # past the step's start: people clicking at the rate
    wanted = {pid: name for pid, name in suite.procs.items() if name in busiest}
    found = profile(wanted, seconds=max(5, STEP_SECONDS // 2))
    runner.join()
    return {"offered_rps": rate, "processes": found}


def _result(
    steps: list[dict[str, Any]], grown: float, recovered: float | None, profiled: dict[str, Any]
) -> dict[str, Any]:
    """The figures as saved: every step, the knee, the targets."""
    good = [
        s for s in steps if s["p95_ms"] <= 1000 and s["shed_503_429"] + s["other_failures"] == 0
    ]
    knee = max((s["offered_rps"] for s in good), default=None)
    result = {
        "benchmark": "capacity",
        "permits_in_jurisdiction": PERMITS,
        "arrivals": "Poisson, per person and so per step (benchmarks/locustfile.py)",
        "seconds_to_grow": grown,
        "step_seconds": STEP_SECONDS,
        "knee_rps": knee,
        "baseline_step": steps[0],
        "steps": steps,
        "seconds_to_recover_after_last_step": recovered,
        "where_the_time_goes": profiled,
        "targets": {
            "knee_at_least_40_rps": bool(knee and knee >= 40),
            "past_the_knee_only_sheds": all(s["other_failures"] == 0 for s in steps),
            "recovers_within_10_s": bool(recovered is not None and recovered <= 10),
        },
        "machine": machine(),
    }
    return result


def main() -> dict[str, Any]:
    with launched_suite() as suite:
        grow_started = time.monotonic()
        asyncio.run(grow_history(suite.mongo, PERMITS))
        grown = round(time.monotonic() - grow_started, 1)
        steps, recovered = [], None
        for rate in RATES:
            step = _measured_step(suite, rate)
            steps.append(step)
            print(json.dumps({k: v for k, v in step.items() if k != "by_route"}), flush=True)
            recovered = _recovery(suite.gateway, suite.portal, suite.logins())
        at = min(RATES, key=lambda r: abs(r - PROFILE_RPS))
        cpu = next(s for s in steps if s["offered_rps"] == at)["cpu_percent_of_one_core"]
        python = [name for name in cpu if name not in ("kafka",)]  # Tansu is Rust
        profiled = _profiled_step(suite, at, busiest=python[:4])
    result = _result(steps, grown, recovered, profiled)
    show = {k: v for k, v in result.items() if k not in ("steps", "where_the_time_goes")}
    save(RESULTS / "capacity.json", result, show=show)
    plots.capacity(result)
    return result


if __name__ == "__main__":
    main()
