"""Registration's HTTP routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, UploadFile
from fastapi.responses import StreamingResponse

from chassis.auth import CurrentUser
from chassis.documents import DOWNLOAD_RESPONSES, download_response, upload_chunks
from chassis.errors import problem_responses
from chassis.paging import Offset
from registration.entrypoints.schemas import (
    Accepted,
    DecisionIn,
    DraftPatch,
    FieldAnswer,
    Opened,
    QueueItem,
    QueuePage,
    RegistrationConfig,
    RegistrationOut,
    RequirementReview,
    StaffRegistrationOut,
    StartIn,
    SubmitIn,
)
from registration.handlers import config as config_handlers
from registration.handlers import flow, review
from registration.handlers.common import REVIEWER_ROLES, Doc, Reg, load_config, require_staff

PROBLEMS = problem_responses(400, 401, 403, 404, 409, 413, 422, 503)


def get_reg(request: Request) -> Reg:
    return request.app.state.reg  # type: ignore[no-any-return]


RegDep = Annotated[Reg, Depends(get_reg)]
RegistrationToken = Annotated[
    str | None, Header(alias="X-Registration-Token", description="from the confirmation step")
]

router = APIRouter(prefix="/v1", responses=PROBLEMS)


async def _mine(reg: Reg, registration_id: str, token: str | None) -> Doc:
    return await flow.for_registrant(reg, registration_id, token)


async def _out(reg: Reg, doc: Doc) -> RegistrationOut:
    config = await load_config(reg, doc["jurisdiction_id"])
    return RegistrationOut(**review.registrant_view(config, doc))


# -- configuration ---------------------------------------------------------------
@router.get(
    "/jurisdictions/{jurisdiction_id}/registration-settings",
    response_model=RegistrationConfig,
    tags=["registration settings"],
    summary="What a contractor may register for here (public)",
)
async def get_settings(jurisdiction_id: str, reg: RegDep) -> RegistrationConfig:
    doc = await load_config(reg, jurisdiction_id)
    return RegistrationConfig(
        **{k: v for k, v in doc.items() if k in RegistrationConfig.model_fields}
    )


@router.put(
    "/jurisdictions/{jurisdiction_id}/registration-settings",
    response_model=RegistrationConfig,
    tags=["registration settings"],
    summary="Configure self-registration (staff admin)",
)
async def put_settings(
    jurisdiction_id: str, body: RegistrationConfig, user: CurrentUser, reg: RegDep
) -> RegistrationConfig:
    doc = await config_handlers.put_config(reg, user, jurisdiction_id, body.model_dump())
    return RegistrationConfig(
        **{k: v for k, v in doc.items() if k in RegistrationConfig.model_fields}
    )


# -- the contractor's flow ----------------------------------------------------------
@router.post(
    "/jurisdictions/{jurisdiction_id}/registrations",
    status_code=202,
    response_model=Accepted,
    tags=["registration"],
    summary="Start: a confirmation link goes to the email (R-REG-2)",
    description="202 for any address; 403 if the jurisdiction does not offer it.",
)
async def start(jurisdiction_id: str, body: StartIn, reg: RegDep) -> Accepted:
    await flow.start(reg, jurisdiction_id=jurisdiction_id, email=str(body.email))
    return Accepted(detail="A confirmation link is on its way to this address.")


@router.post(
    "/registrations/confirm/{token}",
    status_code=201,
    response_model=Opened,
    tags=["registration"],
    summary="Open a draft from the emailed link (single use)",
)
async def confirm(token: str, reg: RegDep) -> Opened:
    doc, draft_token = await flow.confirm(reg, token)
    return Opened(registration=await _out(reg, doc), registration_token=draft_token)


@router.post(
    "/registrations/resume/{token}",
    response_model=Opened,
    tags=["registration"],
    summary="Reopen a returned registration from the emailed link",
)
async def resume(token: str, reg: RegDep) -> Opened:
    doc, draft_token = await flow.resume(reg, token)
    return Opened(registration=await _out(reg, doc), registration_token=draft_token)


@router.get(
    "/registrations/{registration_id}",
    response_model=RegistrationOut,
    tags=["registration"],
    summary="The registration, for review before submitting",
)
async def get_registration(
    registration_id: str, reg: RegDep, token: RegistrationToken = None
) -> RegistrationOut:
    return await _out(reg, await _mine(reg, registration_id, token))


@router.patch(
    "/registrations/{registration_id}",
    response_model=RegistrationOut,
    tags=["registration"],
    summary="Company, trades, licenses, profile: any step, until submitted",
)
async def update(
    registration_id: str, body: DraftPatch, reg: RegDep, token: RegistrationToken = None
) -> RegistrationOut:
    doc = await _mine(reg, registration_id, token)
    return await _out(reg, await flow.update(reg, doc, body.changes()))


@router.put(
    "/registrations/{registration_id}/requirements/{requirement_id}",
    response_model=RegistrationOut,
    tags=["registration"],
    summary="Answer a field requirement",
)
async def answer(
    registration_id: str,
    requirement_id: str,
    body: FieldAnswer,
    reg: RegDep,
    token: RegistrationToken = None,
) -> RegistrationOut:
    doc = await _mine(reg, registration_id, token)
    return await _out(reg, await flow.answer_field(reg, doc, requirement_id, body.value))


@router.put(
    "/registrations/{registration_id}/requirements/{requirement_id}/document",
    response_model=RegistrationOut,
    tags=["registration"],
    summary="Upload a document requirement (type checked by content, size-limited)",
)
async def upload(
    registration_id: str,
    requirement_id: str,
    file: UploadFile,
    reg: RegDep,
    token: RegistrationToken = None,
) -> RegistrationOut:
    doc = await _mine(reg, registration_id, token)

    saved = await flow.upload_document(
        reg, doc, requirement_id, filename=file.filename or "", chunks=upload_chunks(file)
    )
    return await _out(reg, saved)


@router.post(
    "/registrations/{registration_id}/submit",
    response_model=RegistrationOut,
    tags=["registration"],
    summary="Set the password and submit (R-REG-2, R-REG-3)",
)
async def submit(
    registration_id: str, body: SubmitIn, reg: RegDep, token: RegistrationToken = None
) -> RegistrationOut:
    doc = await _mine(reg, registration_id, token)
    return await _out(reg, await flow.submit(reg, doc, password=body.password))


@router.post(
    "/registrations/{registration_id}/resubmit",
    response_model=RegistrationOut,
    tags=["registration"],
    summary="Resubmit after updating what needed info (R-REG-4)",
)
async def resubmit(
    registration_id: str, reg: RegDep, token: RegistrationToken = None
) -> RegistrationOut:
    doc = await _mine(reg, registration_id, token)
    return await _out(reg, await flow.resubmit(reg, doc))


@router.get(
    "/registrations/{registration_id}/documents/{file_id}",
    tags=["registration"],
    summary="Download a document (its registrant)",
    response_class=StreamingResponse,
    responses=DOWNLOAD_RESPONSES,
)
async def download_mine(
    registration_id: str, file_id: str, reg: RegDep, token: RegistrationToken = None
) -> StreamingResponse:
    doc = await _mine(reg, registration_id, token)
    return await _download(reg, doc, file_id)


async def _download(reg: Reg, doc: Doc, file_id: str) -> StreamingResponse:
    from chassis.errors import NotFound

    owned = {(a.get("document") or {}).get("file_id") for a in doc["answers"].values()}
    if file_id not in owned:
        raise NotFound("no such document")
    stream = await reg.documents.open(file_id, doc["jurisdiction_id"])

    return download_response(stream)


# -- staff review ---------------------------------------------------------------
staff = APIRouter(
    prefix="/v1/jurisdictions/{jurisdiction_id}/registrations",
    tags=["registration review"],
    responses=PROBLEMS,
)


@staff.get("", response_model=QueuePage, summary="The review queue (staff)")
async def queue(
    jurisdiction_id: str,
    user: CurrentUser,
    reg: RegDep,
    status: str | None = Query(
        default=None, pattern="^(pending_validation|returned|accepted|denied)$"
    ),
    trade: str | None = Query(default=None, max_length=100),
    submitted_from: datetime | None = None,
    submitted_to: datetime | None = None,
    limit: int = Query(default=50, ge=1, le=200),
    offset: Offset = 0,
) -> QueuePage:
    docs, total = await review.queue(
        reg,
        user,
        jurisdiction_id,
        status=status,
        trade=trade,
        submitted_from=submitted_from,
        submitted_to=submitted_to,
        limit=limit,
        offset=offset,
    )
    items = [
        QueueItem(id=d["_id"], **{k: d.get(k) for k in QueueItem.model_fields if k != "id"})
        for d in docs
    ]
    return QueuePage(items=items, total=total, limit=limit, offset=offset)


async def _staff_out(reg: Reg, doc: Doc) -> StaffRegistrationOut:
    config = await load_config(reg, doc["jurisdiction_id"])
    return StaffRegistrationOut(**review.staff_view(config, doc))


@staff.get(
    "/{registration_id}",
    response_model=StaffRegistrationOut,
    summary="A registration with its requirements, documents and history (staff)",
)
async def detail(
    jurisdiction_id: str, registration_id: str, user: CurrentUser, reg: RegDep
) -> StaffRegistrationOut:
    return await _staff_out(reg, await review.detail(reg, user, jurisdiction_id, registration_id))


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
    user: CurrentUser,
    reg: RegDep,
) -> StaffRegistrationOut:
    doc = await review.mark_requirement(
        reg,
        user,
        jurisdiction_id,
        registration_id,
        requirement_id,
        decision=body.decision,
        comment=body.comment,
    )
    return await _staff_out(reg, doc)


@staff.post(
    "/{registration_id}/decision",
    response_model=StaffRegistrationOut,
    summary="Accept, return for more information, or deny (once)",
)
async def decide(
    jurisdiction_id: str, registration_id: str, body: DecisionIn, user: CurrentUser, reg: RegDep
) -> StaffRegistrationOut:
    doc = await review.decide(
        reg,
        user,
        jurisdiction_id,
        registration_id,
        decision=body.decision,
        reason=body.reason,
        version=body.version,
    )
    return await _staff_out(reg, doc)


@staff.get(
    "/{registration_id}/documents/{file_id}",
    response_class=StreamingResponse,
    responses=DOWNLOAD_RESPONSES,
    summary="Download a registration's document (staff)",
)
async def download_staff(
    jurisdiction_id: str, registration_id: str, file_id: str, user: CurrentUser, reg: RegDep
) -> StreamingResponse:
    require_staff(user, jurisdiction_id, *REVIEWER_ROLES)
    doc = await review.detail(reg, user, jurisdiction_id, registration_id)
    return await _download(reg, doc, file_id)
