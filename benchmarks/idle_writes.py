"""Benchmark: writes after the suite has sat idle (the retryable-write trap).

The embedded database remembers every retryable write for 30 minutes and
scans that list on each write; the services' idle outbox relays and consumers
write all the time, so with the driver's default ``retryWrites=true`` every
write grew 8-12x slower after ~15 idle minutes (issue 14). The embedded URL
sets ``retryWrites=false``; this benchmark checks that it holds on the real
processes: permits, inspections and payments run (with their relays and
consumers), a series of permit applications is timed on the fresh stack
(the baseline, same run), the stack sits idle for ``BENCH_IDLE_MINUTES``
(default 20), and the same series is timed again. The result is the ratio
of the p50s (target ≤ 1.2). Writes ``benchmarks/results/idle_writes.json``.

    BENCH_IDLE_MINUTES=20 python -m benchmarks.idle_writes
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import httpx
from devstack.testing.tokens import LocalIssuer

from benchmarks.report import save
from benchmarks.stack import three_services

RESULTS = Path(__file__).parent / "results" / "idle_writes.json"
IDLE_MINUTES = float(os.environ.get("BENCH_IDLE_MINUTES", "20"))
WRITES = int(os.environ.get("BENCH_IDLE_WRITES", "150"))
ISSUER = LocalIssuer()
JID = "idle"


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)


def series(permits_url: str, label: str) -> dict[str, float]:
    """``WRITES`` permit applications, one at a time (each: a transaction with
    the permit, its number counter and its outbox event)."""
    staff = ISSUER.headers(JID, "staff", roles=["admin"], minutes=int(IDLE_MINUTES) + 60)
    took = []
    with httpx.Client(timeout=60) as http:
        for n in range(WRITES):
            started = time.perf_counter()
            r = http.post(
                f"{permits_url}/v1/jurisdictions/{JID}/permits",
                headers=staff,
                json={
                    "type_code": "RES",
                    "site": {"street": f"{n} {label} St", "zip": "83642"},
                    "applicant": {"name": "A", "email": f"a{n}@example.org"},
                },
            )
            took.append(time.perf_counter() - started)
            assert r.status_code == 201, r.text
    return {"p50_ms": _ms(took, 0.5), "p99_ms": _ms(took, 0.99)}


def main() -> dict[str, Any]:
    with three_services("benchidle", ISSUER) as (_, procs):
        url = procs["permits"].url
        r = httpx.put(
            f"{url}/v1/jurisdictions/{JID}/permit-types/RES",
            headers=ISSUER.headers(JID, "staff", roles=["admin"]),
            json={"name": "RESIDENTIAL", "number_format": "RES{yy}-{seq:05}"},
        )
        assert r.status_code == 200, r.text
        fresh = series(url, "Fresh")
        time.sleep(IDLE_MINUTES * 60)  # the suite idles: relays and consumers poll
        idle = series(url, "Idle")
    result = {
        "benchmark": "idle_writes",
        "writes_per_series": WRITES,
        "idle_minutes": IDLE_MINUTES,
        "fresh": fresh,
        "after_idle": idle,
        "ratio_p50_after_idle_to_fresh": round(idle["p50_ms"] / fresh["p50_ms"], 2),
        "target": "<= 1.2",
    }
    save(RESULTS, result)
    return result


if __name__ == "__main__":
    main()
