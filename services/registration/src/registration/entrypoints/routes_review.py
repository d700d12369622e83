"""Routes: staff review of registrations (R-REG-4)."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from chassis.api import PageQuery, Tenant
from chassis.documents import DOWNLOAD_RESPONSES, download_response
from chassis.errors import problem_responses
from chassis.timeparams import IsoDateTime
from registration.entrypoints.dependencies import App
from registration.entrypoints.schemas import (
    DecisionIn,
    QueueItem,
    QueuePage,
    RequirementReview,
    StaffRegistrationOut,
)
from registration.service_layer import flow, review, views
from registration.service_layer.commands import Decide, MarkRequirement

staff = APIRouter(
    prefix="/v1/jurisdictions/{jurisdiction_id}/registrations",
    tags=["registration review"],
    responses=problem_responses(400, 401, 403, 404, 409, 413, 422, 503),
)


@staff.get("", response_model=QueuePage, summary="The review queue (staff)")
async def queue(
    jurisdiction_id: str,
    user: Tenant,
    app: App,
    paging: PageQuery,
    status: str | None = Query(
        default=None, pattern="^(pending_validation|returned|accepted|denied)$"
    ),
    trade: str | None = Query(default=None, max_length=100),
    submitted_from: IsoDateTime | None = None,
    submitted_to: IsoDateTime | None = None,
) -> QueuePage:
    docs, total = await app.service.units.read(
        jurisdiction_id,
        lambda uow: views.queue(
            uow,
            user,
            status=status,
            trade=trade,
            submitted_from=submitted_from,
            submitted_to=submitted_to,
            limit=paging.limit,
            offset=paging.offset,
        ),
    )
    items = [
        QueueItem(id=d["_id"], **{k: d.get(k) for k in QueueItem.model_fields if k != "id"})
        for d in docs
    ]
    return paging.page(items, total)


@staff.get(
    "/{registration_id}",
    response_model=StaffRegistrationOut,
    summary="A registration with its requirements, documents and history (staff)",
)
async def detail(
    jurisdiction_id: str, registration_id: str, user: Tenant, app: App
) -> StaffRegistrationOut:
    found = await app.service.units.read(
        jurisdiction_id, lambda uow: review.for_staff(uow, user, registration_id)
    )
    return await app.staff_out(found)


@staff.put(
    "/{registration_id}/requirements/{requirement_id}/review",
    response_model=StaffRegistrationOut,
    summary="Mark a requirement Approved or Needs Info",
)
async def mark(
    jurisdiction_id: str,
    registration_id: str,
    requirement_id: str,
    body: RequirementReview,
    user: Tenant,
    app: App,
) -> StaffRegistrationOut:
    cmd = MarkRequirement(
        jurisdiction_id=jurisdiction_id,
        actor=user,
        registration_id=registration_id,
        requirement_id=requirement_id,
        decision=body.decision,
        comment=body.comment,
    )
    return await app.staff_out(await app.service.units.handle(cmd, review.mark))


@staff.post(
    "/{registration_id}/decision",
    response_model=StaffRegistrationOut,
    summary="Accept, return for more information, or deny (once)",
)
async def decide(
    jurisdiction_id: str, registration_id: str, body: DecisionIn, user: Tenant, app: App
) -> StaffRegistrationOut:
    cmd = Decide(
        jurisdiction_id=jurisdiction_id,
        actor=user,
        registration_id=registration_id,
        decision=body.decision,
        reason=body.reason,
        version=body.version,
        resume_link_days=app.service.resume_link_days,
    )
    return await app.staff_out(await app.service.units.handle(cmd, review.decide))


@staff.get(
    "/{registration_id}/documents/{file_id}",
    response_class=StreamingResponse,
    responses=DOWNLOAD_RESPONSES,
    summary="Download a registration's document (staff)",
)
async def download_staff(
    jurisdiction_id: str, registration_id: str, file_id: str, user: Tenant, app: App
) -> StreamingResponse:
    found = await app.service.units.read(
        jurisdiction_id, lambda uow: review.for_staff(uow, user, registration_id)
    )
    await flow.document_of(found, file_id)
    return download_response(await app.service.files.open(file_id, jurisdiction_id))
