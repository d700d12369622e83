"""Benchmark: can a stranger tell a known email from an unknown one by timing?

Password reset and enrollment answer the same 202 for any address; before
issue 22 the work behind the answer differed (a link and an event for a known
address, nothing for an unknown one) and the answers were two to three times
apart (z ≈ 8-14 from outside). Now the answer only records the request and
the work follows it (``chassis.deferred``). This runs identity as a real
process on fresh embedded servers and times, interleaved, ``BENCH_ENUM_CALLS``
answers for known and for unknown addresses of each route. The baseline is
the unknown addresses, in the same run: the result is the ratio of the p50s
(target: within 0.8-1.25) and Welch's t statistic of the two series (|t| < 3:
no difference the timing shows). Writes
``benchmarks/results/enumeration_timing.json``.

    python -m benchmarks.enumeration_timing
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from devstack.testing import ServiceProcess, TestScope
from devstack.testing.infra import provide_infra

from benchmarks.report import save
from identity.adapters.jwt_keys import generate_private_key_pem

RESULTS = Path(__file__).parent / "results" / "enumeration_timing.json"
CALLS = int(os.environ.get("BENCH_ENUM_CALLS", "200"))
JID = "enum"
KNOWN = [f"member{n}@example.org" for n in range(CALLS)]


def _seed(identity: ServiceProcess, folder: Path) -> None:
    """The jurisdiction and one member per known address (the CLI the demo uses)."""
    profile = {
        "jurisdiction": {"id": JID, "name": "Enumeration County", "time_zone": "America/Boise"},
        "operator": {"email": "ops@example.org", "password": "operator-pass-123"},
        "users": [
            {
                "email": email,
                "password": "a member passphrase 1",
                "display_name": email,
                "kind": "community_member",
            }
            for email in KNOWN
        ],
    }
    path = folder / "profile.json"
    path.write_text(json.dumps(profile))
    subprocess.run(
        [sys.executable, "-m", "identity.cli", "seed-demo", str(path)],
        env={**os.environ, **identity.env},
        check=True,
        capture_output=True,
        timeout=600,
    )


def _series(http: httpx.Client, path: str, field: str) -> dict[str, list[float]]:
    """Known and unknown addresses alternating, so drift hits both alike."""
    took: dict[str, list[float]] = {"known": [], "unknown": []}
    for n in range(CALLS):
        for kind, email in (("known", KNOWN[n]), ("unknown", f"stranger{n}@example.org")):
            started = time.perf_counter()
            r = http.post(path, json={field: email})
            took[kind].append(time.perf_counter() - started)
            assert r.status_code == 202, r.text
    return took


def _summary(took: dict[str, list[float]]) -> dict[str, Any]:
    known, unknown = took["known"], took["unknown"]
    mk, mu = statistics.fmean(known), statistics.fmean(unknown)
    se = (
        statistics.variance(known) / len(known) + statistics.variance(unknown) / len(unknown)
    ) ** 0.5
    p50k, p50u = statistics.median(known), statistics.median(unknown)
    return {
        "known_p50_ms": round(p50k * 1000, 2),
        "unknown_p50_ms": round(p50u * 1000, 2),
        "p50_ratio_known_to_unknown": round(p50k / p50u, 3),
        "welch_t": round((mk - mu) / se, 2) if se else 0.0,
    }


def main() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, provide_infra(Path(tmp)) as infra:
        scope = TestScope(infra, "benchenum")
        asyncio.run(scope.create_topics())
        identity = ServiceProcess(
            "identity",
            "identity",
            env_prefix="IDENTITY_",
            log_dir=Path(tmp),
            env=scope.service_env(
                "IDENTITY_",
                "identity",
                signing_key=generate_private_key_pem(),
                log_level="WARNING",
                # a benchmark is not a stranger spraying links: no hourly limit in the way
            ),
        )
        identity.start_no_wait()
        identity.wait_ready()
        try:
            _seed(identity, Path(tmp))
            routes = {
                "password_reset": (f"/v1/jurisdictions/{JID}/password-resets", "email"),
                "enrollment": (f"/v1/jurisdictions/{JID}/enrollments", "email"),
            }
            with httpx.Client(base_url=identity.url, timeout=60) as http:
                results = {
                    name: _summary(_series(http, path, field))
                    for name, (path, field) in routes.items()
                }
        finally:
            identity.stop()
    result = {
        "benchmark": "enumeration_timing",
        "calls_per_series": CALLS,
        "routes": results,
        "targets": {
            name: {
                "p50_ratio_within_0.8_1.25": 0.8 <= r["p50_ratio_known_to_unknown"] <= 1.25,
                "abs_welch_t_below_3": abs(r["welch_t"]) < 3,
            }
            for name, r in results.items()
        },
    }
    save(RESULTS, result)
    return result


if __name__ == "__main__":
    main()
