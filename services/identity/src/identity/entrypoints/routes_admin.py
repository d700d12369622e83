"""Jurisdictions (operators), staff-managed users, audit (companies:
``routes_companies.py``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, status

from chassis.errors import Forbidden
from chassis.repository import plain_doc
from identity.domain.model import PLATFORM
from identity.domain.passwords import policy_named
from identity.entrypoints.dependencies import (
    KEYED_CREATION,
    PROBLEMS,
    CallerDep,
    CreateUserCall,
    PagingDep,
    Units,
    keyed_creation,
)
from identity.entrypoints.schemas_admin import (
    AuditEntry,
    DirectoryEntry,
    JurisdictionIn,
    JurisdictionOut,
    JurisdictionPatch,
    UserCreated,
    UserIn,
    UserOut,
    UserPage,
    UserPatch,
    user_out,
)
from identity.service_layer import jurisdictions, users
from identity.service_layer.commands import (
    CreateJurisdiction,
    CreateUser,
    GetUser,
    ListUsers,
    Public,
    ShowAudit,
    UpdateJurisdiction,
    UpdateUser,
    by,
)
from identity.service_layer.common import Caller

router = APIRouter(prefix="/v1/jurisdictions", responses=PROBLEMS)
directory = APIRouter(prefix="/v1", responses=PROBLEMS)


def _require_operator(caller: Caller) -> None:
    if not caller.is_operator:
        raise Forbidden("only a hosting operator may do this")


def _jurisdiction_out(doc: dict[str, Any]) -> JurisdictionOut:
    return JurisdictionOut(
        id=doc["_id"],
        name=doc["name"],
        time_zone=doc["time_zone"],
        features=doc.get("features", {}),
        branding=doc.get("branding") or {},
        password_policy=doc.get("password_policy", "asvs"),
        password_rules=policy_named(doc.get("password_policy")).describe().split("; "),
        reset_requires_security_answer=bool(doc.get("reset_requires_security_answer")),
    )


# -- jurisdictions ----------------------------------------------------------------
@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=JurisdictionOut,
    tags=["jurisdictions"],
    summary="Create a jurisdiction (hosting operator)",
)
async def create_jurisdiction(
    body: JurisdictionIn, caller: CallerDep, units: Units
) -> JurisdictionOut:
    _require_operator(caller)
    cmd = CreateJurisdiction(
        jurisdiction_id=body.id,
        fields=body.model_dump(exclude={"id", "first_admin"}),
        first_admin=body.first_admin.model_dump(mode="json") if body.first_admin else None,
        actor_id=caller.account_id,
    )
    return _jurisdiction_out(await units.handle(cmd, jurisdictions.create_jurisdiction))


@router.get(
    "",
    response_model=list[JurisdictionOut],
    tags=["jurisdictions"],
    summary="List jurisdictions (hosting operator)",
)
async def list_jurisdictions(caller: CallerDep, units: Units) -> list[JurisdictionOut]:
    _require_operator(caller)
    found = await units.ask(Public(jurisdiction_id=PLATFORM), jurisdictions.list_jurisdictions)
    return [_jurisdiction_out(d) for d in found]


@directory.get(
    "/jurisdiction-directory",
    response_model=list[DirectoryEntry],
    tags=["jurisdictions"],
    summary="Every jurisdiction of this installation: id, name and branding (public)",
    description="What a portal's start page lists. The registry is an installation's "
    "tenants (hundreds at most), read whole.",
)
async def jurisdiction_directory(units: Units) -> list[DirectoryEntry]:
    found = await units.ask(Public(jurisdiction_id=PLATFORM), jurisdictions.list_jurisdictions)
    return [
        DirectoryEntry(id=d["_id"], name=d["name"], branding=d.get("branding") or {}) for d in found
    ]


@router.get(
    "/{jurisdiction_id}",
    response_model=JurisdictionOut,
    tags=["jurisdictions"],
    summary="A jurisdiction's public profile",
)
async def get_jurisdiction(jurisdiction_id: str, units: Units) -> JurisdictionOut:
    query = Public(jurisdiction_id=jurisdiction_id)
    return _jurisdiction_out(await units.ask(query, jurisdictions.get_jurisdiction))


@router.patch(
    "/{jurisdiction_id}",
    response_model=JurisdictionOut,
    tags=["jurisdictions"],
    summary="Configure a jurisdiction (hosting operator; its admins: branding and password rules)",
    description="The jurisdiction's own admins change its branding, password preset and "
    "whether a reset asks the security question; its name, time zone and features are the "
    "hosting operator's (403 naming them).",
)
async def update_jurisdiction(
    jurisdiction_id: str, body: JurisdictionPatch, caller: CallerDep, units: Units
) -> JurisdictionOut:
    cmd = UpdateJurisdiction(**by(caller, jurisdiction_id), fields=body.changes(mode="json"))
    return _jurisdiction_out(await units.handle(cmd, jurisdictions.update_jurisdiction))


# -- staff-managed users ----------------------------------------------------------
@router.post(
    "/{jurisdiction_id}/users",
    status_code=201,
    response_model=UserCreated,
    tags=["users"],
    summary="Create a staff or community user (staff admin)",
    description=KEYED_CREATION,
)
async def create_user(
    jurisdiction_id: str, body: UserIn, caller: CallerDep, units: Units, call: CreateUserCall
) -> UserCreated:
    cmd = CreateUser(
        **by(caller, jurisdiction_id),
        email=str(body.email),
        display_name=body.display_name,
        kind=body.kind,
        roles=list(body.roles),
        delivery=body.delivery,
    )
    membership, pin = await keyed_creation(call, units, cmd, users.create_user)
    return UserCreated(**user_out(membership), pin=pin)


@router.get(
    "/{jurisdiction_id}/users",
    response_model=UserPage,
    tags=["users"],
    summary="List users (staff admin): staff (the default kind), or others by email start",
)
async def list_users(
    jurisdiction_id: str,
    caller: CallerDep,
    units: Units,
    paging: PagingDep,
    kind: str | None = Query(default=None, pattern="^(community_member|contractor|staff)$"),
    user_status: str | None = Query(
        default=None, alias="status", pattern="^(invited|active|disabled)$"
    ),
    email: str | None = Query(
        default=None,
        max_length=320,
        description="the start of the email; needed (3+ characters) for contractors "
        "and community members",
    ),
) -> UserPage:
    query = ListUsers(
        **by(caller, jurisdiction_id),
        kind=kind,
        status=user_status,
        email=email,
        limit=paging.limit,
        offset=paging.offset,
    )
    found, total = await units.ask(query, users.list_users)
    return UserPage(
        items=[UserOut(**user_out(plain_doc(m))) for m in found],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get("/{jurisdiction_id}/users/{membership_id}", response_model=UserOut, tags=["users"])
async def get_user(
    jurisdiction_id: str, membership_id: str, caller: CallerDep, units: Units
) -> UserOut:
    query = GetUser(**by(caller, jurisdiction_id), membership_id=membership_id)
    return UserOut(**user_out(plain_doc(await units.ask(query, users.get_user))))


@router.patch(
    "/{jurisdiction_id}/users/{membership_id}",
    response_model=UserOut,
    tags=["users"],
    summary="Disable, re-enable, or change roles (staff admin)",
)
async def update_user(
    jurisdiction_id: str, membership_id: str, body: UserPatch, caller: CallerDep, units: Units
) -> UserOut:
    cmd = UpdateUser(
        **by(caller, jurisdiction_id),
        membership_id=membership_id,
        status=body.status,
        roles=list(body.roles) if body.roles is not None else None,
    )
    return UserOut(**user_out(plain_doc(await units.handle(cmd, users.update_user))))


@router.get(
    "/{jurisdiction_id}/audit",
    response_model=list[AuditEntry],
    tags=["users"],
    summary="Audit trail of the last 30 days, newest first: lockouts, resets, PINs, user "
    "and company changes (staff admin)",
)
async def audit_log(
    jurisdiction_id: str, caller: CallerDep, units: Units, paging: PagingDep
) -> list[AuditEntry]:
    query = ShowAudit(**by(caller, jurisdiction_id), limit=paging.limit, offset=paging.offset)
    return [AuditEntry(**d) for d in await units.ask(query, users.audit_trail)]
