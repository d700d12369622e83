"""Contracting companies and their authorized online users (R-ID-4/5)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from chassis.repository import plain_doc
from identity.entrypoints.dependencies import (
    KEYED_CREATION,
    PROBLEMS,
    AddCompanyUserCall,
    CallerDep,
    CreateCompanyCall,
    PagingDep,
    Units,
    keyed_creation,
)
from identity.entrypoints.schemas_admin import (
    CompanyIn,
    CompanyOut,
    CompanyPage,
    CompanyPatch,
    CompanyUserIn,
    PublicCompanyOut,
    UserCreated,
    UserOut,
    company_out,
    user_out,
)
from identity.service_layer import companies
from identity.service_layer.commands import (
    AddCompanyUser,
    CreateCompany,
    GetCompany,
    ListCompanies,
    RemoveCompanyUser,
    ShowPublicCompany,
    UpdateCompany,
    by,
)

router = APIRouter(prefix="/v1/jurisdictions", responses=PROBLEMS)


# -- companies ------------------------------------------------------------------
@router.post(
    "/{jurisdiction_id}/companies",
    status_code=201,
    response_model=CompanyOut,
    tags=["companies"],
    summary="Create a contracting company (staff)",
    description="Send an `Idempotency-Key` to retry safely: the retry answers the company the "
    "first request created (`Idempotent-Replayed: true`); without one, a retry is a 409 (the "
    "license number is taken).",
)
async def create_company(
    jurisdiction_id: str, body: CompanyIn, caller: CallerDep, units: Units, call: CreateCompanyCall
) -> CompanyOut:
    cmd = CreateCompany(**by(caller, jurisdiction_id), profile=body.model_dump(mode="json"))
    created = await call.run(lambda: units.handle(cmd, companies.create_company), render=plain_doc)
    return CompanyOut(**company_out(created))


@router.get(
    "/{jurisdiction_id}/companies",
    response_model=CompanyPage,
    tags=["companies"],
    summary="List or find companies by exact name or license number (staff)",
)
async def list_companies(
    jurisdiction_id: str,
    caller: CallerDep,
    units: Units,
    paging: PagingDep,
    q: str | None = Query(default=None, max_length=200),
) -> CompanyPage:
    query = ListCompanies(
        **by(caller, jurisdiction_id), q=q, limit=paging.limit, offset=paging.offset
    )
    found, total = await units.ask(query, companies.list_companies)
    return CompanyPage(
        items=[CompanyOut(**company_out(plain_doc(c))) for c in found],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get(
    "/{jurisdiction_id}/companies/{company_id}",
    response_model=CompanyOut,
    tags=["companies"],
    summary="A company (staff, or its own authorized users)",
)
async def get_company(
    jurisdiction_id: str, company_id: str, caller: CallerDep, units: Units
) -> CompanyOut:
    query = GetCompany(**by(caller, jurisdiction_id), company_id=company_id)
    return CompanyOut(**company_out(plain_doc(await units.ask(query, companies.get_company))))


@router.get(
    "/{jurisdiction_id}/public-companies/{company_id}",
    response_model=PublicCompanyOut,
    tags=["companies"],
    summary="A contracting company's name, without a login (public permit pages)",
)
async def get_public_company(
    jurisdiction_id: str, company_id: str, units: Units
) -> PublicCompanyOut:
    query = ShowPublicCompany(jurisdiction_id=jurisdiction_id, company_id=company_id)
    return PublicCompanyOut(**await units.ask(query, companies.public_company))


@router.patch(
    "/{jurisdiction_id}/companies/{company_id}",
    response_model=CompanyOut,
    tags=["companies"],
    summary="Edit company details (staff, or its company admins)",
)
async def update_company(
    jurisdiction_id: str, company_id: str, body: CompanyPatch, caller: CallerDep, units: Units
) -> CompanyOut:
    cmd = UpdateCompany(
        **by(caller, jurisdiction_id), company_id=company_id, changes=body.changes(mode="json")
    )
    return CompanyOut(**company_out(plain_doc(await units.handle(cmd, companies.update_company))))


@router.get(
    "/{jurisdiction_id}/companies/{company_id}/users",
    response_model=list[UserOut],
    tags=["companies"],
    summary="The company's authorized online users",
)
async def company_users(
    jurisdiction_id: str, company_id: str, caller: CallerDep, units: Units
) -> list[UserOut]:
    query = GetCompany(**by(caller, jurisdiction_id), company_id=company_id)
    return [
        UserOut(**user_out(plain_doc(m))) for m in await units.ask(query, companies.company_users)
    ]


@router.post(
    "/{jurisdiction_id}/companies/{company_id}/users",
    status_code=201,
    response_model=UserCreated,
    tags=["companies"],
    summary="Add an authorized online user (staff, or its company admins)",
    description=KEYED_CREATION,
)
async def add_company_user(
    jurisdiction_id: str,
    company_id: str,
    body: CompanyUserIn,
    caller: CallerDep,
    units: Units,
    call: AddCompanyUserCall,
) -> UserCreated:
    cmd = AddCompanyUser(
        **by(caller, jurisdiction_id),
        company_id=company_id,
        email=str(body.email),
        display_name=body.display_name,
        company_admin=body.company_admin,
        delivery=body.delivery,
    )
    membership, pin = await keyed_creation(call, units, cmd, companies.add_company_user)
    return UserCreated(**user_out(membership), pin=pin)


@router.delete(
    "/{jurisdiction_id}/companies/{company_id}/users/{account_id}",
    status_code=204,
    tags=["companies"],
    summary="Remove an authorized user: their sessions are revoked at once",
)
async def remove_company_user(
    jurisdiction_id: str, company_id: str, account_id: str, caller: CallerDep, units: Units
) -> Response:
    cmd = RemoveCompanyUser(
        **by(caller, jurisdiction_id), company_id=company_id, account_id=account_id
    )
    await units.handle(cmd, companies.remove_company_user)
    return Response(status_code=204)
