"""Contracting companies and their authorized online users (R-ID-2, R-ID-6)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from pymongo.errors import DuplicateKeyError

from chassis.errors import Conflict, Forbidden, NotFound, Unprocessable, field_error
from chassis.uow import Transaction
from contracts.identity import (
    Company,
    CompanyCreated,
    CompanyUpdated,
)
from identity.adapters.repositories import Companies, MembershipRepository, Memberships
from identity.domain.access import COMPANY_MANAGERS, is_company_admin, is_company_user
from identity.service_layer.common import (
    Caller,
    Doc,
    Identity,
    audit,
    load_jurisdiction,
    require_jurisdiction_access,
    require_staff,
)
from identity.service_layer.users import Delivery, add_person, revoke_sessions

COMPANY_FIELDS = (
    "name",
    "license_number",
    "trades",
    "address",
    "city",
    "state",
    "zip",
    "email",
    "phone",
    "cell",
    "fax",
)


def company_event_model(doc: Doc) -> Company:
    return Company(company_id=doc["_id"], **{f: doc.get(f) for f in COMPANY_FIELDS if f in doc})


async def _company(repo: Companies, company_id: str) -> Doc:
    doc = await repo.find_one({"_id": company_id})
    if doc is None:
        raise NotFound("no such company")
    return doc


def _may_manage(caller: Caller, jurisdiction_id: str, company_id: str) -> bool:
    return (
        caller.is_operator
        or caller.is_staff(jurisdiction_id, *COMPANY_MANAGERS)
        or is_company_admin(caller.membership, company_id)
    )


def _may_view(caller: Caller, jurisdiction_id: str, company_id: str) -> bool:
    return (
        caller.is_operator
        or caller.is_staff(jurisdiction_id)
        or is_company_user(caller.membership, company_id)
    )


async def insert_company(tx: Transaction, jurisdiction_id: str, fields: Doc) -> Doc:
    doc = {"_id": str(uuid4()), **fields, "created_at": tx.clock.now()}
    try:
        await tx.repo(Companies, jurisdiction_id).insert_one(doc)
    except DuplicateKeyError as exc:
        raise Conflict(
            f"a company with license {fields['license_number']!r} already exists here",
            slug="license-taken",
        ) from exc
    tx.emit(
        CompanyCreated(
            company_id=doc["_id"], jurisdiction_id=jurisdiction_id, company=company_event_model(doc)
        ),
        jurisdiction_id=jurisdiction_id,
    )
    return doc


async def create_company(idn: Identity, caller: Caller, jurisdiction_id: str, fields: Doc) -> Doc:
    require_staff(caller, jurisdiction_id, *COMPANY_MANAGERS)
    await load_jurisdiction(idn.runtime.db, jurisdiction_id)

    async def work(tx: Transaction) -> Doc:
        doc = await insert_company(tx, jurisdiction_id, fields)
        await audit(
            tx, jurisdiction_id, "company_created", actor=caller.account_id, subject=doc["_id"]
        )
        return doc

    return await idn.runtime.uow.run(work)


async def list_companies(
    idn: Identity, caller: Caller, jurisdiction_id: str, *, q: str | None, limit: int, offset: int
) -> tuple[list[Doc], int]:
    require_staff(caller, jurisdiction_id)
    repo = Companies(idn.runtime.db, jurisdiction_id)
    query: Doc = {}
    if q:
        query = {"$or": [{"license_number": q.upper()}, {"name": q}]}
    return await repo.find(query, sort=[("name", 1)], skip=offset, limit=limit), await repo.count(
        query
    )


async def get_company(idn: Identity, caller: Caller, jurisdiction_id: str, company_id: str) -> Doc:
    require_jurisdiction_access(caller, jurisdiction_id)
    if not _may_view(caller, jurisdiction_id, company_id):
        raise NotFound("no such company")  # a stranger's company does not exist for them
    return await _company(Companies(idn.runtime.db, jurisdiction_id), company_id)


async def update_company(
    idn: Identity, caller: Caller, jurisdiction_id: str, company_id: str, fields: Doc
) -> Doc:
    """Staff, or the company's own admins (R-ID-5: company address, phones…)."""
    require_jurisdiction_access(caller, jurisdiction_id)
    if not _may_view(caller, jurisdiction_id, company_id):
        raise NotFound("no such company")
    if not _may_manage(caller, jurisdiction_id, company_id):
        raise Forbidden("only staff or the company's admins may edit it")
    staff = caller.is_operator or caller.is_staff(jurisdiction_id, *COMPANY_MANAGERS)
    if "license_number" in fields and not staff:
        raise Forbidden("only staff may change the license number")

    async def work(tx: Transaction) -> Doc:
        repo = tx.repo(Companies, jurisdiction_id)
        await _company(repo, company_id)
        if fields:
            try:
                await repo.update_one({"_id": company_id}, {"$set": fields})
            except DuplicateKeyError as exc:
                raise Conflict(
                    "another company has this license number", slug="license-taken"
                ) from exc
        doc = await _company(repo, company_id)
        tx.emit(
            CompanyUpdated(
                company_id=company_id,
                jurisdiction_id=jurisdiction_id,
                company=company_event_model(doc),
            ),
            jurisdiction_id=jurisdiction_id,
        )
        await audit(
            tx,
            jurisdiction_id,
            "company_updated",
            actor=caller.account_id,
            subject=company_id,
            fields=sorted(fields),
        )
        return doc

    return await idn.runtime.uow.run(work)


