"""Routes: My Active Inspections (R-INS-7), the inspector's day list, staff search."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Query

from chassis.api import PageQuery, Tenant
from chassis.errors import problem_responses
from chassis.paging import Offset
from chassis.timeparams import IsoDate
from inspections.entrypoints.dependencies import App
from inspections.entrypoints.schemas import InspectionPage, PublicInspectionOut
from inspections.service_layer import views
from inspections.service_layer.unit_of_work import calendar_of

router = APIRouter(tags=["inspections"], responses=problem_responses(400, 401, 403, 404, 422))


@router.get(
    "/my-inspections",
    response_model=InspectionPage,
    summary="My Active Inspections (R-INS-7) or, with which=results, their past results (R-INS-6)",
)
async def my_inspections(
    jurisdiction_id: str,
    user: Tenant,
    app: App,
    paging: PageQuery,
    which: Literal["active", "results"] = Query(
        default="active",
        description="active: scheduled, soonest first; results: resulted, newest first — "
        "both on the permits the caller may still have inspected",
    ),
) -> InspectionPage:
    docs, total = await app.units.read(
        jurisdiction_id,
        lambda uow: views.my_inspections(
            uow, user, limit=paging.limit, offset=paging.offset, which=which
        ),
    )
    return await app.page(jurisdiction_id, docs, total, paging.limit, paging.offset)


@router.get(
    "/inspection-search",
    response_model=InspectionPage,
    summary="Inspector day list and staff search (by date, area, type, permit, status)",
)
async def inspection_search(
    jurisdiction_id: str,
    user: Tenant,
    app: App,
    day: IsoDate | None = Query(default=None, alias="date"),
    today: bool = Query(default=False, description="today in the jurisdiction's time zone"),
    date_from: IsoDate | None = Query(default=None, alias="from"),
    date_to: IsoDate | None = Query(default=None, alias="to"),
    inspection_type: str | None = Query(default=None, alias="type", max_length=100),
    area: str | None = Query(default=None, max_length=20),
    permit: str | None = Query(default=None, max_length=60, description="permit number"),
    status: str | None = Query(default=None, max_length=20),
    limit: int = Query(default=100, ge=1, le=500, description="a day list may be long"),
    offset: Offset = 0,
) -> InspectionPage:
    if today:
        cal, _ = await app.units.read(jurisdiction_id, calendar_of)
        day = cal.local_now(app.now).date()
    searched = day
    docs, total, more = await app.units.read(
        jurisdiction_id,
        lambda uow: views.search(
            uow,
            user,
            day=searched,
            date_from=date_from,
            date_to=date_to,
            inspection_type=inspection_type,
            area=area,
            permit_number=permit,
            status=status,
            limit=limit,
            offset=offset,
        ),
    )
    return await app.page(jurisdiction_id, docs, total, limit, offset, more)


@router.get(
    "/public-inspections",
    response_model=list[PublicInspectionOut],
    summary="A permit's inspections and their results, without a login (public permit pages)",
    description="Type, date, status and result only: no requester, note, comments or "
    "corrections. Rate-limited per client at the gateway.",
)
async def public_inspections(
    jurisdiction_id: str,
    app: App,
    permit_id: str = Query(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.-]+$"),
) -> list[PublicInspectionOut]:
    docs = await app.units.read(jurisdiction_id, lambda uow: views.of_permit(uow, permit_id))
    return [
        PublicInspectionOut(
            inspection=d["inspection_type"],
            date=date.fromisoformat(d["date"]),
            status=d["status"],
            result=d.get("result"),
        )
        for d in docs
    ]
