"""Inspections' HTTP routes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from chassis.auth import CurrentUser
from chassis.errors import problem_responses
from chassis.paging import Offset
from chassis.schemas import DocumentKey, Strict, TimeZoneName
from inspections.handlers import scheduling
from inspections.handlers.state import InspectionsApp

router = APIRouter(
    prefix="/v1/jurisdictions/{jurisdiction_id}",
    tags=["inspections"],
    responses=problem_responses(400, 401, 403, 404, 409, 422),
)


def get_app(request: Request) -> InspectionsApp:
    return request.app.state.inspections  # type: ignore[no-any-return]


App = Annotated[InspectionsApp, Depends(get_app)]
CLOCK = r"^([01]\d|2[0-3]):[0-5]\d$"


DailyCapacity = Annotated[int, Field(ge=0, le=10_000)]


class InspectionSettingsIn(Strict):
    time_zone: TimeZoneName | None = Field(
        default=None, description="IANA zone; default: the jurisdiction's (from identity)"
    )
    working_days: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        default=[0, 1, 2, 3, 4], max_length=7, description="Monday = 0"
    )
    holidays: list[date] = Field(default_factory=list)
    horizon_days: int = Field(default=14, ge=1, le=120)
    next_day_cutoff: str = Field(default="16:00", pattern=CLOCK, description="R-INS-2, local")
    cancel_cutoff: str = Field(default="06:00", pattern=CLOCK, description="R-INS-5, local")
    capacity: dict[DocumentKey, DailyCapacity] = Field(
        default_factory=dict, max_length=200, description="per inspection type per day"
    )
    default_capacity: DailyCapacity | None = None
    area_capacity: dict[DocumentKey, DailyCapacity] = Field(
        default_factory=dict, description="per inspector area (site zip) per day, all types"
    )
    ampm_allowed: bool = True
    block_when_fees_due: bool = False


class InspectionSettingsOut(InspectionSettingsIn):
    model_config = ConfigDict(extra="ignore")
    effective_time_zone: str


class AvailableDates(BaseModel):
    permit_id: str
    inspection_type: str
    time_zone: str
    next_day_cutoff: str
    dates: list[date]


class RequestIn(Strict):
    permit_id: str = Field(min_length=1, max_length=60)
    inspection_type: str = Field(min_length=1, max_length=100)
    date: date
    ampm: Literal["AM", "PM"] | None = Field(default=None, description="R-INS-3: not guaranteed")
    note: str | None = Field(default=None, max_length=500, description="gate code, phone…")


class ScheduleIn(Strict):
    requests: list[RequestIn] = Field(min_length=1, max_length=20)


class CancelIn(Strict):
    reason: str | None = Field(default=None, max_length=500)


class RescheduleIn(Strict):
    date: date


class ResultIn(Strict):
    result: Literal["pass", "fail", "partial", "not_ready", "cancelled"]
    comments: str | None = Field(default=None, max_length=4000)
    corrections: list[str] = Field(default_factory=list, max_length=50)


class HistoryOut(BaseModel):
    at: datetime
    what: str
    by: str


class InspectionOut(BaseModel):
    id: str
    record_no: str = Field(description="the permit number")
    record_type: str
    record_status: str | None = None
    permit_id: str
    permit_type: str | None = None
    address: str | None = None
    area: str | None = None
    inspection: str
    date: date
    ampm: str | None = None
    note: str | None = None
    status: str
    cancellable: bool
    cancel_until: datetime
    result: str | None = None
    comments: str | None = None
    corrections: list[str] = Field(default_factory=list)
    history: list[HistoryOut] = Field(default_factory=list)


class InspectionPage(BaseModel):
    items: list[InspectionOut]
    total: int
    limit: int
    offset: int


def _out(
    doc: dict[str, Any], app: InspectionsApp, permit_status: str | None = None
) -> InspectionOut:
    return InspectionOut(
        id=doc["_id"],
        record_no=doc["number"],
        record_type=doc.get("record_type", "PERMIT"),
        record_status=permit_status,
        permit_id=doc["permit_id"],
        permit_type=doc.get("permit_type"),
        address=doc.get("address"),
        area=doc.get("area"),
        inspection=doc["inspection_type"],
        date=date.fromisoformat(doc["date"]),
        ampm=doc.get("ampm"),
        note=doc.get("note"),
        status=doc["status"],
        cancellable=scheduling.is_cancellable(doc, app.runtime.clock.now()),
        cancel_until=doc["cancel_until"],
        result=doc.get("result"),
        comments=doc.get("comments"),
        corrections=doc.get("corrections", []),
        history=[
            HistoryOut(at=h["at"], what=h["what"], by=h["by"]) for h in doc.get("history", [])
        ],
    )


async def _page(
    app: InspectionsApp, jid: str, docs: list[dict[str, Any]], total: int, limit: int, offset: int
) -> InspectionPage:
    statuses = {
        p["_id"]: p.get("status")
        for p in await app.runtime.db["permits"]
        .find({"jurisdiction_id": jid, "_id": {"$in": list({d["permit_id"] for d in docs})}})
        .to_list()
    }
    return InspectionPage(
        items=[_out(d, app, statuses.get(d["permit_id"])) for d in docs],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/inspection-settings",
    response_model=InspectionSettingsOut,
    summary="Inspection calendar settings",
)
async def get_settings(jurisdiction_id: str, app: App) -> InspectionSettingsOut:
    return InspectionSettingsOut(**await scheduling.load_settings(app, jurisdiction_id))


@router.put(
    "/inspection-settings",
    response_model=InspectionSettingsOut,
    summary="Configure the inspection calendar (staff admin)",
)
async def put_settings(
    jurisdiction_id: str, body: InspectionSettingsIn, user: CurrentUser, app: App
) -> InspectionSettingsOut:
    doc = await scheduling.put_settings(app, user, jurisdiction_id, body.model_dump(mode="json"))
    return InspectionSettingsOut(**doc)


@router.get(
    "/inspection-dates",
    response_model=AvailableDates,
    summary="Dates a permit's inspection may be requested for (R-INS-2)",
)
async def inspection_dates(
    jurisdiction_id: str,
    user: CurrentUser,
    app: App,
    permit_id: str = Query(max_length=60),
    inspection_type: str = Query(alias="type", max_length=100),
) -> AvailableDates:
    days, settings = await scheduling.available_dates(
        app, user, jurisdiction_id, permit_id, inspection_type
    )
    return AvailableDates(
        permit_id=permit_id,
        inspection_type=inspection_type,
        time_zone=settings["effective_time_zone"],
        next_day_cutoff=settings["next_day_cutoff"],
        dates=days,
    )


@router.post(
    "/inspections",
    status_code=201,
    response_model=InspectionPage,
    summary="Schedule several inspections in one submit, all or none (R-INS-4)",
)
async def schedule(
    jurisdiction_id: str,
    body: ScheduleIn,
    user: CurrentUser,
    app: App,
    response: Response,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> InspectionPage:
    docs, replayed = await scheduling.schedule(
        app, user, jurisdiction_id, idempotency_key, [r.model_dump() for r in body.requests]
    )
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return await _page(app, jurisdiction_id, docs, len(docs), len(docs), 0)


@router.get(
    "/inspections/{inspection_id}",
    response_model=InspectionOut,
    summary="One inspection and its history",
)
async def get_inspection(
    jurisdiction_id: str, inspection_id: str, user: CurrentUser, app: App
) -> InspectionOut:
    doc = await scheduling.get_inspection(app, user, jurisdiction_id, inspection_id)
    return (await _page(app, jurisdiction_id, [doc], 1, 1, 0)).items[0]


@router.post(
    "/inspections/{inspection_id}/cancel",
    response_model=InspectionOut,
    summary="Cancel (until 06:00 local on the day; staff any time) (R-INS-5)",
)
async def cancel(
    jurisdiction_id: str, inspection_id: str, body: CancelIn, user: CurrentUser, app: App
) -> InspectionOut:
    doc = await scheduling.cancel(app, user, jurisdiction_id, inspection_id, body.reason)
    return _out(doc, app)


@router.post(
    "/inspections/{inspection_id}/reschedule",
    response_model=InspectionOut,
    summary="Move an inspection to another day (staff)",
)
async def reschedule(
    jurisdiction_id: str, inspection_id: str, body: RescheduleIn, user: CurrentUser, app: App
) -> InspectionOut:
    return _out(
        await scheduling.reschedule(app, user, jurisdiction_id, inspection_id, body.date), app
    )


@router.post(
    "/inspections/{inspection_id}/result",
    response_model=InspectionOut,
    summary="Record a result (inspectors, staff) (R-INS-6)",
)
async def result(
    jurisdiction_id: str, inspection_id: str, body: ResultIn, user: CurrentUser, app: App
) -> InspectionOut:
    doc = await scheduling.record_result(
        app, user, jurisdiction_id, inspection_id, body.result, body.comments, body.corrections
    )
    return _out(doc, app)


@router.get(
    "/my-inspections", response_model=InspectionPage, summary="My Active Inspections (R-INS-7)"
)
async def my_inspections(
    jurisdiction_id: str,
    user: CurrentUser,
    app: App,
    limit: int = Query(default=50, ge=1, le=200),
    offset: Offset = 0,
) -> InspectionPage:
    docs, total = await scheduling.my_inspections(
        app, user, jurisdiction_id, limit=limit, offset=offset
    )
    return await _page(app, jurisdiction_id, docs, total, limit, offset)


@router.get(
    "/inspection-search",
    response_model=InspectionPage,
    summary="Inspector day list and staff search (by date, area, type, permit, status)",
)
async def inspection_search(
    jurisdiction_id: str,
    user: CurrentUser,
    app: App,
    day: date | None = Query(default=None, alias="date"),
    today: bool = Query(default=False, description="today in the jurisdiction's time zone"),
    date_from: date | None = Query(default=None, alias="from"),
    date_to: date | None = Query(default=None, alias="to"),
    inspection_type: str | None = Query(default=None, alias="type", max_length=100),
    area: str | None = Query(default=None, max_length=20),
    permit: str | None = Query(default=None, max_length=60, description="permit number"),
    status: str | None = Query(default=None, max_length=20),
    limit: int = Query(default=100, ge=1, le=500),
    offset: Offset = 0,
) -> InspectionPage:
    if today:
        cal, _ = await scheduling.calendar(app, jurisdiction_id)
        day = cal.local_now(app.runtime.clock.now()).date()
    docs, total = await scheduling.search(
        app,
        user,
        jurisdiction_id,
        day=day,
        date_from=date_from,
        date_to=date_to,
        inspection_type=inspection_type,
        area=area,
        permit_number=permit,
        status=status,
        limit=limit,
        offset=offset,
    )
    return await _page(app, jurisdiction_id, docs, total, limit, offset)
