"""Jurisdictions (operators), staff-managed users, audit (companies:
``routes_companies.py``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Query, status

from chassis.clock import as_utc
from chassis.errors import Forbidden
from identity.adapters.repositories import AuditLog
from identity.domain.passwords import policy_named
from identity.entrypoints.dependencies import (
    KEYED_CREATION,
    PROBLEMS,
    CallerDep,
    CreateUserCall,
    Idn,
    PagingDep,
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
from identity.service_layer import jurisdictions, people, users
from identity.service_layer.common import Caller, require_staff

AUDIT_DAYS = 30

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
async def create_jurisdiction(body: JurisdictionIn, caller: CallerDep, idn: Idn) -> JurisdictionOut:
    _require_operator(caller)
    fields = body.model_dump(exclude={"id", "first_admin"})
    doc = await jurisdictions.create_jurisdiction(
        idn,
        jurisdiction_id=body.id,
        fields=fields,
        first_admin=body.first_admin.model_dump(mode="json") if body.first_admin else None,
        actor=caller.account_id,
    )
    return _jurisdiction_out(doc)


@router.get(
    "",
    response_model=list[JurisdictionOut],
    tags=["jurisdictions"],
    summary="List jurisdictions (hosting operator)",
)
async def list_jurisdictions(caller: CallerDep, idn: Idn) -> list[JurisdictionOut]:
    _require_operator(caller)
    return [_jurisdiction_out(d) for d in await jurisdictions.list_jurisdictions(idn)]


@directory.get(
    "/jurisdiction-directory",
    response_model=list[DirectoryEntry],
    tags=["jurisdictions"],
    summary="Every jurisdiction of this installation: id, name and branding (public)",
    description="What a portal's start page lists. The registry is an installation's "
    "tenants (hundreds at most), read whole.",
)
async def jurisdiction_directory(idn: Idn) -> list[DirectoryEntry]:
    return [
        DirectoryEntry(id=d["_id"], name=d["name"], branding=d.get("branding") or {})
        for d in await jurisdictions.list_jurisdictions(idn)
    ]


@router.get(
    "/{jurisdiction_id}",
    response_model=JurisdictionOut,
    tags=["jurisdictions"],
    summary="A jurisdiction's public profile",
)
async def get_jurisdiction(jurisdiction_id: str, idn: Idn) -> JurisdictionOut:
    return _jurisdiction_out(await jurisdictions.get_jurisdiction(idn, jurisdiction_id))


@router.patch(
    "/{jurisdiction_id}",
    response_model=JurisdictionOut,
    tags=["jurisdictions"],
    summary="Configure a jurisdiction (hosting operator)",
)
async def update_jurisdiction(
    jurisdiction_id: str, body: JurisdictionPatch, caller: CallerDep, idn: Idn
) -> JurisdictionOut:
    _require_operator(caller)
    doc = await jurisdictions.update_jurisdiction(
        idn, caller, jurisdiction_id, body.changes(mode="json")
    )
    return _jurisdiction_out(doc)


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
    jurisdiction_id: str, body: UserIn, caller: CallerDep, idn: Idn, call: CreateUserCall
) -> UserCreated:
    membership, pin = await people.keyed_creation(
        idn,
        call,
        jurisdiction_id,
        caller.account_id,
        lambda: users.create_user(
            idn,
            caller,
            jurisdiction_id,
            email=str(body.email),
            display_name=body.display_name,
            kind=body.kind,
            roles=list(body.roles),
            delivery=body.delivery,
        ),
    )
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
    idn: Idn,
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
    docs, total = await users.list_users(
        idn,
        caller,
        jurisdiction_id,
        kind=kind,
        status=user_status,
        email=email,
        limit=paging.limit,
        offset=paging.offset,
    )
    return UserPage(
        items=[UserOut(**user_out(d)) for d in docs],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get("/{jurisdiction_id}/users/{membership_id}", response_model=UserOut, tags=["users"])
async def get_user(
    jurisdiction_id: str, membership_id: str, caller: CallerDep, idn: Idn
) -> UserOut:
    return UserOut(**user_out(await users.get_user(idn, caller, jurisdiction_id, membership_id)))


@router.patch(
    "/{jurisdiction_id}/users/{membership_id}",
    response_model=UserOut,
    tags=["users"],
    summary="Disable, re-enable, or change roles (staff admin)",
)
async def update_user(
    jurisdiction_id: str, membership_id: str, body: UserPatch, caller: CallerDep, idn: Idn
) -> UserOut:
    doc = await users.update_user(
        idn,
        caller,
        jurisdiction_id,
        membership_id,
        status=body.status,
        roles=list(body.roles) if body.roles is not None else None,
    )
    return UserOut(**user_out(doc))


@router.get(
    "/{jurisdiction_id}/audit",
    response_model=list[AuditEntry],
    tags=["users"],
    summary="Audit trail of the last 30 days, newest first: lockouts, resets, PINs, user "
    "and company changes (staff admin)",
)
async def audit_log(
    jurisdiction_id: str, caller: CallerDep, idn: Idn, paging: PagingDep
) -> list[AuditEntry]:
    require_staff(caller, jurisdiction_id, "admin")
    since = idn.now - timedelta(days=AUDIT_DAYS)
    docs, _ = await AuditLog(idn.runtime.db, jurisdiction_id).page(
        {"at": {"$gte": since}},
        order=lambda d: (-as_utc(d["at"]).timestamp(), d["_id"]),
        offset=paging.offset,
        limit=paging.limit,
        bounded=f"the audit trail of the last {AUDIT_DAYS} days",
    )
    return [AuditEntry(**d) for d in docs]