async def company_users(
    idn: Identity, caller: Caller, jurisdiction_id: str, company_id: str
) -> list[Doc]:
    await get_company(idn, caller, jurisdiction_id, company_id)
    return await Memberships(idn.runtime.db, jurisdiction_id).find(
        {"company_ids": company_id}, sort=[("email", 1)]
    )


async def add_company_user(
    idn: Identity,
    caller: Caller,
    jurisdiction_id: str,
    company_id: str,
    *,
    email: str,
    display_name: str,
    company_admin: bool,
    delivery: Delivery,
) -> tuple[Doc, str | None]:
    require_jurisdiction_access(caller, jurisdiction_id)
    if not _may_view(caller, jurisdiction_id, company_id):
        raise NotFound("no such company")
    if not _may_manage(caller, jurisdiction_id, company_id):
        raise Forbidden("only staff or the company's admins may add its users")
    jurisdiction = await load_jurisdiction(idn.runtime.db, jurisdiction_id)

    async def work(tx: Transaction) -> tuple[Doc, str | None]:
        company = await _company(tx.repo(Companies, jurisdiction_id), company_id)
        membership, pin = await add_person(
            idn,
            tx,
            jurisdiction=jurisdiction,
            email=email,
            display_name=display_name,
            kind="contractor",
            roles=[],
            delivery=delivery,
            actor=caller.account_id,
            company=company,
            company_admin=company_admin,
        )
        await audit(
            tx,
            jurisdiction_id,
            "authorized_user_added",
            actor=caller.account_id,
            subject=membership["account_id"],
            company_id=company_id,
        )
        return membership, pin

    return await idn.runtime.uow.run(work)


async def remove_company_user(
    idn: Identity, caller: Caller, jurisdiction_id: str, company_id: str, account_id: str
) -> None:
    """Removing a user cuts access: their sessions here are revoked at once."""
    require_jurisdiction_access(caller, jurisdiction_id)
    if not _may_view(caller, jurisdiction_id, company_id):
        raise NotFound("no such company")
    if not _may_manage(caller, jurisdiction_id, company_id):
        raise Forbidden("only staff or the company's admins may remove its users")

    async def work(tx: Transaction) -> None:
        members = MembershipRepository(tx, jurisdiction_id)
        membership = await members.find_one({"account_id": account_id, "company_ids": company_id})
        if membership is None:
            raise NotFound("this person is not an authorized user of the company")
        doc = MembershipRepository.to_doc(membership)
        others = await members.other_company_admins(company_id, membership.id)
        membership.leave_company(
            company_id, other_company_admins=others, by=caller.account_id, at=tx.clock.now()
        )
        await members.save(membership)
        reason = f"removed from company {company_id}"
        last = not membership.company_ids  # no company left: the membership ended
        await revoke_sessions(tx, jurisdiction_id, doc, reason=reason, announce=last)
        await audit(
            tx,
            jurisdiction_id,
            "authorized_user_removed",
            actor=caller.account_id,
            subject=account_id,
            company_id=company_id,
        )

    await idn.runtime.uow.run(work)


def validate_company_fields(fields: dict[str, Any]) -> dict[str, Any]:
    if "license_number" in fields:
        license_number = str(fields["license_number"]).strip().upper()
        if not license_number:
            raise Unprocessable(
                "license number is required", errors=[field_error("license_number", "required")]
            )
        fields["license_number"] = license_number
    return fields
