from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from devstack.testing import TestScope
from devstack.testing.tokens import LocalIssuer

from chassis.auth import TokenVerifier
from chassis.clock import ManualClock
from contracts import Envelope, IntegrationEvent
from integrations.bootstrap import create_app
from integrations.settings import IntegrationsSettings

ISSUER = LocalIssuer()


@dataclass
class Harness:
    http: httpx.AsyncClient
    runtime: Any
    clock: ManualClock

    def admin(self, jid: str) -> dict[str, str]:
        return ISSUER.headers(jid, "staff", now=self.clock.now(), roles=["admin"])

    def staff(self, jid: str, *roles: str) -> dict[str, str]:
        return ISSUER.headers(jid, "staff", now=self.clock.now(), roles=list(roles))

    async def publish(self, event: IntegrationEvent, event_id: str, jid: str | None) -> None:
        """``event`` as its service publishes it, through the real broker."""
        env = Envelope(
            id=event_id,
            source="/permitsuite/test",
            type=event.event_type,
            time=datetime(2026, 1, 1, tzinfo=UTC),
            subject=event.subject(),
            jurisdiction=jid,
            correlationid=f"corr-{event_id}",
            data=event.model_dump(mode="json"),
        )
        await self.runtime.publisher.publish_record(
            event.topic, env.kafka_key(), env.kafka_value(), env.kafka_headers(), path="test"
        )

    async def page(self, jid: str, **params: Any) -> dict[str, Any]:
        r = await self.http.get(
            f"/v1/jurisdictions/{jid}/events", params=params, headers=self.admin(jid)
        )
        assert r.status_code == 200, r.text
        return dict(r.json())


@pytest.fixture
async def harness(scope: TestScope, manual_clock: ManualClock) -> AsyncIterator[Harness]:
    await scope.create_topics(partitions=3)
    settings = IntegrationsSettings(**scope.settings_kwargs("integrations", role="all"))
    app = create_app(settings, manual_clock)
    app.state.runtime.verifier = TokenVerifier(
        issuer="permitsuite-identity",
        audience="permitsuite",
        clock=manual_clock,
        jwks=ISSUER.jwks(),
    )
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://integrations"
        ) as http,
    ):
        yield Harness(http, app.state.runtime, manual_clock)
        await app.state.runtime.client.drop_database(settings.database_name())
