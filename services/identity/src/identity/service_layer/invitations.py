"""Invitations (R-ID-2/3): issuing, describing and accepting them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chassis.clock import as_utc
from chassis.errors import NotFound
from chassis.uow import ReadOnly, Transaction
from identity.adapters import secrets
from identity.adapters.accounts import AccountRepository
from identity.adapters.repositories import (
    Accounts,
    InvitationRepository,
    MembershipRepository,
)
from identity.domain.invitation import Invitation
from identity.domain.membership import Membership
from identity.service_layer.common import (
    Doc,
    Identity,
    answer_hash,
    load_jurisdiction,
    new_password_hash,
)


async def invite(
    idn: Identity,
    tx: Transaction,
    jurisdiction: Doc,
    membership: Membership,
    company_name: str | None,
) -> None:
    token = secrets.new_scoped_token(membership.jurisdiction_id)
    invitation = Invitation.issue(
        membership,
        jurisdiction_name=jurisdiction["name"],
        company_name=company_name,
        token=token,
        token_hash=secrets.token_hash(token),
        at=tx.clock.now(),
        expires_at=tx.clock.now() + timedelta(days=idn.settings.invitation_days),
    )
    await InvitationRepository(tx, membership.jurisdiction_id).add(invitation)


async def usable_invitation(idn: Identity, tx: Transaction | None, token: str) -> Invitation:
    parts = secrets.split_scoped_token(token)
    if parts is not None:
        session: Any = tx or ReadOnly(idn.runtime.db, idn.runtime.clock)
        found = await InvitationRepository(session, parts[0]).find_one(
            {"token_hash": secrets.token_hash(token)}
        )
        if found is not None and found.usable(idn.now):
            return found
    raise NotFound("this invitation link is unknown, used or expired", slug="link-not-usable")


async def describe_invitation(idn: Identity, token: str) -> Doc:
    invitation = await usable_invitation(idn, None, token)
    jurisdiction = await load_jurisdiction(idn.runtime.db, invitation.jurisdiction_id)
    account = await Accounts(idn.runtime.db).by_id(invitation.account_id)
    return {
        "email": invitation.email,
        "jurisdiction_id": invitation.jurisdiction_id,
        "jurisdiction_name": jurisdiction["name"],
        "expires_at": as_utc(invitation.expires_at),
        "existing_account": bool(account and account.get("password_hash")),
    }


async def _invited_account(idn: Identity, token: str) -> tuple[Doc, Doc]:
    preview = await usable_invitation(idn, None, token)
    jurisdiction = await load_jurisdiction(idn.runtime.db, preview.jurisdiction_id)
    account = await Accounts(idn.runtime.db).by_id(preview.account_id)
    if account is None:
        raise NotFound("this invitation link is unknown, used or expired", slug="link-not-usable")
    return account, jurisdiction


async def accept_invitation(
    idn: Identity,
    *,
    token: str,
    password: str,
    display_name: str | None,
    security_question: str | None,
    security_answer: str | None,
) -> Doc:
    account, jurisdiction = await _invited_account(idn, token)
    given = {
        "password_hash": new_password_hash(
            account, password, jurisdiction, account["email"], display_name or ""
        ),
        "display_name": display_name,
        "security_question": security_question,
        "security_answer_hash": answer_hash(security_question, security_answer),
    }

    async def work(tx: Transaction) -> Doc:
        invitation = await usable_invitation(idn, tx, token)  # single use under races
        jurisdiction_id = invitation.jurisdiction_id
        invitation.use(tx.clock.now())
        await InvitationRepository(tx, jurisdiction_id).save(invitation)
        await AccountRepository(tx).change(account["_id"], lambda a: a.accept_invitation(**given))
        members = MembershipRepository(tx, jurisdiction_id)
        membership = await members.require(invitation.membership_id)
        membership.activate(at=tx.clock.now(), by=account["_id"], display_name=display_name)
        await members.save(membership)
        doc: Doc = MembershipRepository.to_doc(membership)
        return doc

    return await idn.runtime.uow.run(work)


# -- staff administration ------------------------------------------------------
