"""The registration service's share of identity: the registrant's login.

Registration never stores a password: at submit it hands the password to
identity here, which creates (or checks) the global account and gives it a
contractor membership without a company yet. ``RegistrationAccepted`` later
attaches the company.
"""

from __future__ import annotations

from chassis.refusals import Conflicting
from identity.domain.account import Account
from identity.domain.membership import Membership
from identity.domain.model import normalize_email
from identity.service_layer.commands import EnsureRegistrant
from identity.service_layer.common import Doc, get_or_create_account, new_password_hash
from identity.service_layer.unit_of_work import IdentityUnitOfWork


async def ensure_registrant(cmd: EnsureRegistrant, uow: IdentityUnitOfWork) -> Doc:
    jurisdiction = await uow.jurisdictions.require()
    email = normalize_email(cmd.email)
    existing = await uow.accounts.by_email(email)
    password_hash = new_password_hash(existing, cmd.password, jurisdiction, email, cmd.display_name)
    account = await get_or_create_account(
        uow, email=email, display_name=cmd.display_name, password_hash=password_hash
    )
    membership = await _contractor(uow, account)
    return {"account_id": account.id, "membership_id": membership.id}


async def _contractor(uow: IdentityUnitOfWork, account: Account) -> Membership:
    """The account's contractor membership here, created or activated."""
    membership = await uow.memberships.of_account(account.id)
    if membership is None:
        membership = Membership.new(
            jurisdiction_id=uow.jurisdiction_id,
            account_id=account.id,
            email=account.email,
            display_name=account.display_name,
            kind="contractor",
            roles=[],
            active=True,
            at=uow.now,
        )
        await uow.memberships.add(membership)
    elif membership.kind != "contractor":
        raise Conflicting(
            f"{account.email} has a {membership.kind.replace('_', ' ')} membership here; "
            "a contractor registration needs another email",
            code="membership-exists",
        )
    elif membership.status != "active":
        membership.activate(at=uow.now, by=account.id, announce_account=False)
        await uow.memberships.save(membership)
    return membership
