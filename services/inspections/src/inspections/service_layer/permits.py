"""Permits' and payments' events: what inspections knows of each permit
(event-carried state, in the permit's version order), and identity's zones."""

from __future__ import annotations

from typing import Any

from contracts.identity import JurisdictionCreated, JurisdictionUpdated
from contracts.payments import PaymentRefunded, PaymentSettled
from contracts.permits import (
    FeeAssessed,
    FeeVoided,
    PermitCancelled,
    PermitExpired,
    PermitIssued,
    PermitPartiesChanged,
    PermitReinstated,
    PermitStatusChanged,
)
from inspections.domain.permit import InspectablePermit, emails
from inspections.service_layer.changes import cancel_pending
from inspections.service_layer.unit_of_work import InspectionsUnitOfWork


async def _load(uow: InspectionsUnitOfWork, permit_id: str) -> InspectablePermit:
    found = await uow.permits.get(permit_id)
    return found or InspectablePermit(id=permit_id, jurisdiction_id=uow.jurisdiction_id)


async def _store(uow: InspectionsUnitOfWork, permit: InspectablePermit) -> None:
    await (uow.permits.add(permit) if permit.is_new else uow.permits.save(permit))


async def _apply(
    uow: InspectionsUnitOfWork, permit_id: str, version: int, *, same: bool = False, **values: Any
) -> bool:
    permit = await _load(uow, permit_id)
    if not permit.apply(version, same_version=same, **values):
        return False
    await _store(uow, permit)
    return True


async def on_issued(event: PermitIssued, uow: InspectionsUnitOfWork) -> None:
    await _apply(
        uow,
        event.permit_id,
        event.version,
        same=True,
        number=event.number,
        type_name=event.type_name,
        address=event.site.street,
        area=event.site.zip,
        inspection_types=list(event.inspection_types),
        status="ISSUED",
        party_emails=emails(event.applicant, event.owner),
        company_ids=list(event.company_ids),
    )


async def on_status_changed(event: PermitStatusChanged, uow: InspectionsUnitOfWork) -> None:
    await _apply(uow, event.permit_id, event.version, status=event.to_status, number=event.number)


async def on_reinstated(event: PermitReinstated, uow: InspectionsUnitOfWork) -> None:
    await _apply(uow, event.permit_id, event.version, status=event.to_status)


async def on_parties_changed(event: PermitPartiesChanged, uow: InspectionsUnitOfWork) -> None:
    await _apply(
        uow,
        event.permit_id,
        event.version,
        party_emails=emails(event.applicant, event.owner),
        company_ids=list(event.company_ids),
        linked_accounts=list(event.linked_accounts),
    )


async def on_expired(event: PermitExpired, uow: InspectionsUnitOfWork) -> None:
    """R-PER-5: an expired permit's pending inspections are cancelled."""
    if await _apply(uow, event.permit_id, event.version, same=True, status="EXPIRED"):
        await cancel_pending(event.permit_id, "the permit expired", uow)


async def on_cancelled(event: PermitCancelled, uow: InspectionsUnitOfWork) -> None:
    if await _apply(uow, event.permit_id, event.version, same=True, status="CANCELLED"):
        await cancel_pending(event.permit_id, "the permit was cancelled", uow)


async def _fees(
    uow: InspectionsUnitOfWork,
    permit_id: str,
    *,
    opened: list[str] | None = None,
    closed: list[str] | None = None,
    create: bool = False,
) -> None:
    permit = await uow.permits.get(permit_id)
    if permit is None and not create:
        return
    permit = permit or InspectablePermit(id=permit_id, jurisdiction_id=uow.jurisdiction_id)
    permit.fees(opened=opened or [], closed=closed or [])
    await _store(uow, permit)


async def on_fee_assessed(event: FeeAssessed, uow: InspectionsUnitOfWork) -> None:
    lines = [ln.line_id for ln in event.lines]
    await _fees(uow, event.permit_id, opened=lines, create=True)


async def on_fee_voided(event: FeeVoided, uow: InspectionsUnitOfWork) -> None:
    await _fees(uow, event.permit_id, closed=[event.line_id])


async def on_payment_settled(event: PaymentSettled, uow: InspectionsUnitOfWork) -> None:
    """Which fee lines are paid: for the optional "no inspections while fees are due"."""
    for allocation in event.allocations:
        await _fees(uow, allocation.permit_id, closed=allocation.line_ids)


async def on_payment_refunded(event: PaymentRefunded, uow: InspectionsUnitOfWork) -> None:
    for allocation in event.allocations:
        await _fees(uow, allocation.permit_id, opened=allocation.line_ids)


async def on_jurisdiction(
    event: JurisdictionCreated | JurisdictionUpdated, uow: InspectionsUnitOfWork
) -> None:
    await uow.zones.remember(event.name, event.time_zone)
