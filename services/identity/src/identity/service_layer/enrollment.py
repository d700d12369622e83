"""Enrollment by email link (R-ID-1)."""

from __future__ import annotations

from datetime import timedelta

from chassis.clock import as_utc
from chassis.refusals import Denied, Missing
from chassis.repository import plain_doc
from identity.domain import secrets
from identity.domain.enrollment import Enrollment
from identity.domain.model import JurisdictionFeatures, enrollment_expiry, normalize_email
from identity.service_layer.commands import CompleteEnrollment, DescribeLink, RequestEnrollment
from identity.service_layer.common import (
    LINKS_PER_EMAIL_PER_HOUR,
    Doc,
    get_or_create_account,
    get_or_create_membership,
    new_password_hash,
)
from identity.service_layer.unit_of_work import IdentityUnitOfWork

ENROLLMENT_REQUESTED = "enrollment"


async def _member_or_throttled(uow: IdentityUnitOfWork, email: str) -> bool:
    """Already a member here, or sent too many links this hour (mail bombing)."""
    account = await uow.accounts.by_email(email)
    if account and await uow.memberships.of_account(account.id):
        return True
    sent = await uow.enrollments.sent_since(email, uow.now - timedelta(hours=1))
    return sent >= LINKS_PER_EMAIL_PER_HOUR


async def request_enrollment(cmd: RequestEnrollment, uow: IdentityUnitOfWork) -> str:
    """Always ends in 202 for an existing jurisdiction that offers it: no
    account enumeration — the request is recorded (the same insert whatever
    the email) and :func:`send_enrollment_link` does the work after the answer."""
    jurisdiction = await uow.jurisdictions.require()
    features = JurisdictionFeatures(**jurisdiction.get("features", {}))
    if not features.allows_enrollment(cmd.kind):
        raise Denied(
            f"{jurisdiction['name']} does not offer online {cmd.kind.replace('_', ' ')} enrollment",
            code="enrollment-disabled",
        )
    payload = {"email": normalize_email(cmd.email), "kind": cmd.kind}
    return await uow.later.record(ENROLLMENT_REQUESTED, payload)


async def send_enrollment_link(payload: Doc, uow: IdentityUnitOfWork) -> None:
    """The confirmation link (R-ID-1), unless the address is a member here
    already or was sent too many this hour. Runs after the 202 was sent."""
    email = payload["email"]
    if await _member_or_throttled(uow, email):
        return  # say nothing different
    jurisdiction = await uow.jurisdictions.require()
    token = secrets.new_scoped_token(uow.jurisdiction_id)
    enrollment = Enrollment.request(
        jurisdiction_id=uow.jurisdiction_id,
        jurisdiction_name=jurisdiction["name"],
        email=email,
        kind=payload["kind"],
        token=token,
        token_hash=secrets.token_hash(token),
        at=uow.now,
        expires_at=enrollment_expiry(uow.now, uow.settings.enrollment_link_hours),
    )
    await uow.enrollments.add(enrollment)


async def _usable_enrollment(uow: IdentityUnitOfWork, token: str) -> Enrollment:
    found = await uow.enrollments.find_one({"token_hash": secrets.token_hash(token)})
    if found is None or not found.usable(uow.now):
        msg = "this confirmation link is unknown, used or expired"
        raise Missing(msg, code="link-not-usable")
    return found


async def describe_enrollment(query: DescribeLink, uow: IdentityUnitOfWork) -> Doc:
    enrollment = await _usable_enrollment(uow, query.token)
    jurisdiction = await uow.jurisdictions.require()
    account = await uow.accounts.by_email(enrollment.email)
    return {
        "email": enrollment.email,
        "kind": enrollment.kind,
        "jurisdiction_id": enrollment.jurisdiction_id,
        "jurisdiction_name": jurisdiction["name"],
        "expires_at": as_utc(enrollment.expires_at),
        "existing_account": account is not None,
    }


async def complete_enrollment(cmd: CompleteEnrollment, uow: IdentityUnitOfWork) -> Doc:
    """The link's person gets a login (or uses the one they have) and a
    membership here; the link is spent (single use under races: the
    enrollment's version)."""
    enrollment = await _usable_enrollment(uow, cmd.token)
    email = enrollment.email
    existing = await uow.accounts.by_email(email)
    jurisdiction = await uow.jurisdictions.require()
    password_hash = new_password_hash(existing, cmd.password, jurisdiction, email, cmd.display_name)
    account = await get_or_create_account(
        uow,
        email=email,
        display_name=cmd.display_name,
        phone=cmd.phone,
        password_hash=password_hash,
    )
    membership = await get_or_create_membership(
        uow, account=account, kind=enrollment.kind, roles=[]
    )
    enrollment.use(uow.now)
    await uow.enrollments.save(enrollment)
    return {"account_id": account.id, "membership": plain_doc(membership)}
