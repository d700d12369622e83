"""Routes: the caller's dashboard lists (R-DASH-1/2) and staff search."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query

from chassis.api import PageQuery, Tenant
from chassis.errors import problem_responses
from chassis.money import amount_text
from chassis.timeparams import IsoDateTime
from permits.entrypoints.dependencies import App
from permits.entrypoints.schemas import (
    DashboardPage,
    DashboardRow,
    PermitPage,
    Status,
    permit_out,
)
from permits.service_layer import views

router = APIRouter(responses=problem_responses(400, 401, 403, 404, 422))


@router.get(
    "/dashboard/permits",
    response_model=DashboardPage,
    tags=["dashboards"],
    summary="My Active Permits (R-DASH-1) or, with which=expired, My Expired Permits",
)
async def dashboard(
    jurisdiction_id: str,
    user: Tenant,
    app: App,
    paging: PageQuery,
    which: Literal["active", "expired"] = "active",
    fees_due: bool = Query(
        default=False, description="only permits with fees due (Pay All Fees, R-PAY-3)"
    ),
) -> DashboardPage:
    rows, total, due = await app.units.read(
        jurisdiction_id,
        lambda uow: views.dashboard(
            uow,
            user,
            which=which,
            limit=paging.limit,
            offset=paging.offset,
            fees_due_only=fees_due,
        ),
    )
    items = [DashboardRow(fees_due=amount_text(r.pop("fees_due_minor")), **r) for r in rows]
    return DashboardPage(
        items=items,
        total=total,
        limit=paging.limit,
        offset=paging.offset,
        total_fees_due=amount_text(due),
    )


@router.get(
    "/permit-search",
    response_model=PermitPage,
    tags=["permits"],
    summary="Staff search: number, street prefix, parcel, status, type, applicant, "
    "company, application dates; newest first, paginated",
    description="A search must name what bounds it: a permit number, street prefix, parcel, "
    "applicant or company; a status of work in progress (SUBMITTED, IN_REVIEW, "
    "PENDING_APPROVAL, AWAITING_PAYMENT, READY_TO_ISSUE); or an application window of at "
    "most 92 days. Otherwise 422 says how to narrow it (reads stay flat at any size).",
)
async def search(
    jurisdiction_id: str,
    user: Tenant,
    app: App,
    paging: PageQuery,
    number: str | None = Query(default=None, max_length=40),
    address: str | None = Query(default=None, max_length=200),
    parcel: str | None = Query(default=None, max_length=60),
    status: Status | None = None,  # type: ignore[valid-type]
    type_code: str | None = Query(default=None, max_length=40),
    applicant: str | None = Query(default=None, max_length=320),
    company_id: str | None = Query(default=None, max_length=60),
    applied_from: IsoDateTime | None = None,
    applied_to: IsoDateTime | None = None,
) -> PermitPage:
    filters = {
        "number": number,
        "address": address,
        "parcel": parcel,
        "status": status,
        "type_code": type_code,
        "applicant": applicant,
        "company_id": company_id,
        "applied_from": applied_from,
        "applied_to": applied_to,
    }
    docs, total, more = await app.units.read(
        jurisdiction_id,
        lambda uow: views.staff_search(
            uow, user, filters=filters, limit=paging.limit, offset=paging.offset
        ),
    )
    return paging.page([permit_out(d) for d in docs], total, more)


QueueStatus = Literal[
    "SUBMITTED", "IN_REVIEW", "PENDING_APPROVAL", "AWAITING_PAYMENT", "READY_TO_ISSUE"
]


@router.get(
    "/permit-queues",
    response_model=dict[str, PermitPage],
    tags=["permits"],
    summary="Staff work queues: several statuses' counts and first rows in one call",
    description="The gateway's staff queues ask once per service, not once per queue. Each "
    "status is a work queue (bounded by the department's backlog), newest first.",
)
async def queues(
    jurisdiction_id: str,
    user: Tenant,
    app: App,
    status: list[QueueStatus] = Query(min_length=1, max_length=5),
    limit: int = Query(default=10, ge=1, le=50),
) -> dict[str, PermitPage]:
    found: dict[str, PermitPage] = {}
    for one in dict.fromkeys(status):
        docs, total, more = await app.units.read(
            jurisdiction_id,
            lambda uow, one=one: views.staff_search(  # type: ignore[misc]
                uow, user, filters={"status": one}, limit=limit, offset=0
            ),
        )
        found[one] = PermitPage(
            items=[permit_out(d) for d in docs],
            total=total,
            limit=limit,
            offset=0,
            more_than_total=more,
        )
    return found
