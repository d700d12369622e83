"""The embedded suite as the whole-suite benchmarks run it: ``make run``'s
launcher on free ports in a throwaway data folder, its processes by name,
what each costs in CPU, and where a process spends it (py-spy).

Used by ``suite_at_rest`` (start-up and idle cost), ``portal_pages`` and ``capacity`` (which
also logs in as the demo's people: :class:`Suite`).
"""

from __future__ import annotations

import collections
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from devstack.processes import distinct_ports

BANNER = re.compile(r"Permitsuite is running")
FRESH_SECONDS = 120


def ports() -> dict[str, int]:
    return distinct_ports()


def launch(data: Path, log: Path, ports: dict[str, int]) -> tuple[subprocess.Popen[bytes], float]:
    """Start the suite and wait for its banner; returns the launcher and the
    seconds it took."""
    proc, seconds, _ = launch_timed(data, log, ports)
    return proc, seconds


def launch_timed(
    data: Path, log: Path, ports: dict[str, int]
) -> tuple[subprocess.Popen[bytes], float, list[tuple[float, str]]]:
    """``launch``, and when each of the launcher's progress lines appeared
    (seconds since the command, the line): what start-up spends its time on."""
    command = [sys.executable, "-m", "permitsuite_embedded", "--data-dir", str(data)]
    command += [f"--{name}-port={port}" for name, port in ports.items()]
    started = time.monotonic()
    timeline: list[tuple[float, str]] = []
    with log.open("w") as out:
        proc = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    seen = 0
    while True:
        lines = [ln for ln in log.read_text().splitlines() if ln.startswith("[permitsuite]")]
        now = round(time.monotonic() - started, 1)
        timeline += [(now, ln.removeprefix("[permitsuite] ")) for ln in lines[seen:]]
        seen = len(lines)
        if BANNER.search(log.read_text()):
            return proc, time.monotonic() - started, timeline
        if proc.poll() is not None:
            raise RuntimeError(log.read_text())
        if time.monotonic() - started > 300:
            raise TimeoutError("no banner in 300 s")
        time.sleep(0.2)


def slowest_steps(timeline: list[tuple[float, str]], n: int = 5) -> list[dict[str, object]]:
    """The steps that took longest: each line's wait since the line before."""
    steps = [
        {"step": line, "seconds": round(at - before, 1)}
        for (before, _), (at, line) in zip([(0.0, ""), *timeline[:-1]], timeline, strict=True)
    ]
    return sorted(steps, key=lambda s: -float(str(s["seconds"])))[:n]


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(90)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def processes(launcher: int) -> dict[int, str]:
    """The launcher's children: pid → a short name (the module a Python
    process runs; ``kafka`` for the broker, ``mongodb`` for the database)."""
    found = {}
    for child in psutil.Process(launcher).children():
        try:
            words = child.cmdline()
        except psutil.Error:
            continue
        if "-m" in words:
            name = words[words.index("-m") + 1].split(".")[-1]
        else:
            name = "kafka" if any("tansu" in w for w in words) else Path(words[0]).name
        found[child.pid] = {"secantus": "mongodb"}.get(name, name)
    return found


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


@dataclass
class Suite:
    """The launched suite: where it answers, its demo passwords, its processes."""

    folder: Path
    gateway: str
    portal: str
    mongo: str
    proxy_secret: str
    passwords: dict[str, str]
    procs: dict[int, str]
    _env: dict[str, str] = field(default_factory=dict)
    _logged_in_at: float = -FRESH_SECONDS

    @classmethod
    def of(cls, folder: Path, free: dict[str, int], launcher: int) -> Suite:
        banner = (folder / "suite.log").read_text()
        secrets = json.loads((folder / "data" / "secrets.json").read_text())
        return cls(
            folder=folder,
            gateway=f"http://127.0.0.1:{free['gateway']}",
            portal=f"http://127.0.0.1:{free['portal']}",
            mongo=f"mongodb://127.0.0.1:{free['mongo']}/?directConnection=true&retryWrites=false",
            proxy_secret=secrets["proxy_secret"],
            passwords=dict(re.findall(r"(\S+@\S+)\s+password: (\S+)", banner)),
            procs=processes(launcher),
        )

    def logins(self) -> dict[str, str]:
        """Tokens and a portal session good for a step: logged in again after
        ``FRESH_SECONDS`` (tokens last 5 minutes; logging in is limited to 10
        a minute per address)."""
        if time.monotonic() - self._logged_in_at < FRESH_SECONDS:
            return self._env
        self._env = self._login()
        self._logged_in_at = time.monotonic()
        return self._env

    def _login(self) -> dict[str, str]:

        def token(who: str) -> str:
            email = f"{who}@demo.example.org"
            return _token(self.gateway, email, self.passwords[email])

        contractor = "contractor@demo.example.org"
        return {
            "BENCH_GATEWAY": self.gateway,
            "BENCH_PORTAL": self.portal,
            "BENCH_PROXY_SECRET": self.proxy_secret,
            "BENCH_CONTRACTOR_TOKEN": token("contractor"),
            "BENCH_STAFF_TOKEN": token("admin"),
            "BENCH_RESIDENT_TOKEN": token("resident"),
            "BENCH_PORTAL_COOKIE": _portal_cookie(
                self.portal, contractor, self.passwords[contractor]
            ),
        }


