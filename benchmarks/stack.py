"""The service stack the read and write benchmarks run on: permits,
inspections and payments (and a gateway, when asked) as real processes on
fresh embedded servers, logging warnings only."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from devstack.testing import ServiceProcess, TestScope
from devstack.testing.infra import provide_infra
from devstack.testing.stack import service_stack
from devstack.testing.tokens import LocalIssuer


@contextmanager
def three_services(
    name: str, issuer: LocalIssuer, *, gateway: Mapping[str, str] | None = None
) -> Iterator[tuple[TestScope, dict[str, ServiceProcess]]]:
    """``name`` scopes the databases and topics; ``gateway`` (its extra env)
    adds a gateway routing to the three."""
    with tempfile.TemporaryDirectory() as tmp, provide_infra(Path(tmp)) as infra:
        scope = TestScope(infra, name)
        asyncio.run(scope.create_topics())
        log_dir = Path(tmp)
        services = {
            "permits": {"log_level": "WARNING"},
            "inspections": {"log_level": "WARNING"},
            "payments": {
                "log_level": "WARNING",
                "provider_api_key": f"k-{name}",
                "webhook_secret": f"s-{name}",
            },
        }
        quiet = {**gateway, "GATEWAY_LOG_LEVEL": "WARNING"} if gateway is not None else None
        with (
            issuer.serve_jwks(log_dir, log_dir) as jwks_url,
            service_stack(scope, log_dir, jwks_url, services, gateway=quiet) as procs,
        ):
            yield scope, procs
