"""GET /v1/me/dashboard: sections from the owning services, concurrently, each
with its own budget; a slow or failing service degrades its section only
(R-DASH-1…3). Upstreams are simulated at the HTTP transport."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any, get_args

import httpx
import pytest
from asgi_lifespan import LifespanManager

from chassis.clock import ManualClock
from contracts.identity import StaffRole
from gateway.app import create_app
from gateway.queues import QUEUES
from gateway.settings import GatewaySettings

from .test_gateway_app import JWKS, NOW, token

BUDGET = 0.5
PERMIT = {
    "id": "p1",
    "number": "RES16-0688",
    "address": "1968 E Dodd Rd",
    "type": "RESIDENTIAL",
    "status": "AWAITING_PAYMENT",
    "status_label": "AWAITING PAYMENT",
    "inspection_available": False,
    "fees_due": "1023.98",
}
INSPECTION = {
    "id": "i1",
    "record_no": "BRES2018-0000",
    "record_type": "PERMIT",
    "record_status": "ISSUED",
    "address": "17575 Peak Ave",
    "inspection": "BUILDING FINAL",
    "date": "2018-08-22",
    "status": "SCHEDULED",
    "cancellable": True,
}


class Upstreams:
    def __init__(self) -> None:
        self.mode: dict[str, str] = {}  # service host → "down" | "slow" | "error"
        self.seen: list[httpx.Request] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/.well-known/jwks.json":
            return httpx.Response(200, json=JWKS)
        self.seen.append(request)
        mode = self.mode.get(request.url.host)
        if mode == "down":
            raise httpx.ConnectError("refused", request=request)
        if mode == "slow":
            # never answers: like the network, the call ends at its read timeout
            # (the gateway bounds calls with httpx's timeouts, never cancels them)
            await asyncio.sleep(request.extensions["timeout"]["read"])
            raise httpx.ReadTimeout("no answer", request=request)
        if mode == "error":
            return httpx.Response(500, json={"title": "boom"})
        path = request.url.path
        if path.endswith("/dashboard/permits"):
            expired = request.url.params["which"] == "expired"
            items = [] if expired else [PERMIT]
            return httpx.Response(
                200,
                json={
                    "items": items,
                    "total": len(items),
                    "limit": int(request.url.params["limit"]),
                    "offset": int(request.url.params["offset"]),
                    "total_fees_due": "0.00" if expired else "1023.98",
                },
            )
        if path.endswith("/my-inspections"):
            return httpx.Response(
                200, json={"items": [INSPECTION], "total": 1, "limit": 20, "offset": 0}
            )
        if path.endswith("/cart"):
            return httpx.Response(
                200, json={"permits": [{"permit_id": "p1"}], "total_fees": "1023.98"}
            )
        if path.endswith("/permit-queues"):
            return httpx.Response(
                200,
                json={
                    status: {"items": [{"id": f"{path}:{status}"}], "total": 3}
                    for status in request.url.params.get_list("status")
                },
            )
        if path.endswith(("/registrations", "/inspection-search", "/staff/payments")):
            status = request.url.params.get("status", "")
            return httpx.Response(200, json={"items": [{"id": f"{path}:{status}"}], "total": 3})
        return httpx.Response(404, json={"title": "no"})


@pytest.fixture
def upstreams() -> Upstreams:
    return Upstreams()


@pytest.fixture
async def gateway(upstreams: Upstreams) -> AsyncIterator[httpx.AsyncClient]:
    settings = GatewaySettings(
        services={
            "identity": "http://identity.test",
            "permits": "http://permits.test",
            "inspections": "http://inspections.test",
            "payments": "http://payments.test",
            "registration": "http://registration.test",
        },
        jwks_url="http://identity.test/.well-known/jwks.json",
        dashboard_timeout_seconds=BUDGET,
        log_json=False,
    )
    app = create_app(settings, ManualClock(NOW), transport=httpx.MockTransport(upstreams))
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as c,
    ):
        yield c


def auth(**claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(kind='contractor', **claims)}"}


async def test_dashboard_assembles_every_section(
    gateway: httpx.AsyncClient, upstreams: Upstreams
) -> None:
    r = await gateway.get("/v1/me/dashboard?limit=5", headers=auth())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["degraded"] == [] and body["jurisdiction_id"] == "demo"
    assert body["active_permits"]["items"][0]["fees_due"] == "1023.98"
    assert body["active_permits"]["limit"] == 5
    assert body["active_inspections"]["items"][0]["cancellable"] is True
    assert body["expired_permits"]["total"] == 0
    assert body["total_fees_due"] == "1023.98" and body["cart_items"] == 1
    # the caller's token is forwarded: each service checks access itself (R-DASH-3)
    forwarded = {q.headers["authorization"] for q in upstreams.seen}
    assert forwarded == {auth()["Authorization"]}
    assert all("/jurisdictions/demo/" in q.url.path for q in upstreams.seen)


@pytest.mark.parametrize("mode", ["down", "error"])
async def test_a_failing_service_degrades_its_section_only(
    gateway: httpx.AsyncClient, upstreams: Upstreams, mode: str
) -> None:
    upstreams.mode["inspections.test"] = mode
    r = await gateway.get("/v1/me/dashboard", headers=auth())
    assert r.status_code == 200
    assert r.json()["degraded"] == ["inspections"]
    assert r.json()["missing_sections"] == ["active_inspections"]
    assert r.headers["Permitsuite-Degraded"] == "inspections"  # seen without reading the body
    assert r.json()["active_inspections"] is None
    assert r.json()["active_permits"]["total"] == 1


async def test_a_dashboard_with_every_section_missing_is_a_503_not_an_empty_200(
    gateway: httpx.AsyncClient, upstreams: Upstreams
) -> None:
    """R-DASH-1: an empty dashboard would say "no permits" — a lie; it says it is not there."""
    for host in ("permits.test", "inspections.test", "payments.test"):
        upstreams.mode[host] = "down"
    r = await gateway.get("/v1/me/dashboard", headers=auth())
    assert r.status_code == 503
    assert r.headers["content-type"] == "application/problem+json"
    assert int(r.headers["Retry-After"]) > 0
    assert r.json()["services"] == ["inspections", "payments", "permits"]


async def test_a_slow_service_does_not_hold_the_dashboard_past_its_budget(
    gateway: httpx.AsyncClient, upstreams: Upstreams
) -> None:
    upstreams.mode["payments.test"] = "slow"
    started = time.monotonic()
    r = await gateway.get("/v1/me/dashboard", headers=auth())
    elapsed = time.monotonic() - started
    assert r.status_code == 200 and r.json()["degraded"] == ["payments"]
    assert r.headers["Permitsuite-Degraded"] == "payments"
    assert r.json()["cart_items"] is None and r.json()["active_permits"] is not None
    assert elapsed < BUDGET + 1.0


async def test_dashboard_needs_a_valid_token(gateway: httpx.AsyncClient) -> None:
    assert (await gateway.get("/v1/me/dashboard")).status_code == 401
    bad = {"Authorization": "Bearer not-a-token"}
    assert (await gateway.get("/v1/me/dashboard", headers=bad)).status_code == 401


def staff(*roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(kind='staff', roles=list(roles))}"}


async def test_staff_queues_for_an_admin(gateway: httpx.AsyncClient, upstreams: Upstreams) -> None:
    r = await gateway.get("/v1/staff/queues?limit=5", headers=staff("admin"))
    assert r.status_code == 200, r.text
    queues = r.json()["queues"]
    assert set(queues) == {
        "registrations_pending_validation",
        "permits_in_review",
        "permits_pending_approval",
        "permits_awaiting_payment",
        "permits_ready_to_issue",
        "inspections_today",
        "payments_pending",
    }
    assert all(q["total"] == 3 for q in queues.values())
    assert queues["permits_ready_to_issue"]["items"][0]["id"].endswith(":READY_TO_ISSUE")
    # one call per service, not per queue (issue 22: six calls shared one budget)
    hosts = sorted(q.url.host for q in upstreams.seen)
    assert hosts == sorted(
        ["registration.test", "permits.test", "inspections.test", "payments.test"]
    )
    [permits] = [q for q in upstreams.seen if q.url.host == "permits.test"]
    assert permits.url.path == "/v1/jurisdictions/demo/permit-queues"
    assert permits.url.params.get_list("status") == [
        "IN_REVIEW",
        "PENDING_APPROVAL",
        "AWAITING_PAYMENT",
        "READY_TO_ISSUE",
    ]
    sent = {(q.url.path, q.url.params.get("status")) for q in upstreams.seen}
    assert ("/v1/jurisdictions/demo/registrations", "pending_validation") in sent
    today = next(q for q in upstreams.seen if q.url.path.endswith("/inspection-search"))
    assert today.url.params["today"] == "true" and today.url.params["limit"] == "5"


async def test_staff_queues_follow_roles_and_degrade(
    gateway: httpx.AsyncClient, upstreams: Upstreams
) -> None:
    cashier = (await gateway.get("/v1/staff/queues", headers=staff("cashier"))).json()
    assert set(cashier["queues"]) == {"permits_awaiting_payment", "payments_pending"}
    upstreams.mode["inspections.test"] = "down"
    inspector = (await gateway.get("/v1/staff/queues", headers=staff("inspector"))).json()
    assert inspector["queues"] == {} and inspector["degraded"] == ["inspections_today"]
    contractor = await gateway.get("/v1/staff/queues", headers=auth())
    assert contractor.status_code == 403


def test_every_queue_names_roles_that_exist() -> None:
    """Issue 27: a queue for a role nobody can have is a queue nobody sees."""
    known = set(get_args(StaffRole))
    assert [q.name for q in QUEUES if not set(q.roles) <= known] == []


async def test_queues_follow_the_roles_the_services_enforce(gateway: httpx.AsyncClient) -> None:
    """A plan reviewer moves permits in review (permits' transition table), a
    permit technician reviews registrations (registration's REVIEWER_ROLES)."""
    reviewer = (await gateway.get("/v1/staff/queues", headers=staff("plan_reviewer"))).json()
    assert {"permits_in_review", "permits_pending_approval"} <= set(reviewer["queues"])
    technician = (await gateway.get("/v1/staff/queues", headers=staff("permit_technician"))).json()
    assert "registrations_pending_validation" in technician["queues"]


async def test_asyncapi_document_lists_every_event(gateway: httpx.AsyncClient) -> None:
    doc = (await gateway.get("/asyncapi.json")).json()
    assert doc["asyncapi"].startswith("3.")
    names = {m["name"] for m in doc["components"]["messages"].values()}
    assert {
        "permitsuite.payments.PaymentSettled.v1",
        "permitsuite.inspections.InspectionResulted.v1",
        "permitsuite.permits.PermitIssued.v1",
    } <= names
