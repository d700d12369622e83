"""Activity and expiry (R-PER-5): a passing inspection restarts the clock; the
sweep expires permits whose time ran out and warns a few days before."""

from __future__ import annotations

from contracts.identity import JurisdictionCreated, JurisdictionUpdated
from contracts.inspections import InspectionResulted
from permits.service_layer.unit_of_work import PermitsUnitOfWork, terms_of


async def on_inspection_resulted(event: InspectionResulted, uow: PermitsUnitOfWork) -> None:
    if event.result != "pass":
        return
    permit = await uow.permits.get(event.permit_id)
    if permit is None:
        return
    terms = await terms_of(uow, permit)
    if permit.record_activity(event.resulted_at, inactivity_days=terms.inactivity_days):
        await uow.permits.save(permit)


async def expire_permit(permit_id: str, uow: PermitsUnitOfWork) -> int:
    permit = await uow.permits.get(permit_id)
    if permit is None or not permit.expire(uow.now):
        return 0  # changed meanwhile: the next sweep looks again
    await uow.permits.save(permit)
    return 1


async def warn_expiring(permit_id: str, uow: PermitsUnitOfWork) -> int:
    permit = await uow.permits.get(permit_id)
    if permit is None or not permit.warn_expiring():
        return 0
    await uow.permits.save(permit)
    return 1


async def on_jurisdiction(
    event: JurisdictionCreated | JurisdictionUpdated, uow: PermitsUnitOfWork
) -> None:
    """The time zone numbers are dated in (R-PER-1: the year is the local year)."""
    await uow.jurisdictions.remember(event.name, event.time_zone)
