"""Administration used by the CLI (operator bootstrap, demo seeding)."""

from __future__ import annotations

from chassis.uow import Transaction
from identity.adapters import secrets
from identity.domain.model import (
    MembershipKind,
    normalize_email,
)
from identity.handlers.common import (
    Doc,
    Identity,
    check_password,
    get_or_create_account,
    get_or_create_membership,
)


async def ensure_account(
    idn: Identity, *, email: str, password: str, display_name: str, operator: bool = False
) -> Doc:
    email = normalize_email(email)
    check_password(password, email)
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
