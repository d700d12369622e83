"""Enrollment by email link (R-ID-1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chassis.clock import as_utc
from chassis.errors import Forbidden, NotFound
from chassis.uow import ReadOnly, Transaction
from identity.adapters import secrets
from identity.adapters.repositories import (
    Accounts,
    EnrollmentRepository,
    Memberships,
)
from identity.domain.enrollment import Enrollment
from identity.domain.model import (
    EnrollmentKind,
    JurisdictionFeatures,
    enrollment_expiry,
    normalize_email,
)
from identity.service_layer.common import (
    LINKS_PER_EMAIL_PER_HOUR,
    Doc,
    Identity,
    get_or_create_account,
    get_or_create_membership,
    new_password_hash,
)
from identity.service_layer.jurisdictions import get_jurisdiction


async def _member_or_throttled(tx: Transaction, jurisdiction_id: str, email: str) -> bool:
    """Already a member here, or sent too many links this hour (mail bombing)."""
    account = await Accounts(tx.db, tx.session).by_email(email)
    members = tx.repo(Memberships, jurisdiction_id)
    if account and await members.find_one({"account_id": account["_id"]}):
        return True
    since = tx.clock.now() - timedelta(hours=1)
    sent = await EnrollmentRepository(tx, jurisdiction_id).sent_since(email, since)
    return sent >= LINKS_PER_EMAIL_PER_HOUR


ENROLLMENT_REQUESTED = "enrollment"


async def request_enrollment(
    idn: Identity, *, jurisdiction_id: str, email: str, kind: EnrollmentKind
) -> str:
    """Always ends in 202 for an existing jurisdiction that offers it: no
    account enumeration — the request is recorded (the same insert whatever
    the email) and :func:`send_enrollment_link` does the work after the answer."""
    jurisdiction = await get_jurisdiction(idn, jurisdiction_id)
    features = JurisdictionFeatures(**jurisdiction.get("features", {}))
    if not features.allows_enrollment(kind):
        raise Forbidden(
            f"{jurisdiction['name']} does not offer online {kind.replace('_', ' ')} enrollment",
            slug="enrollment-disabled",
        )
    deferred = idn.runtime.deferred
    assert deferred is not None
    return await deferred.record(
        ENROLLMENT_REQUESTED, jurisdiction_id, {"email": normalize_email(email), "kind": kind}
    )


async def send_enrollment_link(
    idn: Identity, jurisdiction_id: str, payload: Doc, tx: Transaction
) -> None:
    """The confirmation link (R-ID-1), unless the address is a member here
    already or was sent too many this hour. Runs after the 202 was sent."""
    email = payload["email"]
    if await _member_or_throttled(tx, jurisdiction_id, email):
        return  # say nothing different
    jurisdiction = await get_jurisdiction(idn, jurisdiction_id)
    now = tx.clock.now()
    token = secrets.new_scoped_token(jurisdiction_id)
    enrollment = Enrollment.request(
        jurisdiction_id=jurisdiction_id,
        jurisdiction_name=jurisdiction["name"],
        email=email,
        kind=payload["kind"],
        token=token,
        token_hash=secrets.token_hash(token),
        at=now,
        expires_at=enrollment_expiry(now, idn.settings.enrollment_link_hours),
    )
    await EnrollmentRepository(tx, jurisdiction_id).add(enrollment)


async def _usable_enrollment(idn: Identity, tx: Transaction | None, token: str) -> Enrollment:
    parts = secrets.split_scoped_token(token)
    if parts is not None:
        session: Any = tx or ReadOnly(idn.runtime.db, idn.runtime.clock)
        found = await EnrollmentRepository(session, parts[0]).find_one(
            {"token_hash": secrets.token_hash(token)}
        )
        if found is not None and found.usable(idn.now):
            return found
    raise NotFound("this confirmation link is unknown, used or expired", slug="link-not-usable")


async def describe_enrollment(idn: Identity, token: str) -> Doc:
    enrollment = await _usable_enrollment(idn, None, token)
    jurisdiction = await get_jurisdiction(idn, enrollment.jurisdiction_id)
    account = await Accounts(idn.runtime.db).by_email(enrollment.email)
    return {
        "email": enrollment.email,
        "kind": enrollment.kind,
        "jurisdiction_id": enrollment.jurisdiction_id,
        "jurisdiction_name": jurisdiction["name"],
        "expires_at": as_utc(enrollment.expires_at),
        "existing_account": account is not None,
    }


async def complete_enrollment(
    idn: Identity, *, token: str, display_name: str, password: str, phone: str | None
) -> Doc:
    preview = await _usable_enrollment(idn, None, token)
    email = preview.email
    existing = await Accounts(idn.runtime.db).by_email(email)
    jurisdiction = await get_jurisdiction(idn, preview.jurisdiction_id)
    password_hash = new_password_hash(existing, password, jurisdiction, email, display_name)

    async def work(tx: Transaction) -> Doc:
        enrollment = await _usable_enrollment(idn, tx, token)  # re-read: single use under races
        jurisdiction_id = enrollment.jurisdiction_id
        account = await get_or_create_account(
            tx, email=email, display_name=display_name, phone=phone, password_hash=password_hash
        )
        membership = await get_or_create_membership(
            tx, account=account, jurisdiction_id=jurisdiction_id, kind=enrollment.kind, roles=[]
        )
        enrollment.use(tx.clock.now())
        await EnrollmentRepository(tx, jurisdiction_id).save(enrollment)
        return {
            "account_id": account.id,
            "membership": {**membership, "jurisdiction_id": jurisdiction_id},
        }

    return await idn.runtime.uow.run(work)
