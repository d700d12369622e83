from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from devstack.testing import TestScope, eventually
from devstack.testing.tokens import LocalIssuer

from chassis.auth import TokenVerifier
from chassis.clock import ManualClock
from contracts import Envelope
from contracts.identity import JurisdictionCreated
from contracts.permits import Party, PermitIssued, PermitStatusChanged, SiteAddress
from inspections.bootstrap import create_app
from inspections.entrypoints.consumers import HANDLERS
from inspections.settings import InspectionsSettings

ISSUER = LocalIssuer()
TYPES = ["ADDRESSING", "BUILDING FINAL", "ELECTRICAL FINAL"]


@dataclass
class Harness:
    http: httpx.AsyncClient
    runtime: Any
    clock: ManualClock
    app: Any = None
    via_broker: bool = False

    def token(self, jid: str, kind: str, **kw: Any) -> dict[str, str]:
        return ISSUER.headers(jid, kind, now=self.clock.now(), **kw)

    def rich(self, jid: str = "alpha") -> dict[str, str]:
        return self.token(jid, "contractor", email="rich@example.org", companies=["c1"])

    def inspector(self, jid: str = "alpha") -> dict[str, str]:
        return self.token(jid, "staff", email="ivan@example.org", roles=["inspector"])

    async def publish(self, event: Any, event_id: str, jid: str = "alpha") -> None:
        """Another service's event: through the real broker when the harness runs
        the consumers (the smoke test), else straight into the handler the
        consumer calls, in a unit of work."""
        if not self.via_broker:
            await self.app.state.inspections.units.run(jid, partial(HANDLERS[type(event)], event))
            return
        env = Envelope(
            id=event_id,
            source="/permitsuite/test",
            type=event.event_type,
            time=datetime(2026, 1, 1, tzinfo=UTC),
            subject=event.subject(),
            jurisdiction=jid,
            correlationid="c",
            data=event.model_dump(mode="json"),
        )
        await self.runtime.publisher.publish_record(
            event.topic, env.kafka_key(), env.kafka_value(), env.kafka_headers(), path="test"
        )

    async def wait_for(self, collection: str, query: dict[str, Any], count: int = 1) -> None:
        coll = self.runtime.db[collection]

        async def arrived() -> bool:
            return await coll.count_documents(query) >= count

        await eventually(arrived, what=f"{collection} {query}")

    async def jurisdiction(self, jid: str = "alpha", tz: str = "America/Denver") -> None:
        event = JurisdictionCreated(jurisdiction_id=jid, name=jid.title(), time_zone=tz)
        await self.publish(event, f"jc-{jid}", jid)
        await self.wait_for("zones", {"_id": jid, "time_zone": tz})

    async def issue(
        self, permit_id: str, number: str, jid: str = "alpha", version: int = 9
    ) -> None:
        event = PermitIssued(
            permit_id=permit_id,
            jurisdiction_id=jid,
            number=number,
            type_name="RESIDENTIAL",
            site=SiteAddress(street="17575 Peak Ave", zip="83642"),
            inspection_types=TYPES,
            issued_at=self.clock.now(),
            expires_at=self.clock.now() + timedelta(days=180),
            automatic=True,
            applicant=Party(name="Rich", email="rich@example.org"),
            owner=Party(name="Pat", email="pat@example.org"),
            company_ids=["c1"],
            version=version,
        )
        # as permits does: the status change and PermitIssued in one transaction,
        # with the same aggregate version
        moved = PermitStatusChanged(
            permit_id=permit_id,
            jurisdiction_id=jid,
            number=number,
            from_status="READY_TO_ISSUE",
            to_status="ISSUED",
            by="system",
            at=self.clock.now(),
            version=version,
        )
        await self.publish(moved, f"psc-{permit_id}", jid)
        await self.publish(event, f"pi-{permit_id}", jid)
        await self.wait_for(
            "permits", {"_id": permit_id, "status": "ISSUED", "inspection_types": TYPES[0]}
        )

    async def configure(self, jid: str = "alpha", **settings: Any) -> None:
        admin = self.token(jid, "staff", roles=["admin"])
        r = await self.http.put(
            f"/v1/jurisdictions/{jid}/inspection-settings", headers=admin, json=settings
        )
        assert r.status_code == 200, r.text


@pytest.fixture
def inspections_role() -> str:
    """HTTP and handlers only by default; the consumer smoke test overrides it."""
    return "api"


@pytest.fixture
async def harness(
    scope: TestScope, manual_clock: ManualClock, inspections_role: str
) -> AsyncIterator[Harness]:
    await scope.create_topics()
    settings = InspectionsSettings(**scope.settings_kwargs("inspections", role=inspections_role))
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
            transport=httpx.ASGITransport(app=app), base_url="http://inspections"
        ) as http,
    ):
        yield Harness(
            http, app.state.runtime, manual_clock, app, via_broker=inspections_role != "api"
        )
        await app.state.runtime.client.drop_database(settings.database_name())
