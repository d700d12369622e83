"""The registrant's emailed links (R-REG-2, R-REG-4): start sends a
confirmation link, which opens a new draft; a returned registration's link
reopens it; either can be described without being used up."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from chassis.clock import as_utc
from chassis.links import new_scoped_token, split_scoped_token, token_hash
from chassis.refusals import Missing
from registration.domain.confirmation import EmailConfirmation
from registration.domain.registration import Registration
from registration.service_layer.flow import offered
from registration.service_layer.unit_of_work import (
    Doc,
    RegistrationService,
    RegistrationUnitOfWork,
)

NOT_USABLE = "this link is unknown, used or expired"
LINKS_PER_EMAIL_PER_HOUR = 5


def _jurisdiction_of(token: str) -> str:
    """A link's token names its jurisdiction; anything else is an unusable link."""
    parts = split_scoped_token(token)
    if parts is None:
        raise Missing(NOT_USABLE, code="link-not-usable")
    return parts[0]


async def _start(svc: RegistrationService, email: str, uow: RegistrationUnitOfWork) -> None:
    offered(await uow.config.load())
    if await uow.confirmations.sent_since(email, uow.now - timedelta(hours=1)) >= (
        LINKS_PER_EMAIL_PER_HOUR
    ):
        return  # the same answer as a sent link: nothing to enumerate
    token = new_scoped_token(uow.jurisdiction_id)
    sent = EmailConfirmation.request(
        jurisdiction_id=uow.jurisdiction_id,
        email=email,
        token=token,
        token_hash=token_hash(token),
        at=uow.now,
        expires_at=uow.now + timedelta(hours=svc.start_link_hours),
    )
    await uow.confirmations.add(sent)


START_REQUESTED = "registration_start"


async def _offered(uow: RegistrationUnitOfWork) -> None:
    offered(await uow.config.load())


async def check_offered(svc: RegistrationService, jurisdiction_id: str) -> None:
    """Step 1, before the answer: 403 where the jurisdiction does not offer
    registration — nothing that depends on the email (no enumeration; the
    entrypoint records the request and :func:`send_start_link` runs after)."""
    await svc.units.read(jurisdiction_id, _offered)


async def start(svc: RegistrationService, jurisdiction_id: str, email: str) -> None:
    """Step 1 in one go: both halves, as the route runs them around its answer."""
    await check_offered(svc, jurisdiction_id)
    await svc.units.run(jurisdiction_id, partial(_start, svc, email.strip().lower()))


async def send_start_link(
    svc: RegistrationService, jurisdiction_id: str, payload: Doc, tx: Any
) -> None:
    """Step 1, after the answer: an email confirmation link, in ``tx``."""
    await _start(svc, str(payload["email"]).strip().lower(), svc.units.factory(tx, jurisdiction_id))


async def _confirm(token: str, uow: RegistrationUnitOfWork) -> tuple[Registration, str]:
    sent = await uow.confirmations.find_one({"token_hash": token_hash(token)})
    if sent is None or not sent.use(uow.now):
        raise Missing(NOT_USABLE, code="link-not-usable")
    await uow.confirmations.save(sent)
    draft_token = new_scoped_token(uow.jurisdiction_id)
    draft = Registration.open(sent, draft_token_hash=token_hash(draft_token), at=uow.now)
    await uow.registrations.add(draft)
    return draft, draft_token


async def confirm(svc: RegistrationService, token: str) -> tuple[Registration, str]:
    """Step 2: the link opens a new draft; the answer carries its access token."""
    return await svc.units.run(_jurisdiction_of(token), partial(_confirm, token))


async def _describe_start(token: str, uow: RegistrationUnitOfWork) -> Doc:
    sent = await uow.confirmations.find_one({"token_hash": token_hash(token)})
    if sent is None or not sent.usable(uow.now):
        raise Missing(NOT_USABLE, code="link-not-usable")
    return {
        "jurisdiction_id": sent.jurisdiction_id,
        "email": sent.email,
        "expires_at": sent.expires_at,
    }


async def _describe_resume(token: str, uow: RegistrationUnitOfWork) -> Doc:
    found = await uow.registrations.find_one(
        {"resume_token_hash": token_hash(token), "status": "returned"}
    )
    if (
        found is None
        or found.resume_expires_at is None
        or uow.now >= as_utc(found.resume_expires_at)
    ):
        raise Missing(NOT_USABLE, code="link-not-usable")
    return {
        "jurisdiction_id": found.jurisdiction_id,
        "email": found.email,
        "company_name": found.company_name,
        "expires_at": found.resume_expires_at,
    }


async def describe_link(svc: RegistrationService, kind: str, token: str) -> Doc:
    """What an emailed link (``confirm`` or ``resume``) is for, without using it
    up: a page can show it before the registrant acts (mail scanners that
    fetch links do not spend them)."""
    describe = _describe_start if kind == "confirm" else _describe_resume
    return await svc.units.read(_jurisdiction_of(token), partial(describe, token))


async def _resume(token: str, uow: RegistrationUnitOfWork) -> tuple[Registration, str]:
    found = await uow.registrations.find_one(
        {"resume_token_hash": token_hash(token), "status": "returned"}
    )
    draft_token = new_scoped_token(uow.jurisdiction_id)
    if found is None or not found.resume(draft_token_hash=token_hash(draft_token), at=uow.now):
        raise Missing(NOT_USABLE, code="link-not-usable")
    await uow.registrations.save(found)
    return found, draft_token


async def resume(svc: RegistrationService, token: str) -> tuple[Registration, str]:
    """A returned registration's emailed link: a fresh access token for the registrant."""
    return await svc.units.run(_jurisdiction_of(token), partial(_resume, token))
