"""Contracting companies and their authorized online users (R-ID-4/5)."""

from __future__ import annotations

from chassis.errors import Forbidden, NotFound, Unprocessable, field_error
from chassis.uow import Transaction
from identity.adapters.repositories import (
    Companies,
    CompanyRepository,
    Memberships,
)
from identity.domain.access import COMPANY_MANAGERS, is_company_admin, is_company_user
from identity.domain.company import Company, LicenseTaken
from identity.service_layer.commands import CreateCompany, RemoveCompanyUser, UpdateCompany
from identity.service_layer.common import (
    Caller,
    Doc,
    Identity,
    audit,
    load_jurisdiction,
    require_jurisdiction_access,
    require_staff,
)
from identity.service_layer.people import (
    Delivery,
    NewPerson,
    add_person,
    created_doc,
)
from identity.service_layer.unit_of_work import IdentityUnitOfWork


def _manages_as_staff(caller: Caller, jurisdiction_id: str) -> bool:
    return caller.is_operator or caller.is_staff(jurisdiction_id, *COMPANY_MANAGERS)


def _company_access(caller: Caller, jurisdiction_id: str, company_id: str, *, to: str = "") -> None:
    """A company the caller may not see does not exist for them (404); to
    change one (``to``), they must be staff or its admin (403)."""
    require_jurisdiction_access(caller, jurisdiction_id)
    staff = caller.is_operator or caller.is_staff(jurisdiction_id)
    if not (staff or is_company_user(caller.membership, company_id)):
        raise NotFound("no such company")
    manages = _manages_as_staff(caller, jurisdiction_id) or is_company_admin(
        caller.membership, company_id
    )
    if to and not manages:
        raise Forbidden(f"only staff or the company's admins may {to}")


async def add_company(
    tx: Transaction, jurisdiction_id: str, profile: Doc, registration_id: str | None = None
) -> Company:
    company = Company.new(
        jurisdiction_id=jurisdiction_id,
        profile=profile,
        at=tx.clock.now(),
        registration_id=registration_id,
    )
    await CompanyRepository(tx, jurisdiction_id).add(company)
    return company


async def create_company(cmd: CreateCompany, uow: IdentityUnitOfWork) -> Company:
    """Staff who manage companies (R-ID-4); a license number is one company's
    in a jurisdiction (409 ``license-taken``)."""
    require_staff(cmd.caller, uow.jurisdiction_id, *COMPANY_MANAGERS)
    await uow.jurisdictions.require()
    company = Company.new(jurisdiction_id=uow.jurisdiction_id, profile=cmd.profile, at=uow.now)
    if await uow.companies.find_one({"license_number": company.license_number}):
        raise LicenseTaken(company.license_number)
    await uow.companies.add(company)
    await uow.audit.record("company_created", actor=cmd.caller.account_id, subject=company.id)
    return company


async def list_companies(
    idn: Identity, caller: Caller, jurisdiction_id: str, *, q: str | None, limit: int, offset: int
) -> tuple[list[Doc], int]:
    """By exact license number, or by the start of the name (at least two
    characters): one query each, merged — a jurisdiction's whole list of
    companies is never read (reads stay flat)."""
    require_staff(caller, jurisdiction_id)
    text = (q or "").strip().upper()
    if len(text) < 2:
        msg = "give a license number or at least two letters of the company's name"
        raise Unprocessable(msg, errors=[field_error("q", msg)])
    repo = Companies(idn.runtime.db, jurisdiction_id)
    found = {
        d["_id"]: d
        for query in (
            {"license_number": text},
            {"name_key": {"$gte": text, "$lt": text + "\uffff"}},
        )
        for d in await repo.find(query, bounded="the companies one license or name start names")
    }
    ordered = sorted(found.values(), key=lambda d: (d.get("name_key", ""), d["_id"]))
    return ordered[offset : offset + limit], len(ordered)


async def get_company(idn: Identity, caller: Caller, jurisdiction_id: str, company_id: str) -> Doc:
    _company_access(caller, jurisdiction_id, company_id)
    doc = await Companies(idn.runtime.db, jurisdiction_id).find_one({"_id": company_id})
    if doc is None:
        raise NotFound("no such company")
    return doc


async def public_company(idn: Identity, jurisdiction_id: str, company_id: str) -> Doc:
    """A contracting company's name, for anyone (a public permit page names
    its contractor, as eTRAKIT's business list does): nothing else of it."""
    doc = await Companies(idn.runtime.db, jurisdiction_id).find_one(
        {"_id": company_id}, projection={"name": 1}
    )
    if doc is None:
        raise NotFound("no such company")
    return {"id": doc["_id"], "name": doc.get("name") or ""}


async def update_company(cmd: UpdateCompany, uow: IdentityUnitOfWork) -> Company:
    """Staff, or the company's own admins (R-ID-5: company address, phones…)."""
    jid, caller = uow.jurisdiction_id, cmd.caller
    _company_access(caller, jid, cmd.company_id, to="edit it")
    company = await uow.companies.require(cmd.company_id)
    staff = _manages_as_staff(caller, jid)
    if company.update(cmd.changes, by_staff=staff, by=caller.account_id, at=uow.now):
        await uow.companies.save(company)
        await uow.audit.record(
            "company_updated",
            actor=caller.account_id,
            subject=cmd.company_id,
            fields=sorted(cmd.changes),
        )
    return company


async def company_users(
    idn: Identity, caller: Caller, jurisdiction_id: str, company_id: str
) -> list[Doc]:
    await get_company(idn, caller, jurisdiction_id, company_id)
    return await Memberships(idn.runtime.db, jurisdiction_id).find(
        {"company_ids": company_id}, sort=[("email", 1)], bounded="one company's users"
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
    _company_access(caller, jurisdiction_id, company_id, to="add its users")
    jurisdiction = await load_jurisdiction(idn.runtime.db, jurisdiction_id)

    issued: list[str] = []  # the PIN leaves by this, never in what a key's record keeps

    async def work(tx: Transaction) -> Doc:
        company = await CompanyRepository(tx, jurisdiction_id).require(company_id)
        person = NewPerson(
            email=email,
            display_name=display_name,
            kind="contractor",
            delivery=delivery,
            company=company,
            company_admin=company_admin,
        )
        membership, pin = await add_person(idn, tx, jurisdiction, person, caller.account_id)
        await audit(
            tx,
            jurisdiction_id,
            "authorized_user_added",
            actor=caller.account_id,
            subject=membership.account_id,
            company_id=company_id,
        )
        issued[:] = [pin] if pin else []
        return created_doc(membership, pin)

    created = await idn.runtime.uow.run(work)
    return created["membership"], (issued[0] if issued else None)


async def remove_company_user(cmd: RemoveCompanyUser, uow: IdentityUnitOfWork) -> None:
    """Removing a user cuts access: their sessions here are revoked at once;
    a company always keeps an admin who can act."""
    _company_access(cmd.caller, uow.jurisdiction_id, cmd.company_id, to="remove its users")
    membership = await uow.memberships.find_one(
        {"account_id": cmd.account_id, "company_ids": cmd.company_id}
    )
    if membership is None:
        raise NotFound("this person is not an authorized user of the company")
    others = await uow.memberships.other_company_admins(cmd.company_id, membership.id)
    actor = cmd.caller.account_id
    membership.leave_company(cmd.company_id, other_company_admins=others, by=actor, at=uow.now)
    await uow.memberships.save(membership)
    await uow.sessions.revoke(membership)
    await uow.audit.record(
        "authorized_user_removed",
        actor=actor,
        subject=cmd.account_id,
        company_id=cmd.company_id,
    )
