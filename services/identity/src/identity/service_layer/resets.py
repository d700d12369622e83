"""Forgot password (R-ID-4): by email, or for contractors by license / AEC number."""

from __future__ import annotations

from datetime import timedelta

from chassis.clock import as_utc
from chassis.refusals import Missing
from identity.domain import secrets
from identity.domain.account import Account
from identity.domain.model import normalize_email
from identity.domain.reset import PasswordReset
from identity.service_layer.commands import (
    CompleteReset,
    CountWrongAnswer,
    DescribeLink,
    RequestReset,
)
from identity.service_layer.common import (
    LINKS_PER_EMAIL_PER_HOUR,
    Doc,
    check_password,
    normalize_answer,
    password_changed,
)
from identity.service_layer.throttling import clear_account_throttle
from identity.service_layer.unit_of_work import IdentityUnitOfWork

RESET_REQUESTED = "password_reset"
LINK_NOT_USABLE = "this reset link is unknown, used or expired"


class WrongAnswer(Exception):
    """R-ID-4: the answer to the security question is not right (the route
    counts it against the link, then answers 422 naming ``security_answer``)."""

    field = "security_answer"
    message = "the answer to the security question is not right"

    def __init__(self, account_id: str) -> None:
        super().__init__(self.message)
        self.account_id = account_id


async def _targets(
    uow: IdentityUnitOfWork, email: str | None, license_number: str | None
) -> list[Account]:
    """The active member with this email, and the active admins of the company
    with this license number."""
    targets: list[Account] = []
    if email:
        account = await uow.accounts.by_email(normalize_email(email))
        member = await uow.memberships.of_account(account.id) if account else None
        if account and member and member.status == "active":
            targets.append(account)
    company = (
        await uow.companies.find_one({"license_number": license_number.strip().upper()})
        if license_number
        else None
    )
    if company is not None:
        admins = await uow.memberships.find(
            {"company_admin_of": company.id, "status": "active"}, bounded="one company's admins"
        )
        for m in admins:
            found = await uow.accounts.get(m.account_id)
            if found:
                targets.append(found)
    return targets


async def request_reset(cmd: RequestReset, uow: IdentityUnitOfWork) -> str:
    """Record the request (the same one insert whatever it names) for the
    answer; :func:`send_reset_links` does the work after it (chassis.deferred)."""
    await uow.jurisdictions.require()  # an unknown jurisdiction is 404
    payload = {"email": cmd.email, "license_number": cmd.license_number}
    return await uow.later.record(RESET_REQUESTED, payload)


async def send_reset_links(payload: Doc, uow: IdentityUnitOfWork) -> None:
    """A link to each matching member (R-ID-4), at most a few an hour per email;
    nothing for what matches nobody. Runs after the 202 was sent."""
    jurisdiction = await uow.jurisdictions.require()
    now = uow.now
    for account in await _targets(uow, payload["email"], payload["license_number"]):
        sent = await uow.resets.sent_since(account.email, now - timedelta(hours=1))
        if sent >= LINKS_PER_EMAIL_PER_HOUR:
            continue
        token = secrets.new_scoped_token(uow.jurisdiction_id)
        reset = PasswordReset.request(
            jurisdiction_id=uow.jurisdiction_id,
            jurisdiction_name=jurisdiction["name"],
            account_id=account.id,
            email=account.email,
            token=token,
            token_hash=secrets.token_hash(token),
            at=now,
            expires_at=now + timedelta(minutes=uow.settings.reset_link_minutes),
        )
        await uow.resets.add(reset)
        await uow.audit.record("password_reset_requested", actor=None, subject=account.id)


async def _usable_reset(uow: IdentityUnitOfWork, token: str) -> PasswordReset:
    reset = await uow.resets.find_one({"token_hash": secrets.token_hash(token)})
    if reset is None or not reset.usable(uow.now):
        raise Missing(LINK_NOT_USABLE, code="link-not-usable")
    return reset


async def _needs_answer(uow: IdentityUnitOfWork, reset: PasswordReset) -> tuple[Doc, Account, bool]:
    jurisdiction = await uow.jurisdictions.require()
    account = await uow.accounts.get(reset.account_id)
    if account is None:
        raise Missing(LINK_NOT_USABLE, code="link-not-usable")
    needs = account.answers_needed_for_reset(
        bool(jurisdiction.get("reset_requires_security_answer"))
    )
    return jurisdiction, account, needs


async def describe_reset(query: DescribeLink, uow: IdentityUnitOfWork) -> Doc:
    reset = await _usable_reset(uow, query.token)
    _, account, needs = await _needs_answer(uow, reset)
    return {
        "email": account.email,
        "jurisdiction_id": reset.jurisdiction_id,
        "expires_at": as_utc(reset.expires_at),
        "security_question": account.security_question if needs else None,
    }


async def count_wrong_answer(cmd: CountWrongAnswer, uow: IdentityUnitOfWork) -> None:
    """R-ID-4: a wrong answer counts against the link (it dies after five)."""
    failed = await _usable_reset(uow, cmd.token)
    failed.wrong_answer()
    await uow.resets.save(failed)
    await uow.audit.record("reset_answer_wrong", actor=None, subject=cmd.account_id)


async def complete_reset(cmd: CompleteReset, uow: IdentityUnitOfWork) -> None:
    """Set the new password; every session of the account ends (token
    version bump). A wrong security answer raises :class:`WrongAnswer` with
    nothing changed: the route counts it (:func:`count_wrong_answer`)."""
    reset = await _usable_reset(uow, cmd.token)  # single use under races: its version
    jurisdiction, account, needs = await _needs_answer(uow, reset)
    if needs and not secrets.verify_password(
        account.security_answer_hash, normalize_answer(cmd.security_answer or "")
    ):
        raise WrongAnswer(account.id)
    check_password(cmd.password, jurisdiction, account.email, account.display_name)
    reset.use(uow.now)
    await uow.resets.save(reset)
    account.change_password(secrets.hash_password(cmd.password))  # every session ends
    await uow.accounts.save(account)
    password_changed(uow, account, jurisdiction, "reset")
    await uow.audit.record("password_reset", actor=account.id, subject=account.id)
    await clear_account_throttle(uow, account.email)
