"""Forgot password (R-ID-4): by email, or for contractors by license / AEC number."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from chassis.clock import as_utc
from chassis.errors import NotFound, Unprocessable, field_error
from chassis.links import link_usable
from chassis.uow import Transaction
from contracts.identity import PasswordResetRequested
from identity.adapters import secrets
from identity.adapters.repositories import Accounts, Companies, Memberships, PasswordResets
from identity.domain.model import normalize_email
from identity.service_layer.common import (
    LINKS_PER_EMAIL_PER_HOUR,
    Doc,
    Identity,
    audit,
    check_password,
    load_jurisdiction,
    normalize_answer,
    password_changed,
)
from identity.service_layer.throttling import clear_account_throttle

MAX_ANSWER_FAILURES = 5


async def request_reset(
    idn: Identity, *, jurisdiction_id: str, email: str | None, license_number: str | None
) -> None:
    """The same 202 whatever matched; a link goes to each matching member."""
    jurisdiction = await load_jurisdiction(idn.runtime.db, jurisdiction_id)
    now = idn.now

    async def work(tx: Transaction) -> None:
        members = tx.repo(Memberships, jurisdiction_id)
        accounts = Accounts(tx.db, tx.session)
        targets: list[Doc] = []
        if email:
            account = await accounts.by_email(normalize_email(email))
            if account and await members.find_one(
                {"account_id": account["_id"], "status": "active"}
            ):
                targets.append(account)
        if license_number:
            company = await tx.repo(Companies, jurisdiction_id).find_one(
                {"license_number": license_number.strip().upper()}
            )
            if company:
                for m in await members.find(
                    {"company_admin_of": company["_id"], "status": "active"}
                ):
                    account = await accounts.by_id(m["account_id"])
                    if account:
                        targets.append(account)
        resets = tx.repo(PasswordResets, jurisdiction_id)
        for account in targets:
            recent = await resets.count(
                {"email": account["email"], "created_at": {"$gt": now - timedelta(hours=1)}}
            )
            if recent >= LINKS_PER_EMAIL_PER_HOUR:
                continue
            token = secrets.new_scoped_token(jurisdiction_id)
            expires = now + timedelta(minutes=idn.settings.reset_link_minutes)
            reset_id = str(uuid4())
            await resets.insert_one(
                {
                    "_id": reset_id,
                    "account_id": account["_id"],
                    "email": account["email"],
                    "token_hash": secrets.token_hash(token),
                    "created_at": now,
                    "expires_at": expires,
                    "used_at": None,
                    "answer_failures": 0,
                }
            )
            tx.emit(
                PasswordResetRequested(
                    reset_id=reset_id,
                    account_id=account["_id"],
                    jurisdiction_id=jurisdiction_id,
                    jurisdiction_name=jurisdiction["name"],
                    email=account["email"],
                    token=token,
                    expires_at=expires,
                ),
                jurisdiction_id=jurisdiction_id,
            )
            await audit(
                tx, jurisdiction_id, "password_reset_requested", actor=None, subject=account["_id"]
            )

    await idn.runtime.uow.run(work)


async def _usable_reset(idn: Identity, tx: Transaction | None, token: str) -> Doc:
    parts = secrets.split_scoped_token(token)
    if parts is not None:
        repo = tx.repo(PasswordResets, parts[0]) if tx else PasswordResets(idn.runtime.db, parts[0])
        doc = await repo.find_one({"token_hash": secrets.token_hash(token)})
        if (
            doc is not None
            and link_usable(
                used_at=doc.get("used_at"), expires_at=as_utc(doc["expires_at"]), now=idn.now
            )
            and doc.get("answer_failures", 0) < MAX_ANSWER_FAILURES
        ):
            return doc
    raise NotFound("this reset link is unknown, used or expired", slug="link-not-usable")


async def _needs_answer(idn: Identity, reset: Doc) -> tuple[Doc, Doc, bool]:
    jurisdiction = await load_jurisdiction(idn.runtime.db, reset["jurisdiction_id"])
    account = await Accounts(idn.runtime.db).by_id(reset["account_id"])
    if account is None:
        raise NotFound("this reset link is unknown, used or expired", slug="link-not-usable")
    needs = bool(
        jurisdiction.get("reset_requires_security_answer") and account.get("security_answer_hash")
    )
    return jurisdiction, account, needs


async def describe_reset(idn: Identity, token: str) -> Doc:
    reset = await _usable_reset(idn, None, token)
    _, account, needs = await _needs_answer(idn, reset)
    return {
        "email": account["email"],
        "jurisdiction_id": reset["jurisdiction_id"],
        "expires_at": as_utc(reset["expires_at"]),
        "security_question": account.get("security_question") if needs else None,
    }


async def complete_reset(
    idn: Identity, *, token: str, password: str, security_answer: str | None
) -> None:
    """Set the new password; every session of the account ends (token version bump)."""
    reset = await _usable_reset(idn, None, token)
    jurisdiction, account, needs = await _needs_answer(idn, reset)
    jid = reset["jurisdiction_id"]
    if needs and not secrets.verify_password(
        account["security_answer_hash"], normalize_answer(security_answer or "")
    ):

        async def count_failure(tx: Transaction) -> None:
            await tx.repo(PasswordResets, jid).update_one(
                {"_id": reset["_id"]}, {"$inc": {"answer_failures": 1}}
            )
            await audit(tx, jid, "reset_answer_wrong", actor=None, subject=account["_id"])

        await idn.runtime.uow.run(count_failure)
        msg = "the answer to the security question is not right"
        raise Unprocessable(msg, errors=[field_error("security_answer", msg)])
    check_password(password, jurisdiction, account["email"], account.get("display_name", ""))
    password_hash = secrets.hash_password(password)

    async def work(tx: Transaction) -> None:
        fresh = await _usable_reset(idn, tx, token)
        await tx.repo(PasswordResets, jid).update_one(
            {"_id": fresh["_id"], "used_at": None}, {"$set": {"used_at": idn.now}}
        )
        await Accounts(tx.db, tx.session).update(
            account["_id"], {"password_hash": password_hash}, bump_token_version=True
        )
        password_changed(tx, account, jurisdiction, "reset")
        await audit(tx, jid, "password_reset", actor=account["_id"], subject=account["_id"])

    await idn.runtime.uow.run(work)
    await clear_account_throttle(idn, account["email"])
