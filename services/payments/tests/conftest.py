from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from cryptography.fernet import Fernet
from devstack.testing import TestScope, eventually
from devstack.testing.tokens import LocalIssuer
from sandboxpay.app import Sandbox, SandboxSettings, create_sandbox_app

from chassis.auth import TokenVerifier
from chassis.clock import ManualClock
from contracts import Envelope
from contracts.permits import FeeAssessed, FeeLine, FeeVoided, PermitPartiesChanged, SiteAddress
from payments.adapters.providers.sandbox import SandboxProvider
from payments.bootstrap import create_app
from payments.service_layer import receivables
from payments.settings import PaymentsSettings

SETTINGS: dict[str, Any] = {
    "online_payments": True,
    "fee_label": "Access Idaho Fee",
    "methods": [
        {"code": "card", "label": "Credit Card - 3%", "fee_percent": "3"},
        {"code": "echeck", "label": "Electronic Check - $1.50", "fee_flat": "1.50"},
    ],
}
API_KEY = "sbx-test-api-key"
WEBHOOK_SECRET = "whsec-test-secret"
ACCOUNTS_KEY = Fernet.generate_key().decode()  # seals jurisdictions' own accounts' keys

ISSUER = LocalIssuer()
JWKS = ISSUER.jwks()


@dataclass
class Harness:
    http: httpx.AsyncClient
    runtime: Any
    clock: ManualClock
    sandbox: Sandbox
    sandbox_http: httpx.AsyncClient
    app: Any = None
    via_broker: bool = False

    async def configure(self, jid: str = "alpha", **over: Any) -> None:
        admin = self.token(jid, "staff", roles=["admin"])
        r = await self.http.put(
            f"/v1/jurisdictions/{jid}/payment-settings", headers=admin, json={**SETTINGS, **over}
        )
        assert r.status_code == 200, r.text

    async def assess(
        self,
        permit_id: str,
        number: str,
        lines: list[tuple[str, int]],
        *,
        jid: str = "alpha",
        payer_emails: tuple[str, ...] = ("pat@example.org",),
        company_ids: tuple[str, ...] = ("c1",),
        version: int = 5,
    ) -> None:
        """Publish permits' FeeAssessed and wait until payments has applied it."""
        event = FeeAssessed(
            permit_id=permit_id,
            jurisdiction_id=jid,
            number=number,
            type_name="RESIDENTIAL",
            site=SiteAddress(street=f"{len(number)} E Dodd Rd"),
            lines=[
                FeeLine(line_id=f"{permit_id}-{n}", name=name, amount_minor=amount)
                for n, (name, amount) in enumerate(lines)
            ],
            balance_minor=sum(a for _, a in lines),
            payer_emails=list(payer_emails),
            company_ids=list(company_ids),
            version=version,
        )
        await self.publish(event, f"fa-{permit_id}-{version}", jid)
        coll = self.runtime.db["receivables"]

        async def applied() -> bool:
            return await coll.count_documents({"_id": permit_id, "source_version": version}) == 1

        await eventually(applied, what=f"receivable {permit_id}")

    async def pay_on_page(
        self, payment: dict[str, Any], action: str = "approve", **form: str
    ) -> httpx.Response:
        """What the payer's browser does on the sandbox's hosted page."""
        path = payment["hosted_url"].removeprefix("http://sandbox")
        page = await self.sandbox_http.get(path)
        assert page.status_code == 200 and "Sandbox payment" in page.text
        return await self.sandbox_http.post(path, data={"action": action, **form})

    async def outbox(self, event_type: str) -> list[dict[str, Any]]:
        """The events payments committed (each is published from its outbox document)."""
        cursor = self.runtime.db["outbox"].find(
            {"event_type": f"permitsuite.payments.{event_type}.v1"}
        )
        return [json.loads(doc["value"]) async for doc in cursor]

    def token(
        self,
        jid: str,
        kind: str,
        *,
        email: str = "",
        roles: list[str] | None = None,
        companies: list[str] | None = None,
    ) -> dict[str, str]:
        return ISSUER.headers(
            jid,
            kind,
            email=email,
            roles=roles,
            companies=companies,
            now=self.clock.now(),
            minutes=5,
        )

    async def publish(self, event: Any, event_id: str, jid: str = "alpha") -> None:
        """A permits event for payments: through the real broker when the harness
        runs payments' consumer (the smoke test), else straight into the handler
        the consumer calls, in a unit of work (the rules, without the wait)."""
        if not self.via_broker:
            handler = HANDLERS[type(event)]
            await self.app.state.payments.service.units.run(jid, partial(handler, event))
            return
        env = Envelope(
            id=event_id,
            source="/permitsuite/permits",
            type=event.event_type,
            time=datetime(2026, 1, 1, tzinfo=UTC),
            subject=event.subject(),
            jurisdiction=jid,
            correlationid="c",
            data=event.model_dump(mode="json"),
        )
        await self.runtime.publisher.publish_record(
            "permits.events", env.kafka_key(), env.kafka_value(), env.kafka_headers(), path="test"
        )


