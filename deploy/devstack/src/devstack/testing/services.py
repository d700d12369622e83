"""Run a service as a real subprocess, kill it with SIGKILL, restart it."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import httpx

from devstack.processes import ManagedProcess, free_port, wait_until


class ServiceProcess:
    def __init__(
        self,
        name: str,
        module: str,
        *,
        env_prefix: str,
        env: Mapping[str, str],
        log_dir: Path,
        port: int | None = None,
        ready_path: str = "/health/ready",
    ) -> None:
        self.name = name
        self.port = port or free_port()
        self.env = {**env, f"{env_prefix}HOST": "127.0.0.1", f"{env_prefix}PORT": str(self.port)}
        self.module = module
        self.log_dir = log_dir
        self.ready_path = ready_path
        self.process: ManagedProcess | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _ready(self) -> bool:
        try:
            return httpx.get(self.url + self.ready_path, timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def start(
        self, *, extra_env: Mapping[str, str] | None = None, timeout: float = 60
    ) -> ServiceProcess:
        self.starts += 1
        self.process = ManagedProcess(
            self.name,
            [sys.executable, "-m", self.module],
            log_path=self.log_dir / f"{self.name}-{self.starts}.log",
            env={**self.env, **(extra_env or {})},
        ).start()
        wait_until(self._ready, timeout=timeout, what=f"{self.name} ready", process=self.process)
        return self

    def start_no_wait(self, *, extra_env: Mapping[str, str] | None = None) -> ServiceProcess:
        self.starts += 1
        self.process = ManagedProcess(
            self.name,
            [sys.executable, "-m", self.module],
            log_path=self.log_dir / f"{self.name}-{self.starts}.log",
            env={**self.env, **(extra_env or {})},
        ).start()
        return self

    def wait_ready(self, timeout: float = 60) -> ServiceProcess:
        assert self.process is not None
        wait_until(self._ready, timeout=timeout, what=f"{self.name} ready", process=self.process)
        return self

    def wait_exit(self, timeout: float = 30) -> int | None:
        assert self.process is not None and self.process.proc is not None
        return self.process.proc.wait(timeout)

    def kill9(self) -> None:
        if self.process is not None:
            self.process.kill9()

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    def restart(self, **kw: object) -> ServiceProcess:
        self.stop()
        return self.start(**kw)  # type: ignore[arg-type]

    def logs(self) -> str:
        return self.process.tail(200) if self.process else ""
