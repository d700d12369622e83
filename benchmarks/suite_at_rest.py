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
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from devstack.processes import distinct_ports

from benchmarks.report import save

RESULTS = Path(__file__).parent / "results" / "suite_at_rest.json"
IDLE_SECONDS = float(os.environ.get("BENCH_IDLE_SECONDS", "60"))
# at rest means after the demo's events and the consumers' 30 quiet seconds
# (KAFKA_FETCH_IDLE_AFTER_SECONDS) that put them on slow fetches
SETTLE_SECONDS = 45
TICKS = os.sysconf("SC_CLK_TCK")
BANNER = re.compile(r"Permitsuite is running")


def _ports() -> dict[str, int]:
    return distinct_ports()


def _launch(data: Path, log: Path, ports: dict[str, int]) -> tuple[subprocess.Popen[bytes], float]:
    command = [sys.executable, "-m", "permitsuite_embedded", "--data-dir", str(data)]
    command += [f"--{name}-port={port}" for name, port in ports.items()]
    started = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    while not BANNER.search(log.read_text()):
        if proc.poll() is not None:
            raise RuntimeError(log.read_text())
        if time.monotonic() - started > 300:
            raise TimeoutError("no banner in 300 s")
        time.sleep(0.2)
    return proc, time.monotonic() - started


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(90)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def _children(pid: int) -> dict[int, str]:
    """The launcher's children: pid → a short name from the command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) != pid:
            continue
        words = [w.decode(errors="replace") for w in cmdline if w]
        if "-m" in words:
            name = words[words.index("-m") + 1].split(".")[-1]
        else:
            name = "kafka" if any("tansu" in w for w in words) else Path(words[0]).name
        found[int(entry.name)] = {"secantus": "mongodb"}.get(name, name)
    return found


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def _idle_cpu(launcher: int) -> dict[str, float]:
    """Share of one core each process used over ``IDLE_SECONDS`` at rest."""
    procs = _children(launcher)
    procs[launcher] = "launcher"
    before = {pid: _cpu_seconds(pid) for pid in procs}
    time.sleep(IDLE_SECONDS)  # the measurement: the suite at rest
    shares = {}
    for pid, name in procs.items():
        shares[name] = round(100 * (_cpu_seconds(pid) - before[pid]) / IDLE_SECONDS, 2)
    return shares


def main() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        data, ports = Path(tmp) / "data", _ports()
        proc, cold = _launch(data, Path(tmp) / "cold.log", ports)
        _stop(proc)
        proc, warm = _launch(data, Path(tmp) / "warm.log", ports)
        try:
            time.sleep(SETTLE_SECONDS)  # past the seeding and the consumers going idle
            shares = _idle_cpu(proc.pid)
        finally:
            _stop(proc)
    total = round(sum(shares.values()), 2)
    infra = round(shares.get("kafka", 0) + shares.get("mongodb", 0), 2)
    result = {
        "benchmark": "suite_at_rest",
        "startup_seconds": {"cold_with_seeding": round(cold, 1), "warm": round(warm, 1)},
        "idle_seconds": IDLE_SECONDS,
        "idle_cpu_percent_of_one_core": {"total": total, "by_process": shares},
        "baseline_broker_and_database_percent": infra,
        "targets": {"warm_banner_within_45_s": warm <= 45, "idle_under_10_percent": total < 10},
    }
    save(RESULTS, result)
    return result


if __name__ == "__main__":
    main()
