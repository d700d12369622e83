"""Settings, offered dates and scheduling (R-INS-1…4)."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any
from uuid import uuid4

from chassis.access import require_staff
from chassis.changes import changed_keys
from chassis.principal import Principal
from contracts.inspections import InspectionsConfigurationChanged
from inspections.domain.calendar import Calendar, area_key
from inspections.domain.errors import (
    AlreadyScheduled,
    AmPmNotOffered,
    DateUnavailable,
    RequestedTwice,
)
from inspections.domain.inspection import Inspection
from inspections.domain.permit import InspectablePermit
from inspections.service_layer.access import permit_for
from inspections.service_layer.commands import PutSettings, Request, Schedule
from inspections.service_layer.unit_of_work import (
    InspectionsUnitOfWork,
    InspectionsUnits,
    calendar_of,
)

Doc = dict[str, Any]


async def put_settings(cmd: PutSettings, uow: InspectionsUnitOfWork) -> Doc:
    require_staff(cmd.actor, uow.jurisdiction_id, "admin")
    before = await uow.settings.load()
    await uow.settings.put(cmd.body)
    after = await uow.settings.load()
    uow.emit(  # the jurisdiction's audit trail
        InspectionsConfigurationChanged(
            jurisdiction_id=uow.jurisdiction_id,
            what="inspection calendar",
            changed_by=cmd.actor.account_id,
            changed=changed_keys(before, after),
        )
    )
    return after


async def available_dates(
    actor: Principal, permit_id: str, inspection_type: str, uow: InspectionsUnitOfWork
) -> tuple[dict[date, int | None], Doc]:
    """R-INS-2: the days this permit's inspection may be requested for, each
    with the inspections it can still take (None: no limit)."""
    permit = await permit_for(uow, actor, permit_id)
    cal, settings = await calendar_of(uow)
    permit.ensure_inspectable(inspection_type, block_when_fees_due=settings["block_when_fees_due"])
    days = cal.openings(
        uow.now,
        inspection_type,
        await uow.slots.booked(inspection_type),
        area=permit.area,
        area_booked=await uow.slots.booked(area_key(permit.area)),
    )
    return days, settings


def _check(n: int, req: Request, settings: Doc, seen: set[tuple[str, str]]) -> None:
    if req.ampm and not settings["ampm_allowed"]:
        raise AmPmNotOffered(index=n)
    if (req.permit_id, req.inspection_type) in seen:
        raise RequestedTwice(index=n)
    seen.add((req.permit_id, req.inspection_type))


async def _plan(cmd: Schedule, uow: InspectionsUnitOfWork) -> list[InspectablePermit]:
    """Every request checked before any is made: the permits, in request order."""
    _, settings = await calendar_of(uow)
    seen: set[tuple[str, str]] = set()
    permits = []
    for n, req in enumerate(cmd.requests):
        permit = await permit_for(uow, cmd.actor, req.permit_id)
        permit.ensure_inspectable(
            req.inspection_type, block_when_fees_due=settings["block_when_fees_due"], index=n
        )
        _check(n, req, settings, seen)
        filter_ = {
            "permit_id": req.permit_id,
            "inspection_type": req.inspection_type,
            "status": "SCHEDULED",
        }
        scheduled = await uow.inspections.find_one(filter_)
        if scheduled is not None:
            raise AlreadyScheduled(
                permit.number or "", req.inspection_type, scheduled.date, index=n
            )
        permits.append(permit)
    return permits


async def _prepare(cmd: Schedule, uow: InspectionsUnitOfWork) -> None:
    for req, permit in zip(cmd.requests, await _plan(cmd, uow), strict=True):
        await uow.slots.ensure(req.inspection_type, req.date)
        await uow.slots.ensure(area_key(permit.area), req.date)


async def take_day(
    uow: InspectionsUnitOfWork, cal: Calendar, kind: str, area: str | None, day: date
) -> None:
    """The day must still be offered (capacity per type and per area) — then it is taken."""
    area_slot = area_key(area)
    offered = cal.openings(
        uow.now,
        kind,
        {day: await uow.slots.taken(kind, day)},
        area=area,
        area_booked={day: await uow.slots.taken(area_slot, day)},
    )
    if day not in offered:
        raise DateUnavailable(day, kind)
    await uow.slots.add(kind, day, 1)
    await uow.slots.add(area_slot, day, 1)


async def _schedule(cmd: Schedule, uow: InspectionsUnitOfWork) -> list[Inspection]:
    cal, _ = await calendar_of(uow)
    made = []
    for n, (req, permit) in enumerate(zip(cmd.requests, await _plan(cmd, uow), strict=True)):
        try:
            await take_day(uow, cal, req.inspection_type, permit.area, req.date)
        except DateUnavailable as refused:  # which request of the submit it was
            raise DateUnavailable(req.date, req.inspection_type, index=n) from refused
        inspection = Inspection.schedule(
            inspection_id="ins_" + uuid4().hex,
            permit=permit,
            inspection_type=req.inspection_type,
            day=req.date,
            ampm=req.ampm,
            note=req.note,
            cancel_until=cal.cancel_until(req.date),
            by=cmd.actor,
            at=uow.now,
        )
        await uow.inspections.add(inspection)
        made.append(inspection)
    return made


async def schedule(cmd: Schedule, units: InspectionsUnits) -> list[Inspection]:
    """R-INS-4: every request or none; each date must be offered at submit time.
    The day counters exist before the transaction that counts on them."""
    await units.read(cmd.jurisdiction_id, partial(_prepare, cmd))
    return await units.run(cmd.jurisdiction_id, partial(_schedule, cmd))
