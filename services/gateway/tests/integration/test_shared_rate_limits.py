"""Rate limits shared between gateway replicas (issue 25), in the database
the suite already has: two gateways count one client's logins together."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from asgi_lifespan import LifespanManager

from chassis.clock import ManualClock
from gateway.app import create_app
from gateway.settings import GatewaySettings

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 6, 17, 0, 5, tzinfo=UTC)


def upstream(request: httpx.Request) -> httpx.Response:
    return httpx.Response(202, json={"accepted": True})


async def test_two_gateways_count_one_clients_requests_together(scope: object) -> None:
    base = scope.infra.mongodb_url  # type: ignore[attr-defined]
    database = f"{scope.database}_gateway"  # type: ignore[attr-defined]
    settings = GatewaySettings(
        services={"identity": "http://identity.test"},
        jwks_url="http://identity.test/.well-known/jwks.json",
        rate_limit_storage=base.replace("/?", f"/{database}?", 1),  # this test's own database
        log_json=False,
    )
    clock = ManualClock(NOW)
    replicas = [create_app(settings, clock, transport=httpx.MockTransport(upstream)) for _ in "ab"]
    async with LifespanManager(replicas[0]), LifespanManager(replicas[1]):
        clients = [
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app, client=("198.51.100.1", 1)),
                base_url="http://gw",
            )
            for app in replicas
        ]
        path = "/v1/jurisdictions/demo/enrollments"  # 5 a minute per address
        codes = [(await clients[n % 2].post(path, json={})).status_code for n in range(6)]
        assert codes == [202] * 5 + [429], codes
        for client in clients:
            await client.aclose()
