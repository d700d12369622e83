"""Staff review (R-REG-4): configuration, the registration, per-requirement
marks and decisions."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from chassis.access import require_staff
from chassis.errors import NotFound
from chassis.links import new_scoped_token, token_hash
from chassis.principal import Principal
from registration.domain.configuration import check_config
from registration.domain.registration import Registration
from registration.service_layer.unit_of_work import (
    Doc,
    RegistrationService,
    RegistrationUnitOfWork,
    requirements_of,
)

REVIEWER_ROLES = ("admin", "permit_technician")


async def put_config(actor: Principal, config: Doc, uow: RegistrationUnitOfWork) -> Doc:
    require_staff(actor, uow.jurisdiction_id, "admin")
    check_config(config)
    await uow.config.put(config, at=uow.now, by=actor.account_id)
    return await uow.config.load()


async def for_staff(
    uow: RegistrationUnitOfWork,
    actor: Principal,
    registration_id: str,
    *,
    include_drafts: bool = False,
) -> Registration:
    """Staff see submitted registrations; drafts stay private to their registrant."""
    require_staff(actor, uow.jurisdiction_id, *REVIEWER_ROLES)
    found = await uow.registrations.get(registration_id)
    if found is None or (found.status == "draft" and not include_drafts):
        raise NotFound("no such registration")
    return found


async def mark(
    actor: Principal,
    registration_id: str,
    requirement_id: str,
    decision: Literal["approved", "needs_info"],
    comment: str | None,
    uow: RegistrationUnitOfWork,
) -> Registration:
    registration = await for_staff(uow, actor, registration_id)
    requirements = requirements_of(await uow.config.load())
    try:
        requirement = registration.requirement(requirements, requirement_id)
    except NotFound:
        raise NotFound("no such requirement for this registration") from None
    registration.mark(
        requirement, decision=decision, comment=comment, by=actor.account_id, at=uow.now
    )
    await uow.registrations.save(registration)
    return registration


async def decide(
    svc: RegistrationService,
    actor: Principal,
    registration_id: str,
    decision: Literal["accept", "return", "deny"],
    reason: str | None,
    version: int,
    uow: RegistrationUnitOfWork,
) -> Registration:
    """Accept, return or deny — once: a retry of the recorded decision answers the
    same; a competing decision or a stale version is refused with 409."""
    registration = await for_staff(uow, actor, registration_id, include_drafts=True)
    if registration.already_decided(decision):
        return registration
    requirements = requirements_of(await uow.config.load())
    needs = [r for r in registration.requirement_view(requirements) if r["review"] == "needs_info"]
    resume = None
    if decision == "return":
        token = new_scoped_token(uow.jurisdiction_id)
        resume = (token, token_hash(token), uow.now + timedelta(days=svc.resume_link_days))
    registration.decide(
        decision,
        reason=reason,
        needs=needs,
        by=actor.account_id,
        at=uow.now,
        seen_version=version,
        resume=resume,
    )
    await uow.registrations.save(registration)
    return registration
