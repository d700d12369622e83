from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from asgi_lifespan import LifespanManager
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from chassis.auth import TokenVerifier
from chassis.clock import ManualClock
from chassis.testing import TestScope
from contracts import Envelope
from payments.bootstrap import create_app
from payments.settings import PaymentsSettings

KEY = Ed25519PrivateKey.generate()
JWKS = {
    "keys": [{**OKPAlgorithm.to_jwk(KEY.public_key(), as_dict=True), "kid": "t", "alg": "EdDSA"}]
}


@dataclass
class Harness:
    http: httpx.AsyncClient
    runtime: Any
    clock: ManualClock

    def token(
        self,
        jid: str,
        kind: str,
        *,
        email: str = "",
        roles: list[str] | None = None,
        companies: list[str] | None = None,
    ) -> dict[str, str]:
        now = self.clock.now()
        claims = {
            "iss": "permitsuite-identity",
            "aud": "permitsuite",
            "sub": f"acc-{email or kind}",
            "email": email,
            "jur": jid,
            "kind": kind,
            "roles": roles or [],
            "companies": companies or [],
            "ver": 0,
            "typ": "access",
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int((now + timedelta(minutes=5)).timestamp()),
        }
        return {
            "Authorization": "Bearer "
            + jwt.encode(claims, KEY, algorithm="EdDSA", headers={"kid": "t"})
        }

    async def publish(self, event: Any, event_id: str, jid: str = "alpha") -> None:
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


@pytest.fixture
async def harness(scope: TestScope, manual_clock: ManualClock) -> AsyncIterator[Harness]:
    await scope.create_topics()
    settings = PaymentsSettings(**scope.settings_kwargs("payments"))
    app = create_app(settings, manual_clock)
    app.state.runtime.verifier = TokenVerifier(
        issuer="permitsuite-identity", audience="permitsuite", clock=manual_clock, jwks=JWKS
    )
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30) as m,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=m.app), base_url="http://payments"
        ) as http,
    ):
        yield Harness(http, app.state.runtime, manual_clock)
        await app.state.runtime.client.drop_database(settings.database_name())
