"""Routes: the inspection calendar's settings and the offered dates (R-INS-2)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from chassis.api import Tenant
from chassis.errors import problem_responses
from inspections.entrypoints.dependencies import App
from inspections.entrypoints.schemas import (
    AvailableDates,
    InspectionSettingsIn,
    InspectionSettingsOut,
    Opening,
)
from inspections.service_layer import scheduling
from inspections.service_layer.commands import PutSettings

router = APIRouter(tags=["inspections"], responses=problem_responses(400, 401, 403, 404, 409, 422))


@router.get(
    "/inspection-settings",
    response_model=InspectionSettingsOut,
    summary="Inspection calendar settings",
)
async def get_settings(jurisdiction_id: str, app: App) -> InspectionSettingsOut:
    doc = await app.units.read(jurisdiction_id, lambda uow: uow.settings.load())
    return InspectionSettingsOut(**doc)


@router.put(
    "/inspection-settings",
    response_model=InspectionSettingsOut,
    summary="Configure the inspection calendar (staff admin)",
)
async def put_settings(
    jurisdiction_id: str, body: InspectionSettingsIn, user: Tenant, app: App
) -> InspectionSettingsOut:
    cmd = PutSettings(
        jurisdiction_id=jurisdiction_id, actor=user, body=body.model_dump(mode="json")
    )
    return InspectionSettingsOut(**await app.units.handle(cmd, scheduling.put_settings))


@router.get(
    "/inspection-dates",
    response_model=AvailableDates,
    summary="Dates a permit's inspection may be requested for (R-INS-2)",
)
async def inspection_dates(
    jurisdiction_id: str,
    user: Tenant,
    app: App,
    permit_id: str = Query(max_length=60),
    inspection_type: str = Query(alias="type", max_length=100),
) -> AvailableDates:
    days, settings = await app.units.read(
        jurisdiction_id,
        lambda uow: scheduling.available_dates(user, permit_id, inspection_type, uow),
    )
    return AvailableDates(
        permit_id=permit_id,
        inspection_type=inspection_type,
        time_zone=settings["effective_time_zone"],
        next_day_cutoff=settings["next_day_cutoff"],
        dates=list(days),
        openings=[Opening(date=day, left=left) for day, left in days.items()],
    )