@contextmanager
def launched_suite() -> Iterator[Suite]:
    """The whole suite in a throwaway folder on free ports, its demo seeded;
    stopped (Ctrl-C, as a person would) on leaving."""
    with tempfile.TemporaryDirectory() as tmp:
        folder, free = Path(tmp), ports()
        proc, _ = launch(folder / "data", folder / "suite.log", free)
        try:
            yield Suite.of(folder, free, proc.pid)
        finally:
            stop(proc)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 once it is gone)."""
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return float(times.user + times.system)


class CpuMeter:
    """Each process's CPU (user + system) between ``start()`` and ``shares()``,
    as a share of one core in percent."""

    def __init__(self, procs: dict[int, str]) -> None:
        self.procs = procs
        self._before: dict[int, float] = {}
        self._started = 0.0

    def start(self) -> None:
        self._started = time.monotonic()
        self._before = {pid: cpu_seconds(pid) for pid in self.procs}

    def shares(self) -> dict[str, float]:
        elapsed = time.monotonic() - self._started
        used = {
            name: round(100 * (cpu_seconds(pid) - self._before[pid]) / elapsed, 2)
            for pid, name in self.procs.items()
        }
        return dict(sorted(used.items(), key=lambda kv: -kv[1]))


def profile(pids: dict[int, str], seconds: int, top: int = 12) -> dict[str, Any]:
    """Sample each process with py-spy for ``seconds`` (all at once) and
    return, per process, the functions most often on its stack (inclusive
    share of its samples) and at the top of it (self share). A process py-spy
    may not attach to (no ptrace permission) is named with the reason."""
    with tempfile.TemporaryDirectory() as tmp:
        # py-spy is a binary beside the interpreter (the dev group installs it)
        spy = str(Path(sys.executable).with_name("py-spy"))
        record = [spy, "record", "--nonblocking", "--rate", "50", "--format", "raw"]
        runs = {
            name: subprocess.Popen(
                [*record, "--duration", str(seconds), "--pid", str(pid), "-o", f"{tmp}/{name}"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for pid, name in pids.items()
        }
        found: dict[str, Any] = {}
        for name, run in runs.items():
            _, err = run.communicate(timeout=seconds + 60)
            path = Path(f"{tmp}/{name}")
            if run.returncode != 0 or not path.exists():
                found[name] = {"error": err.decode(errors="replace").strip()[-300:]}
                continue
            found[name] = _summarize(path.read_text(), top)
    return found


def _frame(entry: str) -> str:
    """``func (path/to/module.py:12)`` → ``func (module.py)``: lines apart."""
    match = re.match(r"(.*) \((.*?):\d+\)$", entry)
    return f"{match.group(1)} ({Path(match.group(2)).name})" if match else entry


def _summarize(raw: str, top: int) -> dict[str, Any]:
    total = 0
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [_frame(f) for f in stack.split(";")]
        n = int(count)
        total += n
        own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    share = {k: round(100 * v / max(total, 1), 1) for k, v in inclusive.most_common()}
    # the outermost frames (the main thread's event loop and server) are under
    # everything the main thread does: skip them
    root = max(share.values(), default=0)
    useful = {k: v for k, v in share.items() if v < root - 0.5}
    return {
        "samples": total,
        "on_stack_percent": dict(list(useful.items())[:top]),
        "self_percent": {k: round(100 * v / max(total, 1), 1) for k, v in own.most_common(top)},
    }
