"""``GET /v1/staff/queues``: the staff's work queues in one call — counts and
the first page of each, for the caller's jurisdiction and only the queues
their roles work (each service checks access again)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from chassis.errors import Forbidden, problem_responses
from gateway.caller import verified_caller
from gateway.clients import ServiceClient
from gateway.upstreams import Overloaded, Upstreams


@dataclass(frozen=True)
class Queue:
    name: str
    service: str
    path: str
    params: dict[str, str]
    roles: tuple[str, ...]


PERMIT_STAFF = ("admin", "permit_technician", "reviewer")
QUEUES = [
    Queue(
        "registrations_pending_validation",
        "registration",
        "/registrations",
        {"status": "pending_validation"},
        ("admin", "registrar"),
    ),
    *(
        Queue(f"permits_{status.lower()}", "permits", "/permit-search", {"status": status}, roles)
        for status, roles in (
            ("IN_REVIEW", PERMIT_STAFF),
            ("PENDING_APPROVAL", PERMIT_STAFF),
            ("AWAITING_PAYMENT", (*PERMIT_STAFF, "cashier")),
            ("READY_TO_ISSUE", PERMIT_STAFF),
        )
    ),
    Queue(
        "inspections_today",
        "inspections",
        "/inspection-search",
        {"today": "true", "status": "SCHEDULED"},
        ("admin", "inspector", "permit_technician"),
    ),
    Queue(
        "payments_pending",
        "payments",
        "/staff/payments",
        {"status": "PENDING"},
        ("admin", "cashier"),
    ),
]


class QueueSection(BaseModel):
    total: int
    items: list[dict[str, Any]]


class StaffQueues(BaseModel):
    jurisdiction_id: str
    queues: dict[str, QueueSection] = Field(description="only the queues the caller's roles work")
    degraded: list[str] = Field(description="queues whose service did not answer in time")


router = APIRouter(tags=["dashboards"], responses=problem_responses(401, 403))


@router.get(
    "/v1/staff/queues",
    response_model=StaffQueues,
    summary="Staff work queues",
    openapi_extra={"security": [{"bearerAuth": []}]},
)
async def staff_queues(
    request: Request, limit: int = Query(default=10, ge=1, le=50, description="per queue")
) -> StaffQueues:
    settings = request.app.state.settings
    principal, authorization = await verified_caller(request)
    if principal.kind != "staff" or principal.jurisdiction_id is None:
        raise Forbidden("work queues are for a jurisdiction's staff")
    jid = principal.jurisdiction_id
    upstreams: Upstreams = request.app.state.upstreams
    budget = settings.dashboard_timeout_seconds
    mine = [q for q in QUEUES if q.service in settings.services and principal.has_role(*q.roles)]

    async def fetch(q: Queue) -> QueueSection | None:
        client = ServiceClient(upstreams[q.service])
        try:  # bounded by httpx's timeouts, never cancelled (upstreams.py)
            doc = await client.get(
                f"/v1/jurisdictions/{jid}{q.path}",
                authorization,
                budget,
                {**q.params, "limit": limit, "offset": 0},
            )
            return QueueSection(total=doc["total"], items=doc["items"])
        except (httpx.HTTPError, ValueError, KeyError, Overloaded):
            return None

    results = await asyncio.gather(*(fetch(q) for q in mine))
    return StaffQueues(
        jurisdiction_id=jid,
        queues={q.name: r for q, r in zip(mine, results, strict=True) if r is not None},
        degraded=[q.name for q, r in zip(mine, results, strict=True) if r is None],
    )
