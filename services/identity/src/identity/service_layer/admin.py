"""Administration used by the CLI (operator bootstrap, demo seeding)."""

from __future__ import annotations

from chassis.uow import Transaction
from identity.adapters import secrets
from identity.adapters.repositories import Accounts, Companies, MembershipRepository
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
from identity.service_layer.companies import insert_company


async def ensure_account(
    idn: Identity, *, email: str, password: str, display_name: str, operator: bool = False
) -> Doc:
    email = normalize_email(email)
    check_password(password, None, email, display_name)
    password_hash = secrets.hash_password(password)

    async def work(tx: Transaction) -> Doc:
        return await get_or_create_account(
            tx,
            email=email,
            display_name=display_name,
            phone=None,
            password_hash=password_hash,
            operator=operator,
        )

    return await idn.runtime.uow.run(work)


async def ensure_membership(
    idn: Identity, *, account: Doc, jurisdiction_id: str, kind: MembershipKind, roles: list[str]
) -> Doc:
    async def work(tx: Transaction) -> Doc:
        return await get_or_create_membership(
            tx, account=account, jurisdiction_id=jurisdiction_id, kind=kind, roles=roles
        )

    return await idn.runtime.uow.run(work)


async def ensure_company(idn: Identity, *, jurisdiction_id: str, company: Doc) -> Doc:
    """Create a company (if its license number is new) with existing accounts as admins."""
    fields = {k: v for k, v in company.items() if k != "admins"}
    fields["license_number"] = fields["license_number"].strip().upper()

    async def work(tx: Transaction) -> Doc:
        existing = await tx.repo(Companies, jurisdiction_id).find_one(
            {"license_number": fields["license_number"]}
        )
        if existing is not None:
            return existing
        doc = await insert_company(tx, jurisdiction_id, fields)
        members = MembershipRepository(tx, jurisdiction_id)
        for email in company.get("admins", []):
            account = await Accounts(tx.db, tx.session).by_email(normalize_email(email))
            if account is None:
                continue
            membership = await members.find_one(
                {"account_id": account["_id"], "kind": "contractor"}
            )
            if membership is not None:
                membership.join_company(doc["_id"], admin=True)
                await members.save(membership)
        return doc

    return await idn.runtime.uow.run(work)
