from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from devstack.testing import TestScope

from chassis.clock import ManualClock
from identity.adapters.jwt_keys import generate_private_key_pem
from identity.bootstrap import create_app as create_identity
from identity.service_layer import admin
from identity.service_layer.commands import CreateJurisdiction, EnsureAccount, EnsureMembership
from registration.bootstrap import create_app as create_registration
from registration.entrypoints.dependencies import RegistrationApp
from registration.settings import RegistrationSettings

INTERNAL = "internal-shared-secret-for-tests"
PDF = b"%PDF-1.7\n" + b"0" * 2000 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000

DEMO_CONFIG = {
    "enabled": True,
    "acceptance_mode": "staff_review",
    "time_zone": "America/Boise",
    "trades": ["General", "Electrical", "Plumbing"],
    "license_types": [
        {"code": "RES", "name": "Residential Contractor"},
        {"code": "MASTER_ELEC", "name": "Master Electrician"},
        {"code": "COMMERCIAL", "name": "Commercial Contractor", "online": False},
    ],
    "requirements": [
        {
            "id": "insurance",
            "label": "Liability insurance certificate",
            "kind": "document",
            "required": True,
            "accepted_types": ["application/pdf"],
            "max_bytes": 50_000,
        },
        {
            "id": "insurance_expiry",
            "label": "Insurance expiry",
            "kind": "field",
            "field_type": "insurance_expiry",
            "required": True,
        },
        {
            "id": "elec_license",
            "label": "State electrical license",
            "kind": "field",
            "field_type": "license_number",
            "required": True,
            "trades": ["Electrical"],
        },
        {
            "id": "bond",
            "label": "Bond amount",
            "kind": "field",
            "field_type": "number",
            "required": False,
        },
    ],
}


@dataclass
class Harness:
    http: httpx.AsyncClient  # the registration service
    identity_http: httpx.AsyncClient
    reg: RegistrationApp
    identity: Any
    clock: ManualClock

    async def outbox(self, event_type: str) -> list[dict[str, Any]]:
        docs = self.reg.runtime.db["outbox"].find({"event_type": event_type})
        return [json.loads(bytes(d["value"])) async for d in docs]

    async def identity_events(self, event_type: str) -> list[dict[str, Any]]:
        docs = self.identity.runtime.db["outbox"].find({"event_type": event_type})
        return [json.loads(bytes(d["value"])) async for d in docs]

    async def staff_token(
        self, jid: str, email: str | None = None, roles: list[str] | None = None
    ) -> str:
        email = email or f"reviewer@{jid}.example.org"
        units = self.identity.units
        login = EnsureAccount(
            jurisdiction_id=jid, email=email, password="reviewer passphrase 1", display_name="Rev"
        )
        account = await units.handle(login, admin.ensure_account)
        member = EnsureMembership(
            jurisdiction_id=jid, account_id=account["_id"], kind="staff", roles=roles or ["admin"]
        )
        await units.handle(member, admin.ensure_membership)
        r = await self.identity_http.post(
            "/v1/auth/token",
            data={"username": email, "password": "reviewer passphrase 1", "jurisdiction": jid},
        )
        assert r.status_code == 200, r.text
        return str(r.json()["access_token"])

    async def jurisdiction(self, jid: str, **config: Any) -> str:
        """A jurisdiction in identity, registration configured; its staff admin's token."""
        from identity.service_layer import jurisdictions

        fields = {"name": f"{jid.title()} County", "time_zone": "America/Boise"}
        await self.identity.units.handle(
            CreateJurisdiction(jurisdiction_id=jid, fields=fields),
            jurisdictions.create_jurisdiction,
        )
        token = await self.staff_token(jid)
        r = await self.http.put(
            f"/v1/jurisdictions/{jid}/registration-settings",
            headers={"Authorization": f"Bearer {token}"},
            json={**DEMO_CONFIG, **config},
        )
        assert r.status_code == 200, r.text
        return token

    async def open_draft(self, jid: str, email: str) -> tuple[str, dict[str, str]]:
        r = await self.http.post(f"/v1/jurisdictions/{jid}/registrations", json={"email": email})
        assert r.status_code == 202, r.text
        events = [
            e
            for e in await self.outbox(
                "permitsuite.registration.RegistrationEmailConfirmationRequested.v1"
            )
            if e["email"] == email
        ]
        seen = await self.http.get(f"/v1/registrations/confirm/{events[-1]['token']}")
        assert (seen.status_code, seen.json()["email"]) == (200, email)  # not used up by it
        r = await self.http.post(f"/v1/registrations/confirm/{events[-1]['token']}")
        assert r.status_code == 201, r.text
        body = r.json()
        return body["registration"]["id"], {"X-Registration-Token": body["registration_token"]}

    async def complete_draft(
        self, rid: str, headers: dict[str, str], trades: list[str] | None = None
    ) -> None:
        r = await self.http.patch(
            f"/v1/registrations/{rid}",
            headers=headers,
            json={
                "company_name": "Sparky Electric",
                "registrant_name": "Sam Sparks",
                "license_number": "ec-4411",
                "trades": trades or ["General"],
                "license_types": ["RES"],
                "profile": {
                    "address": "1 Main St",
                    "city": "Boise",
                    "state": "ID",
                    "zip": "83702",
                    "phone": "208-555-0111",
                },
            },
        )
        assert r.status_code == 200, r.text
        r = await self.http.put(
            f"/v1/registrations/{rid}/requirements/insurance_expiry",
            headers=headers,
            json={"value": "2027-06-30"},
        )
        assert r.status_code == 200, r.text
        r = await self.http.put(
            f"/v1/registrations/{rid}/requirements/insurance/document",
            headers=headers,
            files={"file": ("coi.pdf", PDF, "application/pdf")},
        )
        assert r.status_code == 200, r.text


@pytest.fixture
async def harness(scope: TestScope, manual_clock: ManualClock) -> AsyncIterator[Harness]:
    await scope.create_topics()
    identity_app = create_identity(_identity_settings(scope), manual_clock)
    async with LifespanManager(identity_app, startup_timeout=60, shutdown_timeout=30) as idm:
        transport = httpx.ASGITransport(app=idm.app)
        settings = RegistrationSettings(
            **scope.settings_kwargs(
                "registration",
                role="api",
                internal_token=INTERNAL,
                identity_url="http://identity",
                jwks_url="http://identity/.well-known/jwks.json",
                max_body_bytes=200_000,
            )
        )
        app = create_registration(settings, manual_clock)
        reg: RegistrationApp = app.state.registration
        reg.service.identity.transport = transport  # type: ignore[attr-defined]
        async with httpx.AsyncClient(transport=transport, base_url="http://identity") as idh:
            from chassis.auth import TokenVerifier

            jwks = (await idh.get("/.well-known/jwks.json")).json()
            reg.runtime.verifier = TokenVerifier(
                issuer="permitsuite-identity", audience="permitsuite", clock=manual_clock, jwks=jwks
            )
            async with (
                LifespanManager(app, startup_timeout=60, shutdown_timeout=30) as rm,
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=rm.app), base_url="http://registration"
                ) as http,
            ):
                yield Harness(http, idh, reg, identity_app.state.identity, manual_clock)
                await reg.runtime.client.drop_database(settings.database_name())
        await identity_app.state.identity.runtime.client.drop_database(
            identity_app.state.identity.settings.database_name()
        )


def _identity_settings(scope: TestScope) -> Any:
    from identity.settings import IdentitySettings

    return IdentitySettings(
        **scope.settings_kwargs(
            "identity", role="api", signing_key=generate_private_key_pem(), internal_token=INTERNAL
        )
    )
