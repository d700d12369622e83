"""Invitations (R-ID-2/3): issuing, describing and accepting them."""

from __future__ import annotations

from datetime import timedelta

from chassis.clock import as_utc
from chassis.refusals import Missing
from chassis.repository import plain_doc
from identity.domain import secrets
from identity.domain.invitation import Invitation
from identity.domain.membership import Membership
from identity.service_layer.commands import AcceptInvitation, DescribeLink
from identity.service_layer.common import Doc, answer_hash, new_password_hash
from identity.service_layer.unit_of_work import IdentityUnitOfWork

LINK_NOT_USABLE = "this invitation link is unknown, used or expired"


async def invite(
    uow: IdentityUnitOfWork, jurisdiction: Doc, membership: Membership, company_name: str | None
) -> None:
    token = secrets.new_scoped_token(membership.jurisdiction_id)
    invitation = Invitation.issue(
        membership,
        jurisdiction_name=jurisdiction["name"],
        company_name=company_name,
        token=token,
        token_hash=secrets.token_hash(token),
        at=uow.now,
        expires_at=uow.now + timedelta(days=uow.settings.invitation_days),
    )
    await uow.invitations.add(invitation)


async def usable_invitation(uow: IdentityUnitOfWork, token: str) -> Invitation:
    """The link's invitation, if it can still be used (the unit is the link's
    jurisdiction: a token of another scope finds nothing)."""
    found = await uow.invitations.find_one({"token_hash": secrets.token_hash(token)})
    if found is None or not found.usable(uow.now):
        raise Missing(LINK_NOT_USABLE, code="link-not-usable")
    return found


async def describe_invitation(query: DescribeLink, uow: IdentityUnitOfWork) -> Doc:
    invitation = await usable_invitation(uow, query.token)
    jurisdiction = await uow.jurisdictions.require()
    account = await uow.accounts.get(invitation.account_id)
    return {
        "email": invitation.email,
        "jurisdiction_id": invitation.jurisdiction_id,
        "jurisdiction_name": jurisdiction["name"],
        "expires_at": as_utc(invitation.expires_at),
        "existing_account": bool(account and account.password_hash),
    }


async def accept_invitation(cmd: AcceptInvitation, uow: IdentityUnitOfWork) -> Doc:
    """The invited person's login (a new password, or the one their account
    has already) and their membership made active; the link is spent."""
    invitation = await usable_invitation(uow, cmd.token)  # single use under races
    jurisdiction = await uow.jurisdictions.require()
    account = await uow.accounts.get(invitation.account_id)
    if account is None:
        raise Missing(LINK_NOT_USABLE, code="link-not-usable")
    given = {
        "password_hash": new_password_hash(
            account, cmd.password, jurisdiction, account.email, cmd.display_name or ""
        ),
        "display_name": cmd.display_name,
        "security_question": cmd.security_question,
        "security_answer_hash": answer_hash(cmd.security_question, cmd.security_answer),
    }
    invitation.use(uow.now)
    await uow.invitations.save(invitation)
    await uow.accounts.change(account.id, lambda a: a.accept_invitation(**given))
    membership = await uow.memberships.require(invitation.membership_id)
    membership.activate(at=uow.now, by=account.id, display_name=cmd.display_name)
    await uow.memberships.save(membership)
    return plain_doc(membership)
