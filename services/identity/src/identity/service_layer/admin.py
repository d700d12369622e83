"""Administration used by the CLI (operator bootstrap, demo seeding)."""

from __future__ import annotations

from chassis.errors import NotFound
from chassis.uow import Transaction
from identity.adapters import secrets
from identity.adapters.accounts import AccountRepository
from identity.adapters.repositories import (
    CompanyRepository,
    MembershipRepository,
)
from identity.domain.company import Company, license_number
from identity.domain.model import (
    MembershipKind,
    normalize_email,
)
from identity.service_layer.common import (
    Doc,
    Identity,
    check_password,
    get_or_create_account,
    get_or_create_membership,
)
from identity.service_layer.companies import add_company


async def ensure_account(
    idn: Identity, *, email: str, password: str, display_name: str, operator: bool = False
) -> Doc:
    email = normalize_email(email)
    check_password(password, None, email, display_name)
    password_hash = secrets.hash_password(password)

    async def work(tx: Transaction) -> Doc:
        account = await get_or_create_account(
            tx,
            email=email,
            display_name=display_name,
            password_hash=password_hash,
            operator=operator,
        )
        return AccountRepository.to_doc(account)

    return await idn.runtime.uow.run(work)


async def ensure_membership(
    idn: Identity, *, account: Doc, jurisdiction_id: str, kind: MembershipKind, roles: list[str]
) -> Doc:
    async def work(tx: Transaction) -> Doc:
        found = await AccountRepository(tx).get(account["_id"])
        if found is None:
            raise NotFound("no such account")
        return await get_or_create_membership(
            tx, account=found, jurisdiction_id=jurisdiction_id, kind=kind, roles=roles
        )

    return await idn.runtime.uow.run(work)


async def ensure_company(idn: Identity, *, jurisdiction_id: str, company: Doc) -> Doc:
    """Create a company (if its license number is new) with existing accounts as admins."""
    profile = {k: v for k, v in company.items() if k != "admins"}

    async def work(tx: Transaction) -> Doc:
        companies = CompanyRepository(tx, jurisdiction_id)
        found = await companies.by_license(license_number(profile["license_number"]))
        if found is None:
            found = await add_company(tx, jurisdiction_id, profile)
            await _admins(tx, found, company.get("admins", []))
        return CompanyRepository.to_doc(found)

    return await idn.runtime.uow.run(work)


async def _admins(tx: Transaction, company: Company, emails: list[str]) -> None:
    """Existing contractor accounts become the company's admins."""
    members = MembershipRepository(tx, company.jurisdiction_id)
    for email in emails:
        account = await AccountRepository(tx).by_email(normalize_email(email))
        if account is None:
            continue
        membership = await members.find_one({"account_id": account.id, "kind": "contractor"})
        if membership is not None:
            membership.join_company(company.id, admin=True)
            await members.save(membership)
