"""Who is on a permit (R-ID-6): companies, emails, links; review comments (R-PER-4)."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from chassis.access import is_staff, require_tenant
from chassis.refusals import Denied, Missing, TooManyAttempts
from permits.domain.permit import Permit
from permits.service_layer.access import visible_permit
from permits.service_layer.commands import AddComment, ChangeParties, LinkPermit, UnlinkPermit
from permits.service_layer.unit_of_work import PermitsUnitOfWork, PermitsUnits

LINK_FAILURES_PER_HOUR = 5


async def change_parties(cmd: ChangeParties, uow: PermitsUnitOfWork) -> Permit:
    """Staff and the applicant add or remove companies and correct emails (seed 000)."""
    permit = await visible_permit(uow, cmd.actor, cmd.permit_id)
    if not (is_staff(cmd.actor) or permit.is_applicant(cmd.actor)):
        raise Denied("only staff or the applicant change who is on a permit")
    permit.change_parties(
        add_companies=cmd.add_companies,
        remove_companies=cmd.remove_companies,
        applicant_email=cmd.applicant_email,
        owner_email=cmd.owner_email,
        by=cmd.actor.account_id,
        at=uow.now,
    )
    await uow.permits.save(permit)
    return permit


async def add_comment(cmd: AddComment, uow: PermitsUnitOfWork) -> Permit:
    permit = await visible_permit(uow, cmd.actor, cmd.permit_id)  # 404 before 403
    if not is_staff(cmd.actor):
        raise Denied("review comments come from the department's staff")
    permit.add_comment(cmd.text, by=cmd.actor.account_id, at=uow.now)
    await uow.permits.save(permit)
    return permit


async def _try_link(cmd: LinkPermit, uow: PermitsUnitOfWork) -> Permit | None:
    """The permit linked, or None with the failure recorded (and committed)."""
    account = cmd.actor.account_id
    if await uow.link_attempts.failures_since(account, uow.now - timedelta(hours=1)) >= (
        LINK_FAILURES_PER_HOUR
    ):
        raise TooManyAttempts(
            "too many failed attempts to link a permit; try again later", retry_after=3600
        )
    permit = await uow.permits.find_one({"number": cmd.number.strip().upper()})
    if permit is None or not permit.matches_fact(cmd.second_fact):
        await uow.link_attempts.record_failure(account, uow.now)
        return None
    permit.link(account, at=uow.now)
    await uow.permits.save(permit)
    return permit


async def link(cmd: LinkPermit, units: PermitsUnits) -> Permit:
    """R-ID-6 linking, hardened: the number alone is not enough. The second fact
    is the site's street number, its zip, or the application's access code.
    Failures are throttled per account; a wrong number and a wrong fact look
    the same."""
    if cmd.actor.jurisdiction_id != cmd.jurisdiction_id:
        raise Missing("not found")
    linked = await units.run(cmd.jurisdiction_id, partial(_try_link, cmd))
    if linked is None:
        raise Missing("no permit matches this number and detail", code="link-failed")
    return linked  # type: ignore[no-any-return]


async def unlink(cmd: UnlinkPermit, uow: PermitsUnitOfWork) -> Permit:
    require_tenant(cmd.actor, uow.jurisdiction_id)
    permit = await visible_permit(uow, cmd.actor, cmd.permit_id)
    permit.unlink(cmd.actor.account_id, at=uow.now)
    await uow.permits.save(permit)
    return permit
