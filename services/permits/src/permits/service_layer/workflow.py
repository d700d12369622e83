"""Moving a permit along its workflow (R-PER-3) by staff."""

from __future__ import annotations

from chassis.access import require_staff, staff_roles
from chassis.refusals import Conflicting
from permits.domain.permit import Permit
from permits.domain.workflow import STATUS_LABELS
from permits.service_layer.access import visible_permit
from permits.service_layer.commands import Transition
from permits.service_layer.unit_of_work import PermitsUnitOfWork, terms_of


async def transition(cmd: Transition, uow: PermitsUnitOfWork) -> Permit:
    require_staff(cmd.actor, uow.jurisdiction_id)
    permit = await visible_permit(uow, cmd.actor, cmd.permit_id)
    seen, before = permit.version, permit.status
    permit.move_to(
        cmd.to,
        by=cmd.actor.account_id,
        roles=staff_roles(cmd.actor),
        at=uow.now,
        comment=cmd.comment,
        terms=await terms_of(uow, permit) if cmd.to == "ISSUED" else None,
    )
    if seen != cmd.version:  # the table is checked first: an illegal move is 409 either way
        raise Conflicting(
            "the permit changed since you loaded it",
            code="version-conflict",
            current=STATUS_LABELS[before],
            current_version=seen,
        )
    await uow.permits.save(permit)
    return permit
