"""The whole embedded suite (`make run`) as a test fixture: every process
real, on free ports, in a throwaway data folder, with the demo seeded."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from devstack.processes import distinct_ports
from devstack.testing import eventually_sync


@dataclass
class LaunchedSuite:
    data_dir: Path
    log: Path
    ports: dict[str, int] = field(default_factory=distinct_ports)
    proc: subprocess.Popen[bytes] | None = None
    passwords: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)  # for every process it starts
    args: list[str] = field(default_factory=list)  # e.g. ["--replicas", "2"]

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    @property
    def portal(self) -> str:
        return f"http://127.0.0.1:{self.ports['portal']}"

    def start(self) -> LaunchedSuite:
        command = [sys.executable, "-m", "permitsuite_embedded", "--data-dir", str(self.data_dir)]
        command += [f"--{name}-port={port}" for name, port in self.ports.items()]
        command += self.args
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1", **self.env},
            )

        def up() -> bool:
            assert self.proc is not None and self.proc.poll() is None, self.log.read_text()
            return "Press Ctrl-C" in self.log.read_text()

        eventually_sync(up, timeout=300, what="the banner")
        for email, password in re.findall(r"(\S+@\S+)\s+password: (\S+)", self.log.read_text()):
            self.passwords[email] = password
        return self

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                return self.proc.wait(90)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.wait(10)

    def login(self, email: str, jurisdiction: str | None = "demo") -> dict[str, str]:
        """Authorization header of a demo user (passwords from the banner)."""
        data = {"username": email, "password": self.passwords[email]}
        if jurisdiction:
            data["jurisdiction"] = jurisdiction
        r = httpx.post(f"{self.gateway}/v1/auth/token", data=data, timeout=30)
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    def infra_pid(self, name: str) -> int:
        """The pid of the launcher's child running ``name`` (kafka or mongodb)."""
        needle = {"kafka": "tansu", "mongodb": "secantus"}[name]
        assert self.proc is not None
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if (
                ppid == self.proc.pid
                and needle in cmdline
                and stat.rsplit(")", 1)[1].split()[0] != "Z"
            ):
                return int(entry.name)
        raise LookupError(f"no running {name} under the launcher")

    def processes(self) -> dict[str, dict[str, Any]]:
        """The launcher's ``processes.json``: each process by name (pid, port, role)."""
        rows = json.loads((self.data_dir / "processes.json").read_text())
        return {row["name"]: row for row in rows}

    def kill9(self, name: str) -> int:
        """``kill -9`` the process ``name``; its pid (the launcher starts it again)."""
        pid = int(self.processes()[name]["pid"])
        os.kill(pid, signal.SIGKILL)
        return pid

    def restarted(self, name: str, old_pid: int) -> dict[str, Any]:
        """Wait until the launcher has ``name`` running again, under a new pid."""

        def back() -> bool:
            row = self.processes()[name]
            return row["pid"] != old_pid and f"{name} restarted" in self.log.read_text()

        eventually_sync(back, timeout=120, what=f"{name} started again by the launcher")
        return self.processes()[name]

    def secrets(self) -> dict[str, Any]:
        """The suite's generated secrets (``secrets.json`` in its data folder)."""
        return dict(json.loads((self.data_dir / "secrets.json").read_text()))
