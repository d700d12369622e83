"""Invitations (R-ID-2/3): issuing, describing and accepting them."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from chassis.clock import as_utc
from chassis.errors import NotFound, Unprocessable, field_error
from chassis.links import link_usable
from chassis.uow import Transaction
from contracts.identity import InvitationIssued
from identity.adapters import secrets
from identity.adapters.repositories import Accounts, Invitations, MembershipRepository
from identity.service_layer.common import (
    Doc,
    Identity,
    check_password,
    load_jurisdiction,
    normalize_answer,
)


async def invite(
    idn: Identity,
    tx: Transaction,
    jurisdiction: Doc,
    account: Doc,
    membership: Doc,
    company: Doc | None,
) -> None:
    jid = jurisdiction["_id"]
    token = secrets.new_scoped_token(jid)
    expires = idn.now + timedelta(days=idn.settings.invitation_days)
    invitation_id = str(uuid4())
    await tx.repo(Invitations, jid).insert_one(
        {
            "_id": invitation_id,
            "account_id": account["_id"],
            "email": account["email"],
            "membership_id": membership["_id"],
            "token_hash": secrets.token_hash(token),
            "created_at": idn.now,
            "expires_at": expires,
            "used_at": None,
        }
    )
    tx.emit(
        InvitationIssued(
            invitation_id=invitation_id,
            jurisdiction_id=jid,
            jurisdiction_name=jurisdiction["name"],
            email=account["email"],
            kind=membership["kind"],
            roles=list(membership.get("roles", [])),
            company_name=company["name"] if company else None,
            token=token,
            expires_at=expires,
        ),
        jurisdiction_id=jid,
    )


# -- invitations --------------------------------------------------------------
async def usable_invitation(idn: Identity, tx: Transaction | None, token: str) -> Doc:
    parts = secrets.split_scoped_token(token)
    if parts is not None:
        repo = tx.repo(Invitations, parts[0]) if tx else Invitations(idn.runtime.db, parts[0])
        doc = await repo.find_one({"token_hash": secrets.token_hash(token)})
        if doc is not None and link_usable(
            used_at=doc.get("used_at"), expires_at=as_utc(doc["expires_at"]), now=idn.now
        ):
            return doc
    raise NotFound("this invitation link is unknown, used or expired", slug="link-not-usable")


async def describe_invitation(idn: Identity, token: str) -> Doc:
    doc = await usable_invitation(idn, None, token)
    jurisdiction = await load_jurisdiction(idn.runtime.db, doc["jurisdiction_id"])
    account = await Accounts(idn.runtime.db).by_id(doc["account_id"])
    return {
        "email": doc["email"],
        "jurisdiction_id": doc["jurisdiction_id"],
        "jurisdiction_name": jurisdiction["name"],
        "expires_at": as_utc(doc["expires_at"]),
        "existing_account": bool(account and account.get("password_hash")),
    }


async def accept_invitation(
    idn: Identity,
    *,
    token: str,
    password: str,
    display_name: str | None,
    security_question: str | None,
    security_answer: str | None,
) -> Doc:
    preview = await usable_invitation(idn, None, token)
    jurisdiction = await load_jurisdiction(idn.runtime.db, preview["jurisdiction_id"])
    account = await Accounts(idn.runtime.db).by_id(preview["account_id"])
    if account is None:
        raise NotFound("this invitation link is unknown, used or expired", slug="link-not-usable")
    fields: Doc = {}
    if account.get("password_hash"):
        if not secrets.verify_password(account["password_hash"], password):
            msg = "this email already has a Permitsuite account: enter that account's password"
            raise Unprocessable(msg, errors=[field_error("password", msg, "password.existing")])
    else:
        check_password(password, jurisdiction, account["email"], display_name or "")
        fields["password_hash"] = secrets.hash_password(password)
    if display_name:
        fields["display_name"] = display_name
    if security_question and security_answer:
        fields["security_question"] = security_question
        fields["security_answer_hash"] = secrets.hash_password(normalize_answer(security_answer))

    async def work(tx: Transaction) -> Doc:
        invitation = await usable_invitation(idn, tx, token)  # single use under races
        jid = invitation["jurisdiction_id"]
        await tx.repo(Invitations, jid).update_one(
            {"_id": invitation["_id"], "used_at": None}, {"$set": {"used_at": idn.now}}
        )
        if fields:
            await Accounts(tx.db, tx.session).update(account["_id"], fields)
        members = MembershipRepository(tx, jid)
        membership = await members.get(invitation["membership_id"])
        if membership is None:
            raise NotFound("the invitation's membership no longer exists")
        membership.activate(
            at=tx.clock.now(), by=account["_id"], display_name=fields.get("display_name")
        )
        await members.save(membership)
        doc: Doc = MembershipRepository.to_doc(membership)
        return doc

    return await idn.runtime.uow.run(work)


# -- staff administration ------------------------------------------------------
