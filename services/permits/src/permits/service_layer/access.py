"""Loading a permit for a caller: one that may not be seen does not exist (404)."""

from __future__ import annotations

from chassis.access import require_tenant
from chassis.principal import Principal
from chassis.refusals import Missing
from permits.domain.permit import Permit
from permits.service_layer.unit_of_work import PermitsUnitOfWork


async def visible_permit(uow: PermitsUnitOfWork, actor: Principal, permit_id: str) -> Permit:
    require_tenant(actor, uow.jurisdiction_id)
    permit = await uow.permits.get(permit_id)
    if permit is None or not permit.visible_to(actor):
        raise Missing("no such permit")
    return permit
