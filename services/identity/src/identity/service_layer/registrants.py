"""The registration service's share of identity: the registrant's login.

Registration never stores a password: at submit it hands the password to
identity here, which creates (or checks) the global account and gives it a
contractor membership without a company yet. ``RegistrationAccepted`` later
attaches the company.
"""

from __future__ import annotations

from chassis.errors import Conflict
from chassis.uow import Transaction
from identity.adapters.repositories import Accounts, MembershipRepository
from identity.domain.account import Account
from identity.domain.membership import Membership
from identity.domain.model import normalize_email
from identity.service_layer.common import (
    Doc,
    Identity,
    get_or_create_account,
    load_jurisdiction,
    new_password_hash,
)


async def ensure_registrant(
    idn: Identity, *, jurisdiction_id: str, email: str, display_name: str, password: str
) -> Doc:
    jurisdiction = await load_jurisdiction(idn.runtime.db, jurisdiction_id)
    email = normalize_email(email)
    existing = await Accounts(idn.runtime.db).by_email(email)
    password_hash = new_password_hash(existing, password, jurisdiction, email, display_name)

    async def work(tx: Transaction) -> Doc:
        account = await get_or_create_account(
            tx, email=email, display_name=display_name, password_hash=password_hash
        )
        membership = await _contractor(tx, jurisdiction_id, account)
        return {"account_id": account.id, "membership_id": membership.id}

    return await idn.runtime.uow.run(work)


async def _contractor(tx: Transaction, jurisdiction_id: str, account: Account) -> Membership:
    """The account's contractor membership here, created or activated."""
    members = MembershipRepository(tx, jurisdiction_id)
    membership = await members.of_account(account.id)
    if membership is None:
        membership = Membership.new(
            jurisdiction_id=jurisdiction_id,
            account_id=account.id,
            email=account.email,
            display_name=account.display_name,
            kind="contractor",
            roles=[],
            active=True,
            at=tx.clock.now(),
        )
        await members.add(membership)
    elif membership.kind != "contractor":
        raise Conflict(
            f"{account.email} has a {membership.kind.replace('_', ' ')} membership here; "
            "a contractor registration needs another email",
            slug="membership-exists",
        )
    elif membership.status != "active":
        membership.activate(at=tx.clock.now(), by=account.id, announce_account=False)
        await members.save(membership)
    return membership
