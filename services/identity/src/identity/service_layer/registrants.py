"""The registration service's share of identity: the registrant's login.

Registration never stores a password: at submit it hands the password to
identity here, which creates (or checks) the global account and gives it a
contractor membership without a company yet. ``RegistrationAccepted`` later
attaches the company.
"""

from __future__ import annotations

from chassis.errors import Conflict, Unprocessable, field_error
from chassis.uow import Transaction
from identity.adapters import secrets
from identity.adapters.repositories import Accounts, MembershipRepository
from identity.domain.membership import Membership
from identity.domain.model import normalize_email
from identity.service_layer.common import (
    Doc,
    Identity,
    check_password,
    get_or_create_account,
    load_jurisdiction,
)


async def ensure_registrant(
    idn: Identity, *, jurisdiction_id: str, email: str, display_name: str, password: str
) -> Doc:
    jurisdiction = await load_jurisdiction(idn.runtime.db, jurisdiction_id)
    email = normalize_email(email)
    existing = await Accounts(idn.runtime.db).by_email(email)
    password_hash = None
    if existing is not None and existing.get("password_hash"):
        if not secrets.verify_password(existing["password_hash"], password):
            msg = "this email already has a Permitsuite account: enter that account's password"
            raise Unprocessable(msg, errors=[field_error("password", msg, "password.existing")])
    else:
        check_password(password, jurisdiction, email, display_name)
        password_hash = secrets.hash_password(password)

    async def work(tx: Transaction) -> Doc:
        account = await get_or_create_account(
            tx, email=email, display_name=display_name, phone=None, password_hash=password_hash
        )
        if password_hash and not account.get("password_hash"):
            await Accounts(tx.db, tx.session).update(
                account["_id"], {"password_hash": password_hash}
            )
        members = MembershipRepository(tx, jurisdiction_id)
        membership = await members.of_account(account["_id"])
        if membership is None:
            membership = Membership.new(
                jurisdiction_id=jurisdiction_id,
                account_id=account["_id"],
                email=account["email"],
                display_name=account.get("display_name", ""),
                kind="contractor",
                roles=[],
                active=True,
                at=idn.now,
            )
            await members.add(membership)
        elif membership.kind != "contractor":
            raise Conflict(
                f"{email} has a {membership.kind.replace('_', ' ')} membership here; "
                "a contractor registration needs another email",
                slug="membership-exists",
            )
        elif membership.status != "active":
            membership.activate(at=idn.now, by=account["_id"], announce_account=False)
            await members.save(membership)
        return {"account_id": account["_id"], "membership_id": membership.id}

    return await idn.runtime.uow.run(work)
