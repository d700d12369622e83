from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from devstack.testing import TestScope

from chassis.clock import ManualClock
from identity.adapters.jwt_keys import generate_private_key_pem
from identity.bootstrap import Identity, create_app
from identity.domain.model import PLATFORM
from identity.service_layer import admin
from identity.service_layer.commands import EnsureAccount
from identity.settings import IdentitySettings

SIGNING_KEY = generate_private_key_pem()
ADMIN_PASSWORD = "admin passphrase 2026"


@dataclass
class IdentityHarness:
    http: httpx.AsyncClient
    identity: Identity
    clock: ManualClock
    scope: TestScope

    async def operator_token(self) -> str:
        cmd = EnsureAccount(
            jurisdiction_id=PLATFORM,
            email="ops@example.org",
            password="operator-pass-123",
            display_name="Ops",
            operator=True,
        )
        await self.identity.units.handle(cmd, admin.ensure_account)
        r = await self.http.post(
            "/v1/auth/token", data={"username": "ops@example.org", "password": "operator-pass-123"}
        )
        assert r.status_code == 200, r.text
        return str(r.json()["access_token"])

    async def create_jurisdiction(self, jid: str, **features: Any) -> None:
        token = await self.operator_token()
        r = await self.http.post(
            "/v1/jurisdictions",
            json={
                "id": jid,
                "name": f"{jid.title()} County",
                "time_zone": "America/Boise",
                "features": features or {},
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        assert r.status_code == 201, r.text

    async def outbox_events(self, event_type: str) -> list[dict[str, Any]]:
        import json

        docs = self.identity.runtime.db["outbox"].find({"event_type": event_type})
        return [json.loads(bytes(d["value"])) async for d in docs]

    async def enroll(
        self, jid: str, email: str, password: str = "correct horse battery"
    ) -> dict[str, Any]:
        r = await self.http.post(f"/v1/jurisdictions/{jid}/enrollments", json={"email": email})
        assert r.status_code == 202, r.text
        events = [
            e
            for e in await self.outbox_events("permitsuite.identity.EmailVerificationRequested.v1")
            if e["email"] == email.lower()
        ]
        token = events[-1]["token"]
        r = await self.http.post(
            f"/v1/enrollments/{token}", json={"display_name": "Pat Public", "password": password}
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def latest_link(self, event_type: str, email: str) -> str:
        events = [e for e in await self.outbox_events(event_type) if e["email"] == email.lower()]
        assert events, f"no {event_type} for {email}"
        return str(events[-1]["token"])

    admin_password = ADMIN_PASSWORD

    async def jurisdiction_with_admin(
        self, jid: str, admin_email: str | None = None, **fields: Any
    ) -> str:
        """Create a jurisdiction with its first admin (invited, accepted); the admin's token."""
        admin_email = admin_email or f"admin@{jid}.example.org"
        op = await self.operator_token()
        r = await self.http.post(
            "/v1/jurisdictions",
            json={
                "id": jid,
                "name": f"{jid.title()} County",
                "time_zone": "America/Boise",
                "first_admin": {"email": admin_email, "display_name": "Ada Admin"},
                **fields,
            },
            headers={"Authorization": f"Bearer {op}"},
        )
        assert r.status_code == 201, r.text
        token = await self.latest_link("permitsuite.identity.InvitationIssued.v1", admin_email)
        r = await self.http.post(f"/v1/invitations/{token}", json={"password": ADMIN_PASSWORD})
        assert r.status_code == 200, r.text
        login = await self.login(admin_email, ADMIN_PASSWORD, jid)
        assert login.status_code == 200, login.text
        return str(login.json()["access_token"])

    async def login(self, email: str, password: str, jid: str | None) -> httpx.Response:
        data = {"username": email, "password": password}
        if jid:
            data["jurisdiction"] = jid
        return await self.http.post("/v1/auth/token", data=data)


@pytest.fixture
def identity_role() -> str:
    """HTTP-only by default (no consumer group join per test); override to test consumers."""
    return "api"


@pytest.fixture
async def harness(
    scope: TestScope, manual_clock: ManualClock, identity_role: str
) -> AsyncIterator[IdentityHarness]:
    await scope.create_topics()
    settings = IdentitySettings(
        **scope.settings_kwargs(
            "identity", signing_key=SIGNING_KEY, max_body_bytes=64 * 1024, role=identity_role
        )
    )
    app = create_app(settings, manual_clock)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://identity") as http:
            yield IdentityHarness(http, app.state.identity, manual_clock, scope)
        await app.state.identity.runtime.client.drop_database(settings.database_name())
