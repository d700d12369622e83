"""Routes: scheduling (several in one submit), one inspection, cancel,
reschedule, results (R-INS-4…6)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from chassis.api import Tenant
from chassis.errors import problem_responses
from chassis.problems import as_problem, at_index
from inspections.domain.errors import InspectionRefused
from inspections.entrypoints.dependencies import App, ScheduleCall, inspections_doc
from inspections.entrypoints.schemas import (
    CancelIn,
    InspectionOut,
    InspectionPage,
    RescheduleIn,
    ResultIn,
    ScheduleIn,
)
from inspections.service_layer import changes, scheduling, views
from inspections.service_layer.access import permit_for, visible_inspection
from inspections.service_layer.commands import Cancel, RecordResult, Request, Reschedule, Schedule

router = APIRouter(tags=["inspections"], responses=problem_responses(400, 401, 403, 404, 409, 422))


@router.post(
    "/inspections",
    status_code=201,
    response_model=InspectionPage,
    summary="Schedule several inspections in one submit, all or none (R-INS-4)",
)
async def schedule(
    jurisdiction_id: str, body: ScheduleIn, user: Tenant, app: App, call: ScheduleCall
) -> InspectionPage:
    cmd = Schedule(
        jurisdiction_id=jurisdiction_id,
        actor=user,
        requests=[Request(**r.model_dump()) for r in body.requests],
    )
    try:
        made = await call.run(lambda: scheduling.schedule(cmd, app.units), render=inspections_doc)
    except InspectionRefused as refused:  # one of the body's requests
        raise as_problem(refused, at_index("requests", refused)) from refused
    docs = made["items"]
    return await app.page(jurisdiction_id, docs, len(docs), len(docs), 0)


@router.get(
    "/inspections",
    response_model=InspectionPage,
    summary="A permit's inspections, every status, with results (R-INS-6)",
    description="For whoever may schedule on the permit (R-ID-6) and staff; 404 otherwise.",
)
async def permit_inspections(
    jurisdiction_id: str,
    user: Tenant,
    app: App,
    permit_id: str = Query(min_length=1, max_length=80, description="the permit's id"),
) -> InspectionPage:
    await app.units.read(
        jurisdiction_id, lambda uow: permit_for(uow, actor=user, permit_id=permit_id)
    )
    docs = await app.units.read(jurisdiction_id, lambda uow: views.of_permit(uow, permit_id))
    return await app.page(jurisdiction_id, docs, len(docs), max(len(docs), 1), 0)


@router.get(
    "/inspections/{inspection_id}",
    response_model=InspectionOut,
    summary="One inspection and its history",
)
async def get_inspection(
    jurisdiction_id: str, inspection_id: str, user: Tenant, app: App
) -> InspectionOut:
    doc = await app.units.read(
        jurisdiction_id,
        lambda uow: visible_inspection(uow, actor=user, inspection_id=inspection_id),
    )
    return await app.out(jurisdiction_id, doc)


@router.post(
    "/inspections/{inspection_id}/cancel",
    response_model=InspectionOut,
    summary="Cancel (until 06:00 local on the day; staff any time) (R-INS-5)",
)
async def cancel(
    jurisdiction_id: str, inspection_id: str, body: CancelIn, user: Tenant, app: App
) -> InspectionOut:
    cmd = Cancel(
        jurisdiction_id=jurisdiction_id, actor=user, inspection_id=inspection_id, reason=body.reason
    )
    return await app.out(jurisdiction_id, await app.units.handle(cmd, changes.cancel))


@router.post(
    "/inspections/{inspection_id}/reschedule",
    response_model=InspectionOut,
    summary="Move an inspection to another day: its requester or a party of its permit to an "
    "offered day until the cancellation cut-off (R-INS-2, R-INS-5); staff to any working day",
)
async def reschedule(
    jurisdiction_id: str, inspection_id: str, body: RescheduleIn, user: Tenant, app: App
) -> InspectionOut:
    cmd = Reschedule(
        jurisdiction_id=jurisdiction_id, actor=user, inspection_id=inspection_id, date=body.date
    )
    try:
        moved = await changes.reschedule(cmd, app.units)
    except InspectionRefused as refused:  # the body's date
        raise as_problem(refused) from refused
    return await app.out(jurisdiction_id, moved)


@router.post(
    "/inspections/{inspection_id}/result",
    response_model=InspectionOut,
    summary="Record a result (inspectors, staff) (R-INS-6)",
)
async def result(
    jurisdiction_id: str, inspection_id: str, body: ResultIn, user: Tenant, app: App
) -> InspectionOut:
    cmd = RecordResult(
        jurisdiction_id=jurisdiction_id,
        actor=user,
        inspection_id=inspection_id,
        outcome=body.result,
        comments=body.comments,
        corrections=body.corrections,
    )
    doc = await app.units.handle(cmd, changes.record_result)
    return await app.out(jurisdiction_id, doc)
