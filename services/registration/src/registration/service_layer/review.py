"""Staff review (R-REG-4): configuration, the registration, per-requirement
marks and decisions."""

from __future__ import annotations

from datetime import timedelta

from chassis.access import require_staff
from chassis.changes import changed_keys
from chassis.links import new_scoped_token, token_hash
from chassis.principal import Principal
from chassis.refusals import Missing
from contracts.registration import RegistrationConfigurationChanged
from registration.domain.configuration import check_config
from registration.domain.registration import Registration
from registration.service_layer.commands import Decide, MarkRequirement, PutConfig
from registration.service_layer.unit_of_work import (
    Doc,
    RegistrationUnitOfWork,
    requirements_of,
)

REVIEWER_ROLES = ("admin", "permit_technician")


async def put_config(cmd: PutConfig, uow: RegistrationUnitOfWork) -> Doc:
    require_staff(cmd.actor, uow.jurisdiction_id, "admin")
    check_config(cmd.config)
    before = await uow.config.load()
    await uow.config.put(cmd.config, at=uow.now, by=cmd.actor.account_id)
    after = await uow.config.load()
    uow.emit(  # the jurisdiction's audit trail
        RegistrationConfigurationChanged(
            jurisdiction_id=uow.jurisdiction_id,
            what="registration settings",
            changed_by=cmd.actor.account_id,
            changed=changed_keys(before, after),
        )
    )
    return after


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
        raise Missing("no such registration")
    return found


async def mark(cmd: MarkRequirement, uow: RegistrationUnitOfWork) -> Registration:
    registration = await for_staff(uow, cmd.actor, cmd.registration_id)
    requirements = requirements_of(await uow.config.load())
    try:
        requirement = registration.requirement(requirements, cmd.requirement_id)
    except Missing:
        raise Missing("no such requirement for this registration") from None
    registration.mark(
        requirement,
        decision=cmd.decision,
        comment=cmd.comment,
        by=cmd.actor.account_id,
        at=uow.now,
    )
    await uow.registrations.save(registration)
    return registration


async def decide(cmd: Decide, uow: RegistrationUnitOfWork) -> Registration:
    """Accept, return or deny — once: a retry of the recorded decision answers the
    same; a competing decision or a stale version is refused with 409."""
    registration = await for_staff(uow, cmd.actor, cmd.registration_id, include_drafts=True)
    decision = cmd.decision
    if registration.already_decided(decision):
        return registration
    requirements = requirements_of(await uow.config.load())
    needs = [r for r in registration.requirement_view(requirements) if r["review"] == "needs_info"]
    resume = None
    if decision == "return":
        token = new_scoped_token(uow.jurisdiction_id)
        resume = (token, token_hash(token), uow.now + timedelta(days=cmd.resume_link_days))
    registration.decide(
        decision,
        reason=cmd.reason,
        needs=needs,
        by=cmd.actor.account_id,
        at=uow.now,
        seen_version=cmd.version,
        resume=resume,
    )
    await uow.registrations.save(registration)
    return registration
