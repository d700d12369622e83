"""Loading a permit or an inspection for a caller: what they may not see does
not exist for them (404); staff-only changes are 403 to whoever may see it."""

from __future__ import annotations

from chassis.access import require_member
from chassis.principal import Principal
from chassis.refusals import Missing
from inspections.domain.inspection import Inspection
from inspections.domain.permit import InspectablePermit
from inspections.service_layer.unit_of_work import InspectionsUnitOfWork


async def permit_for(
    uow: InspectionsUnitOfWork, actor: Principal, permit_id: str
) -> InspectablePermit:
    require_member(actor, uow.jurisdiction_id)
    permit = await uow.permits.get(permit_id)
    if permit is None or not permit.may_schedule(actor):
        raise Missing("no such permit")
    return permit


async def visible_inspection(
    uow: InspectionsUnitOfWork, actor: Principal, inspection_id: str
) -> Inspection:
    """Staff, the requester, or whoever may schedule on its permit (R-ID-6)."""
    require_member(actor, uow.jurisdiction_id)
    inspection = await uow.inspections.get(inspection_id)
    if inspection is None:
        raise Missing("no such inspection")
    if not actor.acts_as_staff() and inspection.requested_by["account_id"] != actor.account_id:
        permit = await uow.permits.get(inspection.permit_id)
        if permit is None or not permit.may_schedule(actor):
            raise Missing("no such inspection")
    return inspection
