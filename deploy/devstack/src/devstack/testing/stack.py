"""Several services as real processes on one scope, optionally behind a gateway
(cross-service tests and benchmarks)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from devstack.testing.infra import TestScope
from devstack.testing.services import ServiceProcess


@contextmanager
def service_stack(
    scope: TestScope,
    log_dir: Path,
    jwks_url: str,
    services: Mapping[str, Mapping[str, Any]],
    *,
    gateway: Mapping[str, str] | None = None,
) -> Iterator[dict[str, ServiceProcess]]:
    """Start ``services`` (module name → extra settings) in parallel, and a
    gateway routing to them when ``gateway`` (extra ``GATEWAY_`` env) is given."""
    procs = {
        name: ServiceProcess(
            name,
            name,
            env_prefix=f"{name.upper()}_",
            log_dir=log_dir,
            env=scope.service_env(f"{name.upper()}_", name, jwks_url=jwks_url, **extra),
        )
        for name, extra in services.items()
    }
    if gateway is not None:
        procs["gateway"] = ServiceProcess(
            "gateway",
            "gateway",
            env_prefix="GATEWAY_",
            log_dir=log_dir,
            ready_path="/health/live",
            env={
                "GATEWAY_SERVICES": json.dumps({n: p.url for n, p in procs.items()}),
                "GATEWAY_JWKS_URL": jwks_url,
                **gateway,
            },
        )
    for proc in procs.values():
        proc.start_no_wait()
    try:
        for proc in procs.values():
            proc.wait_ready()
        yield procs
    finally:
        for proc in procs.values():
            proc.stop()
