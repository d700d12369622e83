"""Routes: permit types, applications, the workflow, who is on a permit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from chassis.api import PageQuery, Tenant
from chassis.errors import problem_responses
from chassis.problems import as_problem
from permits.domain.errors import PermitRefused
from permits.entrypoints.dependencies import App, ApplyCall, CommentCall, TransitionCall
from permits.entrypoints.schemas import (
    ApplicationIn,
    CommentIn,
    LinkIn,
    PartiesIn,
    PermitOut,
    PermitPage,
    PermitTypeIn,
    PermitTypeOut,
    TransitionIn,
    permit_doc,
    permit_out,
)
from permits.service_layer import applications, parties, views, workflow
from permits.service_layer.commands import (
    AddComment,
    Apply,
    ChangeParties,
    LinkPermit,
    PutPermitType,
    Transition,
    UnlinkPermit,
)

router = APIRouter(responses=problem_responses(400, 401, 403, 404, 409, 422))


@router.get(
    "/permit-types",
    response_model=list[PermitTypeOut],
    tags=["permit types"],
    summary="Permit types and their numbering (public)",
)
async def list_types(jurisdiction_id: str, app: App) -> list[PermitTypeOut]:
    docs = await app.units.read(jurisdiction_id, lambda uow: uow.permit_types.documents())
    return [PermitTypeOut(**d) for d in docs]


@router.put(
    "/permit-types/{code}",
    response_model=PermitTypeOut,
    tags=["permit types"],
    summary="Create or change a permit type (staff admin)",
)
async def put_type(
    jurisdiction_id: str,
    code: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,40}$", examples=["RES"])],
    body: PermitTypeIn,
    user: Tenant,
    app: App,
) -> PermitTypeOut:
    cmd = PutPermitType(
        jurisdiction_id=jurisdiction_id, actor=user, code=code.upper(), body=body.model_dump()
    )
    try:
        return PermitTypeOut(**await app.units.handle(cmd, applications.put_permit_type))
    except PermitRefused as refused:  # the body's number format
        raise as_problem(refused) from refused


@router.post(
    "/permits",
    status_code=201,
    response_model=PermitOut,
    tags=["permits"],
    summary="Apply: a numbered application, status SUBMITTED (R-PER-1)",
    description="Send an `Idempotency-Key` to retry safely: the same key and application "
    "answer the permit the first request created (`Idempotent-Replayed: true`).",
)
async def apply(
    jurisdiction_id: str, body: ApplicationIn, user: Tenant, app: App, call: ApplyCall
) -> PermitOut:
    data = body.model_dump(mode="json")
    cmd = Apply(
        jurisdiction_id=jurisdiction_id,
        actor=user,
        type_code=body.type_code,
        site=data["site"],
        applicant=data["applicant"],
        owner=data["owner"],
        description=body.description,
        valuation=body.valuation_decimal,
        company_ids=body.company_ids,
    )
    try:
        made = await call.run(lambda: applications.apply(cmd, app.units), render=permit_doc)
        return permit_out(made)
    except PermitRefused as refused:  # the body's type code
        raise as_problem(refused) from refused


@router.get(
    "/permits",
    response_model=PermitPage,
    tags=["permits"],
    summary="Permits the caller may see, newest first (staff: the last 92 days' "
    "applications; /permit-search finds older ones)",
)
async def list_permits(
    jurisdiction_id: str, user: Tenant, app: App, paging: PageQuery
) -> PermitPage:
    docs, total = await app.units.read(
        jurisdiction_id,
        lambda uow: views.my_permits(uow, user, limit=paging.limit, offset=paging.offset),
    )
    return paging.page([permit_out(d) for d in docs], total)


@router.get(
    "/permits/{permit_id}",
    response_model=PermitOut,
    tags=["permits"],
    summary="A permit (only for those R-ID-6 allows; others get 404)",
)
async def get_permit(jurisdiction_id: str, permit_id: str, user: Tenant, app: App) -> PermitOut:
    return permit_out(
        await app.units.read(
            jurisdiction_id, lambda uow: applications.get_permit(user, permit_id, uow)
        ),
        user,
    )


@router.post(
    "/permits/{permit_id}/transitions",
    response_model=PermitOut,
    tags=["permits"],
    summary="Move a permit along its workflow (staff; R-PER-3)",
)
async def transition(
    jurisdiction_id: str,
    permit_id: str,
    body: TransitionIn,
    user: Tenant,
    app: App,
    call: TransitionCall,
) -> PermitOut:
    cmd = Transition(
        jurisdiction_id=jurisdiction_id,
        actor=user,
        permit_id=permit_id,
        to=body.to,
        comment=body.comment,
        version=body.version,
    )
    moved = await call.run(lambda: app.units.handle(cmd, workflow.transition), render=permit_doc)
    return permit_out(moved, user)


@router.patch(
    "/permits/{permit_id}/parties",
    response_model=PermitOut,
    tags=["permits"],
    summary="Add or remove contracting companies, correct applicant/owner emails",
)
async def change_parties(
    jurisdiction_id: str, permit_id: str, body: PartiesIn, user: Tenant, app: App
) -> PermitOut:
    cmd = ChangeParties(
        jurisdiction_id=jurisdiction_id,
        actor=user,
        permit_id=permit_id,
        add_companies=body.add_companies,
        remove_companies=body.remove_companies,
        applicant_email=str(body.applicant_email) if body.applicant_email else None,
        owner_email=str(body.owner_email) if body.owner_email else None,
    )
    return permit_out(await app.units.handle(cmd, parties.change_parties))


@router.post(
    "/permits/{permit_id}/comments",
    response_model=PermitOut,
    tags=["permits"],
    summary="A review comment from the department (R-PER-4)",
    description="Send an `Idempotency-Key` to retry safely: the comment is added once.",
)
async def comment(
    jurisdiction_id: str,
    permit_id: str,
    body: CommentIn,
    user: Tenant,
    app: App,
    call: CommentCall,
) -> PermitOut:
    cmd = AddComment(
        jurisdiction_id=jurisdiction_id, actor=user, permit_id=permit_id, text=body.text
    )
    said = await call.run(lambda: app.units.handle(cmd, parties.add_comment), render=permit_doc)
    return permit_out(said)


@router.post(
    "/permit-links",
    response_model=PermitOut,
    tags=["permits"],
    summary="Link a permit to my account: its number plus a second fact (R-ID-6)",
    description="Failures are throttled; a wrong number and a wrong fact look the same.",
)
async def link(jurisdiction_id: str, body: LinkIn, user: Tenant, app: App) -> PermitOut:
    cmd = LinkPermit(
        jurisdiction_id=jurisdiction_id,
        actor=user,
        number=body.number,
        second_fact=body.second_fact,
    )
    return permit_out(await parties.link(cmd, app.units))


@router.delete(
    "/permits/{permit_id}/link",
    status_code=204,
    tags=["permits"],
    summary="Unlink a permit from my account",
)
async def unlink(jurisdiction_id: str, permit_id: str, user: Tenant, app: App) -> Response:
    cmd = UnlinkPermit(jurisdiction_id=jurisdiction_id, actor=user, permit_id=permit_id)
    await app.units.handle(cmd, parties.unlink)
    return Response(status_code=204)
