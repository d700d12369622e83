"""Administration used by the command line (operator bootstrap, demo seeding)."""

from __future__ import annotations

from chassis.repository import plain_doc
from identity.domain import secrets
from identity.domain.company import Company, license_number
from identity.domain.model import normalize_email
from identity.service_layer.commands import EnsureAccount, EnsureCompany, EnsureMembership
from identity.service_layer.common import (
    Doc,
    check_password,
    get_or_create_account,
    get_or_create_membership,
)
from identity.service_layer.unit_of_work import IdentityUnitOfWork


async def ensure_account(cmd: EnsureAccount, uow: IdentityUnitOfWork) -> Doc:
    email = normalize_email(cmd.email)
    check_password(cmd.password, None, email, cmd.display_name)
    account = await get_or_create_account(
        uow,
        email=email,
        display_name=cmd.display_name,
        password_hash=secrets.hash_password(cmd.password),
        operator=cmd.operator,
    )
    return account.as_doc()


async def ensure_membership(cmd: EnsureMembership, uow: IdentityUnitOfWork) -> Doc:
    account = await uow.accounts.require(cmd.account_id)
    membership = await get_or_create_membership(
        uow, account=account, kind=cmd.kind, roles=cmd.roles
    )
    return plain_doc(membership)


async def ensure_company(cmd: EnsureCompany, uow: IdentityUnitOfWork) -> Doc:
    """Create a company (if its license number is new) with existing accounts as admins."""
    profile = {k: v for k, v in cmd.company.items() if k != "admins"}
    found = await uow.companies.find_one(
        {"license_number": license_number(profile["license_number"])}
    )
    if found is None:
        found = Company.new(jurisdiction_id=uow.jurisdiction_id, profile=profile, at=uow.now)
        await uow.companies.add(found)
        await _admins(uow, found, cmd.company.get("admins", []))
    return plain_doc(found)


async def _admins(uow: IdentityUnitOfWork, company: Company, emails: list[str]) -> None:
    """Existing contractor accounts become the company's admins."""
    for email in emails:
        account = await uow.accounts.by_email(normalize_email(email))
        if account is None:
            continue
        membership = await uow.memberships.find_one(
            {"account_id": account.id, "kind": "contractor"}
        )
        if membership is not None:
            membership.join_company(company.id, admin=True)
            await uow.memberships.save(membership)
