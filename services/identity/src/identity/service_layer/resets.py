"""Forgot password (R-ID-4): by email, or for contractors by license / AEC number."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chassis.clock import as_utc
from chassis.errors import NotFound, Unprocessable, field_error
from chassis.uow import ReadOnly, Transaction
from identity.adapters import secrets
from identity.adapters.accounts import AccountRepository
from identity.adapters.repositories import (
    Accounts,
    Companies,
    Memberships,
    ResetRepository,
)
from identity.domain.model import normalize_email
from identity.domain.reset import PasswordReset
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


async def _targets(
    tx: Transaction, jurisdiction_id: str, email: str | None, license_number: str | None
) -> list[Doc]:
    """The active member with this email, and the active admins of the company
    with this license number."""
    members = tx.repo(Memberships, jurisdiction_id)
    accounts = Accounts(tx.db, tx.session)
    targets: list[Doc] = []
    if email:
        account = await accounts.by_email(normalize_email(email))
        if account and await members.find_one({"account_id": account["_id"], "status": "active"}):
            targets.append(account)
    if license_number:
        company = await tx.repo(Companies, jurisdiction_id).find_one(
            {"license_number": license_number.strip().upper()}
        )
        admins = (
            await members.find({"company_admin_of": company["_id"], "status": "active"})
            if company
            else []
        )
        for m in admins:
            account = await accounts.by_id(m["account_id"])
            if account:
                targets.append(account)
    return targets


RESET_REQUESTED = "password_reset"


async def request_reset(
    idn: Identity, *, jurisdiction_id: str, email: str | None, license_number: str | None
) -> str:
    """Record the request (the same one insert whatever it names) for the
    answer; :func:`send_reset_links` does the work after it (chassis.deferred)."""
    await load_jurisdiction(idn.runtime.db, jurisdiction_id)  # an unknown jurisdiction is 404
    deferred = idn.runtime.deferred
    assert deferred is not None
    return await deferred.record(
        RESET_REQUESTED, jurisdiction_id, {"email": email, "license_number": license_number}
    )


async def send_reset_links(
    idn: Identity, jurisdiction_id: str, payload: Doc, tx: Transaction
) -> None:
    """A link to each matching member (R-ID-4), at most a few an hour per email;
    nothing for what matches nobody. Runs after the 202 was sent."""
    jurisdiction = await load_jurisdiction(idn.runtime.db, jurisdiction_id)
    now = tx.clock.now()
    resets = ResetRepository(tx, jurisdiction_id)
    targets = await _targets(tx, jurisdiction_id, payload["email"], payload["license_number"])
    for account in targets:
        if await resets.sent_since(account["email"], now - timedelta(hours=1)) >= (
            LINKS_PER_EMAIL_PER_HOUR
        ):
            continue
        token = secrets.new_scoped_token(jurisdiction_id)
        reset = PasswordReset.request(
            jurisdiction_id=jurisdiction_id,
            jurisdiction_name=jurisdiction["name"],
            account_id=account["_id"],
            email=account["email"],
            token=token,
            token_hash=secrets.token_hash(token),
            at=now,
            expires_at=now + timedelta(minutes=idn.settings.reset_link_minutes),
        )
        await resets.add(reset)
        await audit(
            tx, jurisdiction_id, "password_reset_requested", actor=None, subject=account["_id"]
        )


async def _usable_reset(idn: Identity, tx: Transaction | None, token: str) -> PasswordReset:
    parts = secrets.split_scoped_token(token)
    if parts is not None:
        session: Any = tx or ReadOnly(idn.runtime.db, idn.runtime.clock)
        reset = await ResetRepository(session, parts[0]).find_one(
            {"token_hash": secrets.token_hash(token)}
        )
        if reset is not None and reset.usable(idn.now):
            return reset
    raise NotFound("this reset link is unknown, used or expired", slug="link-not-usable")


async def _needs_answer(idn: Identity, reset: PasswordReset) -> tuple[Doc, Doc, bool]:
    jurisdiction = await load_jurisdiction(idn.runtime.db, reset.jurisdiction_id)
    found = await AccountRepository(idn.runtime.uow.reader()).get(reset.account_id)
    if found is None:
        raise NotFound("this reset link is unknown, used or expired", slug="link-not-usable")
    needs = found.answers_needed_for_reset(bool(jurisdiction.get("reset_requires_security_answer")))
    return jurisdiction, AccountRepository.to_doc(found), needs


async def describe_reset(idn: Identity, token: str) -> Doc:
    reset = await _usable_reset(idn, None, token)
    _, account, needs = await _needs_answer(idn, reset)
    return {
        "email": account["email"],
        "jurisdiction_id": reset.jurisdiction_id,
        "expires_at": as_utc(reset.expires_at),
        "security_question": account.get("security_question") if needs else None,
    }


async def _check_answer(idn: Identity, token: str, account: Doc, answer: str | None) -> None:
    """R-ID-4: a wrong answer counts against the link (it dies after five)."""
    if secrets.verify_password(account["security_answer_hash"], normalize_answer(answer or "")):
        return

    async def count_failure(tx: Transaction) -> None:
        failed = await _usable_reset(idn, tx, token)
        failed.wrong_answer()
        await ResetRepository(tx, failed.jurisdiction_id).save(failed)
        what = {"actor": None, "subject": account["_id"]}
        await audit(tx, failed.jurisdiction_id, "reset_answer_wrong", **what)

    await idn.runtime.uow.run(count_failure)
    msg = "the answer to the security question is not right"
    raise Unprocessable(msg, errors=[field_error("security_answer", msg)])


async def complete_reset(
    idn: Identity, *, token: str, password: str, security_answer: str | None
) -> None:
    """Set the new password; every session of the account ends (token version bump)."""
    reset = await _usable_reset(idn, None, token)
    jurisdiction, account, needs = await _needs_answer(idn, reset)
    jurisdiction_id = reset.jurisdiction_id
    if needs:
        await _check_answer(idn, token, account, security_answer)
    check_password(password, jurisdiction, account["email"], account.get("display_name", ""))
    password_hash = secrets.hash_password(password)

    async def work(tx: Transaction) -> None:
        fresh = await _usable_reset(idn, tx, token)  # single use under races
        fresh.use(tx.clock.now())
        await ResetRepository(tx, jurisdiction_id).save(fresh)
        changing = await AccountRepository(tx).change(  # every session ends
            account["_id"], lambda a: a.change_password(password_hash)
        )
        password_changed(tx, changing, jurisdiction, "reset")
        await audit(
            tx, jurisdiction_id, "password_reset", actor=account["_id"], subject=account["_id"]
        )

    await idn.runtime.uow.run(work)
    await clear_account_throttle(idn, account["email"])