HANDLERS: dict[type, Any] = {
    FeeAssessed: receivables.on_fee_assessed,
    FeeVoided: receivables.on_fee_voided,
    PermitPartiesChanged: receivables.on_parties_changed,
}


@pytest.fixture
def payments_role() -> str:
    """HTTP and handlers only by default; the consumer smoke test overrides it."""
    return "api"


def payments_settings(scope: TestScope, **overrides: Any) -> PaymentsSettings:
    return PaymentsSettings(
        **scope.settings_kwargs(
            "payments",
            provider_api_key=API_KEY,
            webhook_secret=WEBHOOK_SECRET,
            accounts_key=ACCOUNTS_KEY,
            reconcile_interval_seconds=3600,  # tests drive reconciliation themselves
            **overrides,
        )
    )


@pytest.fixture
async def harness(
    scope: TestScope, manual_clock: ManualClock, payments_role: str
) -> AsyncIterator[Harness]:
    """Payments and the sandbox provider, each a real app over the real database
    and broker, talking to each other over HTTP (in-process transports)."""
    await scope.create_topics()
    settings = payments_settings(scope, role=payments_role)
    sandbox_settings = SandboxSettings(
        mongodb_url=scope.infra.mongodb_url,
        database=f"{scope.database}_sandbox",
        api_key=API_KEY,
        webhook_secret=WEBHOOK_SECRET,
        webhook_url="http://payments/v1/webhooks/payments/sandbox",
        public_base_url="http://sandbox",
    )
    sandbox_ref: dict[str, Any] = {}

    async def sandbox_asgi(scope: Any, receive: Any, send: Any) -> None:
        await sandbox_ref["app"](scope, receive, send)

    to_sandbox = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox_asgi), base_url="http://sandbox"
    )

    def reach_sandbox(name: str, key: str, secret: str) -> SandboxProvider:
        return SandboxProvider("http://sandbox", key, secret, http=to_sandbox)

    app = create_app(
        settings, manual_clock, reach_sandbox("sandbox", API_KEY, WEBHOOK_SECRET), reach_sandbox
    )
    app.state.runtime.verifier = TokenVerifier(
        issuer="permitsuite-identity", audience="permitsuite", clock=manual_clock, jwks=JWKS
    )
    to_payments = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://payments"
    )
    sandbox_app = create_sandbox_app(
        sandbox_settings, manual_clock, to_payments, deliver_in_background=False
    )
    sandbox_ref["app"] = sandbox_app
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
        LifespanManager(sandbox_app, startup_timeout=60, shutdown_timeout=30),
        to_payments as http,
        to_sandbox,
    ):
        yield Harness(
            http,
            app.state.runtime,
            manual_clock,
            sandbox_app.state.sandbox,
            to_sandbox,
            app,
            via_broker=payments_role != "api",
        )
        await app.state.runtime.client.drop_database(settings.database_name())
        await app.state.runtime.client.drop_database(sandbox_settings.database)
