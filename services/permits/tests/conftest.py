from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from devstack.testing import TestScope
from devstack.testing.tokens import LocalIssuer

from chassis.auth import TokenVerifier
from chassis.clock import ManualClock
from permits.bootstrap import create_app
from permits.entrypoints.dependencies import PermitsApp
from permits.settings import PermitsSettings

ISSUER = LocalIssuer()
JWKS = ISSUER.jwks()


@dataclass
class Harness:
    http: httpx.AsyncClient
    app: PermitsApp
    clock: ManualClock

    def token(
        self,
        jid: str,
        kind: str,
        *,
        email: str = "",
        roles: list[str] | None = None,
        companies: list[str] | None = None,
        account: str | None = None,
        scope: str | None = None,
    ) -> dict[str, str]:
        return ISSUER.headers(
            jid,
            kind,
            email=email,
            roles=roles,
            companies=companies,
            subject=account,
            now=self.clock.now(),
            minutes=5,
            scope=scope,
        )

    async def setup_type(self, jid: str, code: str = "RES", fmt: str = "RES{yy}-{seq:04}") -> None:
        r = await self.http.put(
            f"/v1/jurisdictions/{jid}/permit-types/{code}",
            headers=self.token(jid, "staff", roles=["admin"]),
            json={
                "name": "RESIDENTIAL",
                "number_format": fmt,
                "inspection_types": ["BUILDING FINAL"],
            },
        )
        assert r.status_code == 200, r.text

    def application(self, **over: Any) -> dict[str, Any]:
        return {
            "type_code": "RES",
            "site": {
                "street": "1968 E Dodd Rd",
                "city": "Meridian",
                "state": "ID",
                "zip": "83642",
                "parcel": "R123",
            },
            "valuation": "250000.00",
            "applicant": {"name": "Pat Applicant", "email": "pat@example.org"},
            "owner": {"name": "Olive Owner", "email": "olive@example.org"},
            **over,
        }


@pytest.fixture
def permits_role() -> str:
    """HTTP only by default; consumer tests override it."""
    return "api"


@pytest.fixture
async def harness(
    scope: TestScope, manual_clock: ManualClock, permits_role: str
) -> AsyncIterator[Harness]:
    await scope.create_topics()
    settings = PermitsSettings(**scope.settings_kwargs("permits", role=permits_role))
    app = create_app(settings, manual_clock)
    app.state.runtime.verifier = TokenVerifier(
        issuer="permitsuite-identity", audience="permitsuite", clock=manual_clock, jwks=JWKS
    )
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30) as m,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=m.app), base_url="http://permits"
        ) as http,
    ):
        yield Harness(http, app.state.permits, manual_clock)
        await app.state.runtime.client.drop_database(settings.database_name())
