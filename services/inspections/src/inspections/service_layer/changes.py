"""Cancelling, moving and resulting an inspection (R-INS-5, R-INS-6)."""

from __future__ import annotations

from functools import partial

from chassis.access import is_staff, require_staff
from chassis.aggregate import SYSTEM
from inspections.domain.calendar import area_key
from inspections.domain.errors import CutoffPassed, DayNotAllowed
from inspections.domain.inspection import Inspection
from inspections.service_layer.access import visible_inspection
from inspections.service_layer.commands import Cancel, RecordResult, Reschedule
from inspections.service_layer.scheduling import take_day
from inspections.service_layer.unit_of_work import (
    InspectionsUnitOfWork,
    InspectionsUnits,
    calendar_of,
)


async def _release(uow: InspectionsUnitOfWork, inspection: Inspection) -> None:
    await uow.slots.add(inspection.inspection_type, inspection.day, -1)
    await uow.slots.add(area_key(inspection.area), inspection.day, -1)


async def cancel(cmd: Cancel, uow: InspectionsUnitOfWork) -> Inspection:
    """R-INS-5: the requester until the cut-off on the day; staff any time."""
    inspection = await visible_inspection(uow, cmd.actor, cmd.inspection_id)
    late = inspection.status == "SCHEDULED" and not inspection.cancellable(uow.now)
    if late and not cmd.actor.acts_as_staff():
        cal, _ = await calendar_of(uow)
        raise CutoffPassed(
            "cancel",
            f"cancellations close at {cal.cancel_cutoff.strftime('%H:%M')} ({cal.time_zone}) "
            f"on the day of the inspection, {inspection.date}; please call the office",
        )
    inspection.cancel(by=cmd.actor.account_id, reason=cmd.reason, at=uow.now)
    await _release(uow, inspection)
    await uow.inspections.save(inspection)
    return inspection


async def _staff_inspection(uow: InspectionsUnitOfWork, cmd: RecordResult) -> Inspection:
    inspection = await visible_inspection(uow, cmd.actor, cmd.inspection_id)  # 404 before 403
    require_staff(cmd.actor, uow.jurisdiction_id)
    return inspection


async def _check_move(cmd: Reschedule, uow: InspectionsUnitOfWork) -> Inspection:
    """Staff: any working day after today. Whoever may see it otherwise (the
    requester, a party of its permit): a day the calendar still offers
    (R-INS-2), while it could still be cancelled (R-INS-5)."""
    inspection = await visible_inspection(uow, cmd.actor, cmd.inspection_id)
    cal, _ = await calendar_of(uow)
    if cmd.date == inspection.day:
        raise DayNotAllowed("the inspection is already on that day", "choose another day")
    if is_staff(cmd.actor):
        if cmd.date <= cal.local_now(uow.now).date() or not cal.is_working_day(cmd.date):
            raise DayNotAllowed("choose a working day after today", "not a working day ahead")
    elif not inspection.cancellable(uow.now):
        raise CutoffPassed(
            "reschedule",
            f"changes close at {cal.cancel_cutoff.strftime('%H:%M')} ({cal.time_zone}) on the "
            f"day of the inspection, {inspection.date}; please call the office",
        )
    return inspection


async def _prepare_move(cmd: Reschedule, uow: InspectionsUnitOfWork) -> None:
    inspection = await _check_move(cmd, uow)
    await uow.slots.ensure(inspection.inspection_type, cmd.date)
    await uow.slots.ensure(area_key(inspection.area), cmd.date)


async def _move(cmd: Reschedule, uow: InspectionsUnitOfWork) -> Inspection:
    inspection = await _check_move(cmd, uow)
    cal, _ = await calendar_of(uow)
    await _release(uow, inspection)
    if is_staff(cmd.actor):  # staff may book past a full day
        await uow.slots.add(inspection.inspection_type, cmd.date, 1)
        await uow.slots.add(area_key(inspection.area), cmd.date, 1)
    else:
        await take_day(uow, cal, inspection.inspection_type, inspection.area, cmd.date)
    inspection.reschedule(
        cmd.date, cancel_until=cal.cancel_until(cmd.date), by=cmd.actor.account_id, at=uow.now
    )
    await uow.inspections.save(inspection)
    return inspection


async def reschedule(cmd: Reschedule, units: InspectionsUnits) -> Inspection:
    """Move an inspection to another day (see :func:`_check_move` for who may
    move it where); the day counters exist before the transaction."""
    await units.read(cmd.jurisdiction_id, partial(_prepare_move, cmd))
    return await units.run(cmd.jurisdiction_id, partial(_move, cmd))


async def record_result(cmd: RecordResult, uow: InspectionsUnitOfWork) -> Inspection:
    """R-INS-6: inspectors and staff; a pass restarts the permit's clock
    (permits consumes InspectionResulted)."""
    inspection = await _staff_inspection(uow, cmd)
    inspection.record_result(
        cmd.outcome,
        comments=cmd.comments,
        corrections=cmd.corrections,
        by=cmd.actor.account_id,
        at=uow.now,
    )
    if inspection.status == "CANCELLED":
        await _release(uow, inspection)
    await uow.inspections.save(inspection)
    return inspection


async def cancel_pending(permit_id: str, reason: str, uow: InspectionsUnitOfWork) -> int:
    """A permit expired or was cancelled: its scheduled inspections end and the
    requesters are told."""
    pending = await uow.inspections.find({"permit_id": permit_id, "status": "SCHEDULED"})
    for inspection in pending:
        inspection.cancel(by=SYSTEM, reason=reason, at=uow.now)
        await _release(uow, inspection)
        await uow.inspections.save(inspection)
    return len(pending)
