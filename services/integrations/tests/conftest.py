from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from cryptography.fernet import Fernet
from devstack.testing import TestScope
from devstack.testing.tokens import LocalIssuer
from pymongo import AsyncMongoClient
from standardwebhooks.webhooks import Webhook

from chassis.auth import TokenVerifier
from chassis.clock import ManualClock
from contracts import Envelope, IntegrationEvent
from contracts.permits import PermitStatusChanged
from integrations.bootstrap import create_app
from integrations.settings import IntegrationsSettings

ISSUER = LocalIssuer()
STEPS = ["SUBMITTED", "IN_REVIEW", "PENDING_APPROVAL", "READY_TO_ISSUE", "ISSUED"]


@dataclass
class Harness:
    http: httpx.AsyncClient
    runtime: Any
    clock: ManualClock
    runtime_app: Any = None

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

    @staticmethod
    def permit_step(permit: str, jid: str, step: int) -> PermitStatusChanged:
        """A permit's ``step``-th move along the workflow (RES26-<permit>)."""
        return PermitStatusChanged(
            permit_id=permit,
            jurisdiction_id=jid,
            number=f"RES26-{permit}",
            from_status=STEPS[step],
            to_status=STEPS[step + 1],
            by="staff",
            at=datetime(2026, 1, 1, tzinfo=UTC),
            version=step + 2,
        )

    async def steps(self, jid: str, permits: list[str], count: int) -> list[str]:
        """Publish ``count`` steps of each permit, interleaved; their ids in order."""
        ids = []
        for step in range(count):
            for permit in permits:
                ids.append(f"{jid}-{permit}-{step}")
                await self.publish(self.permit_step(permit, jid, step), ids[-1], jid)
        return ids

    @staticmethod
    def per_permit(ids: list[str]) -> dict[str, list[str]]:
        """Event ids (as :meth:`steps` names them) by permit, in the order given."""
        order: dict[str, list[str]] = {}
        for event_id in ids:
            order.setdefault(event_id.rsplit("-", 1)[0], []).append(event_id)
        return order

    @staticmethod
    def signed_by(secret: str, got: Received) -> bool:
        """A receiver's check, with the ``standardwebhooks`` package's signing:
        one of the signatures sent is the one ``secret`` makes of id,
        timestamp and body. (Its ``verify`` also refuses a timestamp five
        minutes from the wall clock; the tests' clock is set, so that part is
        left out here.)"""
        headers = got.headers
        at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), tz=UTC)
        expected = Webhook(secret).sign(headers["webhook-id"], at, got.body.decode())
        return expected in headers["webhook-signature"].split()

    async def settled(self, endpoint_id: str, tries: int) -> bool:
        """The endpoint's worker let it go, with ``tries`` attempts in its log."""
        doc = await self.runtime.db["webhook_endpoints"].find_one({"_id": endpoint_id})
        return bool(doc["logged"] >= tries and doc.get("owner") is None)

    async def state_is(self, endpoint_id: str, state: str) -> bool:
        return bool((await self.endpoint("alpha", endpoint_id))["health"]["state"] == state)

    async def add_endpoint(self, jid: str, url: str, **fields: Any) -> dict[str, Any]:
        r = await self.http.post(
            f"/v1/jurisdictions/{jid}/webhook-endpoints",
            json={"url": url, **fields},
            headers=self.admin(jid),
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def endpoint(self, jid: str, endpoint_id: str) -> dict[str, Any]:
        r = await self.http.get(
            f"/v1/jurisdictions/{jid}/webhook-endpoints/{endpoint_id}", headers=self.admin(jid)
        )
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def log(self, jid: str, endpoint_id: str) -> list[dict[str, Any]]:
        """The whole delivery log, oldest first."""
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 200}
        while True:
            r = await self.http.get(
                f"/v1/jurisdictions/{jid}/webhook-endpoints/{endpoint_id}/deliveries",
                params=params,
                headers=self.admin(jid),
            )
            assert r.status_code == 200, r.text
            items += r.json()["items"]
            if r.json()["next_before"] is None:
                return items[::-1]
            params["before"] = r.json()["next_before"]

    async def page(self, jid: str, **params: Any) -> dict[str, Any]:
        r = await self.http.get(
            f"/v1/jurisdictions/{jid}/events", params=params, headers=self.admin(jid)
        )
        assert r.status_code == 200, r.text
        return dict(r.json())


@pytest.fixture
async def harness(scope: TestScope, manual_clock: ManualClock) -> AsyncIterator[Harness]:
    await scope.create_topics(partitions=3)
    settings = IntegrationsSettings(
        **scope.settings_kwargs("integrations", role="all"),
        webhook_poll_seconds=0.2,
        secrets_key=Fernet.generate_key().decode(),  # secrets sealed, as in production
    )
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
        yield Harness(http, app.state.runtime, manual_clock, app)
    # after the service stopped: its webhook worker writes until then
    async with AsyncMongoClient(settings.mongodb_url) as client:
        await client.drop_database(settings.database_name())


# -- a webhook receiver: a real HTTP/1.1 server on loopback (asyncio streams,
# keep-alive), answering each request as ``answer`` says, keeping every request

REASONS = {200: "OK", 204: "No Content", 302: "Found", 410: "Gone", 500: "Server Error"}


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


Answer = Callable[[Received], Awaitable[tuple[int, dict[str, str]]]]


async def ok(_: Received) -> tuple[int, dict[str, str]]:
    return 200, {}


@dataclass
class Receiver:
    answer: Answer = ok
    got: list[Received] = field(default_factory=list)  # every request, answered or not
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/hook"

    async def start(self) -> Receiver:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()

    def delivered_ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.got]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                received = Received(headers, body)
                self.got.append(received)
                self.arrived.set()
                status, extra = await self.answer(received)
                reply = {"content-length": "2", "content-type": "text/plain", **extra}
                writer.write(
                    f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\n".encode()
                    + "".join(f"{k}: {v}\r\n" for k, v in reply.items()).encode()
                    + b"\r\nok"
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def receivers() -> AsyncIterator[Callable[..., Awaitable[Receiver]]]:
    made: list[Receiver] = []

    async def make(**kw: Any) -> Receiver:
        made.append(await Receiver(**kw).start())
        return made[-1]

    yield make
    for receiver in made:
        await receiver.stop()
