"""Benchmark: the embedded suite (`make run`) coming up, and at rest.

Starts ``python -m permitsuite_embedded`` on free ports in a throwaway data
folder, as `make run` does, and measures:

- **start-up**: seconds from launch to the banner, on a fresh data folder
  (cold: the demo is seeded) and again on the same folder (warm); target:
  the warm banner within 45 s;
- **idle CPU**: each process's CPU time (user + system, from /proc) over
  ``BENCH_IDLE_SECONDS`` (60) while nothing uses the suite, as a share of one
  core, from 45 s after the banner (the demo's events handled, the consumers
  gone quiet); target: the whole suite under 10 %. The baseline, measured in the
  same run, is the broker and the database alone (what any suite on them
  costs at rest).

Writes ``benchmarks/results/suite_at_rest.json``.

    python -m benchmarks.suite_at_rest
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.embedded import (
    CpuMeter,
    launch,
    launch_timed,
    ports,
    processes,
    slowest_steps,
    stop,
)
from benchmarks.report import save

RESULTS = Path(__file__).parent / "results" / "suite_at_rest.json"
IDLE_SECONDS = float(os.environ.get("BENCH_IDLE_SECONDS", "60"))
# at rest means after the demo's events and the consumers' 30 quiet seconds
# (KAFKA_FETCH_IDLE_AFTER_SECONDS) that put them on slow fetches
SETTLE_SECONDS = 45


def _idle_cpu(launcher: int) -> dict[str, float]:
    """Share of one core each process used over ``IDLE_SECONDS`` at rest."""
    meter = CpuMeter({**processes(launcher), launcher: "launcher"})
    meter.start()
    time.sleep(IDLE_SECONDS)  # the measurement: the suite at rest
    return meter.shares()


def main() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        data, free = Path(tmp) / "data", ports()
        proc, cold = launch(data, Path(tmp) / "cold.log", free)
        stop(proc)
        proc, warm, timeline = launch_timed(data, Path(tmp) / "warm.log", free)
        try:
            time.sleep(SETTLE_SECONDS)  # past the seeding and the consumers going idle
            shares = _idle_cpu(proc.pid)
        finally:
            stop(proc)
    total = round(sum(shares.values()), 2)
    infra = round(shares.get("kafka", 0) + shares.get("mongodb", 0), 2)
    result = {
        "benchmark": "suite_at_rest",
        "startup_seconds": {"cold_with_seeding": round(cold, 1), "warm": round(warm, 1)},
        "warm_startup_slowest_steps": slowest_steps(timeline),
        "warm_startup_timeline": [{"at_seconds": at, "step": line} for at, line in timeline],
        "idle_seconds": IDLE_SECONDS,
        "idle_cpu_percent_of_one_core": {"total": total, "by_process": shares},
        "baseline_broker_and_database_percent": infra,
        "targets": {"warm_banner_within_45_s": warm <= 45, "idle_under_10_percent": total < 10},
    }
    save(RESULTS, result)
    return result


if __name__ == "__main__":
    main()
