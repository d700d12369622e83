"""Routes: the registration settings and the contractor's flow (R-REG-2)."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, UploadFile
from fastapi.responses import StreamingResponse

from chassis.api import Tenant
from chassis.documents import DOWNLOAD_RESPONSES, download_response, upload_chunks
from chassis.errors import problem_responses
from registration.entrypoints.dependencies import App, RegistrationToken
from registration.entrypoints.schemas import (
    Accepted,
    DraftPatch,
    FieldAnswer,
    LinkView,
    Opened,
    RegistrationConfig,
    RegistrationOut,
    StartIn,
    SubmitIn,
)
from registration.service_layer import flow, links, review
from registration.service_layer.commands import AnswerField, PutConfig, Resubmit, UpdateDraft

PROBLEMS = problem_responses(400, 401, 403, 404, 409, 413, 422, 503)
router = APIRouter(prefix="/v1", responses=PROBLEMS)


def _config_out(doc: dict[str, object]) -> RegistrationConfig:
    known = RegistrationConfig.model_fields
    return RegistrationConfig(**{k: v for k, v in doc.items() if k in known})


@router.get(
    "/jurisdictions/{jurisdiction_id}/registration-settings",
    response_model=RegistrationConfig,
    tags=["registration settings"],
    summary="What a contractor may register for here (public)",
)
async def get_settings(jurisdiction_id: str, app: App) -> RegistrationConfig:
    return _config_out(await app.config(jurisdiction_id))


@router.put(
    "/jurisdictions/{jurisdiction_id}/registration-settings",
    response_model=RegistrationConfig,
    tags=["registration settings"],
    summary="Configure self-registration (staff admin)",
)
async def put_settings(
    jurisdiction_id: str, body: RegistrationConfig, user: Tenant, app: App
) -> RegistrationConfig:
    cmd = PutConfig(jurisdiction_id=jurisdiction_id, actor=user, config=body.model_dump())
    return _config_out(await app.service.units.handle(cmd, review.put_config))


@router.post(
    "/jurisdictions/{jurisdiction_id}/registrations",
    status_code=202,
    response_model=Accepted,
    tags=["registration"],
    summary="Start: a confirmation link goes to the email (R-REG-2)",
    description="202 for any address; 403 if the jurisdiction does not offer it.",
)
async def start(jurisdiction_id: str, body: StartIn, app: App, after: BackgroundTasks) -> Accepted:
    await links.check_offered(app.service, jurisdiction_id)
    # the same work for every address before the answer: the link is sent after it
    deferred = app.runtime.deferred
    assert deferred is not None
    request_id = await deferred.record(
        links.START_REQUESTED, jurisdiction_id, {"email": str(body.email)}
    )
    after.add_task(deferred.process, request_id)
    return Accepted(detail="A confirmation link is on its way to this address.")


LINK = "What an emailed link is for, without using it up"
LINK_DESCRIPTION = "404 `link-not-usable` for a used, expired or unknown link."


@router.get(
    "/registrations/confirm/{token}",
    response_model=LinkView,
    tags=["registration"],
    summary=f"{LINK} (confirmation)",
    description=LINK_DESCRIPTION,
)
async def describe_confirmation(token: str, app: App) -> LinkView:
    return LinkView(**await links.describe_link(app.service, "confirm", token))


@router.get(
    "/registrations/resume/{token}",
    response_model=LinkView,
    tags=["registration"],
    summary=f"{LINK} (resume after a return)",
    description=LINK_DESCRIPTION,
)
async def describe_resume(token: str, app: App) -> LinkView:
    return LinkView(**await links.describe_link(app.service, "resume", token))


@router.post(
    "/registrations/confirm/{token}",
    status_code=201,
    response_model=Opened,
    tags=["registration"],
    summary="Open a draft from the emailed link (single use)",
)
async def confirm(token: str, app: App) -> Opened:
    draft, draft_token = await links.confirm(app.service, token)
    return Opened(registration=await app.out(draft), registration_token=draft_token)


@router.post(
    "/registrations/resume/{token}",
    response_model=Opened,
    tags=["registration"],
    summary="Reopen a returned registration from the emailed link",
)
async def resume(token: str, app: App) -> Opened:
    reopened, draft_token = await links.resume(app.service, token)
    return Opened(registration=await app.out(reopened), registration_token=draft_token)


@router.get(
    "/registrations/{registration_id}",
    response_model=RegistrationOut,
    tags=["registration"],
    summary="The registration, for review before submitting",
)
async def get_registration(
    registration_id: str, app: App, token: RegistrationToken = None
) -> RegistrationOut:
    jurisdiction_id = flow.jurisdiction_of(token)
    return await app.out(
        await app.service.units.read(
            jurisdiction_id, lambda uow: flow.mine(uow, registration_id, token)
        )
    )


@router.patch(
    "/registrations/{registration_id}",
    response_model=RegistrationOut,
    tags=["registration"],
    summary="Company, trades, licenses, profile: any step, until submitted",
)
async def update(
    registration_id: str, body: DraftPatch, app: App, token: RegistrationToken = None
) -> RegistrationOut:
    cmd = UpdateDraft(
        jurisdiction_id=flow.jurisdiction_of(token),
        registration_id=registration_id,
        token=token,
        changes=body.changes(),
    )
    return await app.out(await app.service.units.handle(cmd, flow.update))


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
    app: App,
    token: RegistrationToken = None,
) -> RegistrationOut:
    cmd = AnswerField(
        jurisdiction_id=flow.jurisdiction_of(token),
        registration_id=registration_id,
        token=token,
        requirement_id=requirement_id,
        value=body.value,
    )
    return await app.out(await app.service.units.handle(cmd, flow.answer_field))


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
    app: App,
    token: RegistrationToken = None,
) -> RegistrationOut:
    saved = await flow.upload_document(
        app.service,
        registration_id,
        token,
        requirement_id,
        filename=file.filename or "",
        chunks=upload_chunks(file),
    )
    return await app.out(saved)


@router.post(
    "/registrations/{registration_id}/submit",
    response_model=RegistrationOut,
    tags=["registration"],
    summary="Set the password and submit (R-REG-2, R-REG-3)",
)
async def submit(
    registration_id: str, body: SubmitIn, app: App, token: RegistrationToken = None
) -> RegistrationOut:
    return await app.out(await flow.submit(app.service, registration_id, token, body.password))


@router.post(
    "/registrations/{registration_id}/resubmit",
    response_model=RegistrationOut,
    tags=["registration"],
    summary="Resubmit after updating what needed info (R-REG-4)",
)
async def resubmit(
    registration_id: str, app: App, token: RegistrationToken = None
) -> RegistrationOut:
    cmd = Resubmit(
        jurisdiction_id=flow.jurisdiction_of(token), registration_id=registration_id, token=token
    )
    return await app.out(await app.service.units.handle(cmd, flow.resubmit))


@router.get(
    "/registrations/{registration_id}/documents/{file_id}",
    tags=["registration"],
    summary="Download a document (its registrant)",
    response_class=StreamingResponse,
    responses=DOWNLOAD_RESPONSES,
)
async def download_mine(
    registration_id: str, file_id: str, app: App, token: RegistrationToken = None
) -> StreamingResponse:
    jurisdiction_id = flow.jurisdiction_of(token)
    registration = await app.service.units.read(
        jurisdiction_id, lambda uow: flow.mine(uow, registration_id, token)
    )
    await flow.document_of(registration, file_id)
    return download_response(await app.service.files.open(file_id, jurisdiction_id))
