"""Contracting companies and their authorized online users (R-ID-4/5)."""

from __future__ import annotations

from chassis.refusals import Denied, Missing, NarrowTheSearch
from identity.domain.access import COMPANY_MANAGERS, is_company_admin, is_company_user
from identity.domain.company import Company, LicenseTaken
from identity.domain.membership import Membership
from identity.service_layer.commands import (
    AddCompanyUser,
    CreateCompany,
    GetCompany,
    ListCompanies,
    RemoveCompanyUser,
    ShowPublicCompany,
    UpdateCompany,
)
from identity.service_layer.common import (
    Caller,
    Doc,
    require_jurisdiction_access,
    require_staff,
)
from identity.service_layer.people import NewPerson, add_person, created_doc, revoke_sessions
from identity.service_layer.unit_of_work import IdentityUnitOfWork


def _manages_as_staff(caller: Caller, jurisdiction_id: str) -> bool:
    return caller.is_staff(jurisdiction_id, *COMPANY_MANAGERS)


def _company_access(caller: Caller, jurisdiction_id: str, company_id: str, *, to: str = "") -> None:
    """A company the caller may not see does not exist for them (404); to
    change one (``to``), they must be staff or its admin (403)."""
    require_jurisdiction_access(caller, jurisdiction_id)
    staff = caller.is_staff(jurisdiction_id)
    if not (staff or is_company_user(caller.membership, company_id)):
        raise Missing("no such company")
    manages = _manages_as_staff(caller, jurisdiction_id) or is_company_admin(
        caller.membership, company_id
    )
    if to and not manages:
        raise Denied(f"only staff or the company's admins may {to}")


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
    query: ListCompanies, uow: IdentityUnitOfWork
) -> tuple[list[Company], int]:
    """By exact license number, or by the start of the name (at least two
    characters): one query each, merged — a jurisdiction's whole list of
    companies is never read (reads stay flat)."""
    require_staff(query.caller, uow.jurisdiction_id)
    text = (query.q or "").strip().upper()
    if len(text) < 2:
        msg = "give a license number or at least two letters of the company's name"
        raise NarrowTheSearch(msg, "q", msg)
    bounded = "the companies one license or name start names"
    found = {
        c.id: c
        for filter_ in (
            {"license_number": text},
            {"name_key": {"$gte": text, "$lt": text + "\uffff"}},
        )
        for c in await uow.companies.find(filter_, bounded=bounded)
    }
    ordered = sorted(found.values(), key=lambda c: (c.name_key, c.id))
    return ordered[query.offset : query.offset + query.limit], len(ordered)


async def get_company(query: GetCompany, uow: IdentityUnitOfWork) -> Company:
    _company_access(query.caller, uow.jurisdiction_id, query.company_id)
    return await uow.companies.require(query.company_id)


async def public_company(query: ShowPublicCompany, uow: IdentityUnitOfWork) -> Doc:
    """A contracting company's name, for anyone (a public permit page names
    its contractor, as eTRAKIT's business list does): nothing else of it."""
    company = await uow.companies.require(query.company_id)
    return {"id": company.id, "name": company.name or ""}


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


async def company_users(query: GetCompany, uow: IdentityUnitOfWork) -> list[Membership]:
    await get_company(query, uow)
    users = await uow.memberships.find(
        {"company_ids": query.company_id}, bounded="one company's users"
    )
    return sorted(users, key=lambda m: (m.email, m.id))


async def add_company_user(cmd: AddCompanyUser, uow: IdentityUnitOfWork) -> tuple[Doc, str | None]:
    """Staff or the company's admins add an authorized online user (seed
    000), by invitation or a first-login PIN shown once."""
    _company_access(cmd.caller, uow.jurisdiction_id, cmd.company_id, to="add its users")
    jurisdiction = await uow.jurisdictions.require()
    company = await uow.companies.require(cmd.company_id)
    person = NewPerson(
        email=cmd.email,
        display_name=cmd.display_name,
        kind="contractor",
        delivery=cmd.delivery,
        company=company,
        company_admin=cmd.company_admin,
    )
    membership, pin = await add_person(uow, jurisdiction, person, cmd.caller.account_id)
    await uow.audit.record(
        "authorized_user_added",
        actor=cmd.caller.account_id,
        subject=membership.account_id,
        company_id=cmd.company_id,
    )
    return created_doc(membership, pin), pin


async def remove_company_user(cmd: RemoveCompanyUser, uow: IdentityUnitOfWork) -> None:
    """Removing a user cuts access: their sessions here are revoked at once;
    a company always keeps an admin who can act."""
    _company_access(cmd.caller, uow.jurisdiction_id, cmd.company_id, to="remove its users")
    membership = await uow.memberships.find_one(
        {"account_id": cmd.account_id, "company_ids": cmd.company_id}
    )
    if membership is None:
        raise Missing("this person is not an authorized user of the company")
    others = await uow.memberships.other_company_admins(cmd.company_id, membership.id)
    actor = cmd.caller.account_id
    membership.leave_company(cmd.company_id, other_company_admins=others, by=actor, at=uow.now)
    await uow.memberships.save(membership)
    await revoke_sessions(uow, membership)
    await uow.audit.record(
        "authorized_user_removed",
        actor=actor,
        subject=cmd.account_id,
        company_id=cmd.company_id,
    )
