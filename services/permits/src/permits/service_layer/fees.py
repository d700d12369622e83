"""Fee assessment and voiding by the department (R-PAY-1, R-PAY-6)."""

from __future__ import annotations

from chassis.access import require_staff
from permits.domain.fees import FeeLine
from permits.domain.permit import Permit
from permits.service_layer.access import visible_permit
from permits.service_layer.commands import AssessFees, VoidFee
from permits.service_layer.unit_of_work import PermitsUnitOfWork, terms_of

FEE_ROLES = ("admin", "permit_technician", "cashier")


async def assess_fees(cmd: AssessFees, uow: PermitsUnitOfWork) -> Permit:
    permit = await visible_permit(uow, cmd.actor, cmd.permit_id)  # 404 before 403
    require_staff(cmd.actor, uow.jurisdiction_id, *FEE_ROLES)
    terms = await terms_of(uow, permit)
    permit.assess(terms, cmd.items, cmd.manual, at=uow.now, by=cmd.actor.account_id)
    await uow.permits.save(permit)
    return permit


async def quote_fees(cmd: AssessFees, uow: PermitsUnitOfWork) -> list[FeeLine]:
    """The lines an assessment would add, as the schedule prices them now
    (the staff console shows them before saving); nothing is written."""
    permit = await visible_permit(uow, cmd.actor, cmd.permit_id)
    require_staff(cmd.actor, uow.jurisdiction_id, *FEE_ROLES)
    terms = await terms_of(uow, permit)
    return permit.quote(terms, cmd.items, cmd.manual, at=uow.now, by=cmd.actor.account_id)


async def void_fee(cmd: VoidFee, uow: PermitsUnitOfWork) -> Permit:
    permit = await visible_permit(uow, cmd.actor, cmd.permit_id)  # 404 before 403
    require_staff(cmd.actor, uow.jurisdiction_id, *FEE_ROLES)
    permit.void_fee(cmd.line_id, cmd.reason)
    await uow.permits.save(permit)
    return permit
