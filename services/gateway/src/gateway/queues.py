"""``GET /v1/staff/queues``: the staff's work queues in one call — counts and
the first page of each, for the caller's jurisdiction and only the queues
their roles work (each service checks access again). One call per service,
not per queue: permits answers all of its queues at once (``/permit-queues``),
so a queue is not dropped because six calls shared one budget."""

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


# the roles as identity grants them (contracts.identity.StaffRole): who reviews
# permits (permits' transition table) and registrations (registration's reviewers)
PERMIT_STAFF = ("admin", "permit_technician", "plan_reviewer")
REGISTRATION_REVIEWERS = ("admin", "permit_technician")
QUEUES = [
    Queue(
        "registrations_pending_validation",
        "registration",
        "/registrations",
        {"status": "pending_validation"},
        REGISTRATION_REVIEWERS,
    ),
    *(
        Queue(f"permits_{status.lower()}", "permits", "/permit-queues", {"status": status}, roles)
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

    async def fetch(service: str, queues: list[Queue]) -> dict[str, QueueSection]:
        """One call to ``service`` for all of ``queues``; nothing on failure."""
        client = ServiceClient(upstreams[service])
        try:  # bounded by httpx's timeouts, never cancelled (upstreams.py)
            if queues[0].path == "/permit-queues":  # several queues, one answer by status
                doc = await client.get(
                    f"/v1/jurisdictions/{jid}/permit-queues",
                    authorization,
                    budget,
                    {"status": [q.params["status"] for q in queues], "limit": limit},
                )
                return {
                    q.name: QueueSection(
                        total=doc[q.params["status"]]["total"],
                        items=doc[q.params["status"]]["items"],
                    )
                    for q in queues
                }
            [q] = queues
            doc = await client.get(
                f"/v1/jurisdictions/{jid}{q.path}",
                authorization,
                budget,
                {**q.params, "limit": limit, "offset": 0},
            )
            return {q.name: QueueSection(total=doc["total"], items=doc["items"])}
        except (httpx.HTTPError, ValueError, KeyError, TypeError, Overloaded):
            return {}

    by_service: dict[str, list[Queue]] = {}
    for q in mine:
        by_service.setdefault(q.service, []).append(q)
    answers = await asyncio.gather(*(fetch(s, qs) for s, qs in by_service.items()))
    got = {name: section for answer in answers for name, section in answer.items()}
    return StaffQueues(
        jurisdiction_id=jid,
        queues={q.name: got[q.name] for q in mine if q.name in got},
        degraded=[q.name for q in mine if q.name not in got],
    )
