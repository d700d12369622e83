"""R-INS-1…6 through the Inspection aggregate and its handlers, on the fakes.
(The calendar's own arithmetic is in test_calendar.py.)"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

import pytest

from chassis.refusals import Conflicting, Denied, Missing
from contracts.inspections import InspectionCancelled, InspectionResulted, InspectionScheduled
from contracts.payments import Allocation, PaymentSettled
from contracts.permits import FeeAssessed, FeeLine, Party, PermitExpired, SiteAddress
from inspections.domain.errors import (
    AlreadyScheduled,
    CorrectionsRequired,
    DateUnavailable,
    DayNotAllowed,
    NoSuchInspectionType,
)
from inspections.service_layer import changes, scheduling
from inspections.service_layer.commands import Cancel, RecordResult, Reschedule

from .conftest import ADMIN, INSPECTOR, JID, NOW, RICH, SAM, World, req


async def _dates(world: World, kind: str = "BUILDING FINAL") -> list[str]:
    days, _ = await world.units.read(JID, partial(scheduling.available_dates, RICH, "p1", kind))
    return [d.isoformat() for d in days]


async def test_r_ins_2_tomorrow_is_offered_before_the_local_cutoff(world: World) -> None:
    assert (await _dates(world))[0] == "2026-11-18"
    world.clock.set(NOW + timedelta(hours=6))  # 16:00 in Boise: tomorrow is gone
    assert (await _dates(world))[0] == "2026-11-19"


async def test_r_ins_1_only_an_issued_permit_with_that_type_is_inspected(world: World) -> None:
    with pytest.raises(NoSuchInspectionType):
        await _dates(world, "POOL FINAL")
    await world.event(
        PermitExpired(
            permit_id="p1",
            jurisdiction_id=JID,
            number="BRES2026-p1",
            expired_at=NOW,
            applicant=Party(name="Rich"),
            version=10,
        )
    )
    with pytest.raises(Conflicting, match="inspections need an issued permit"):
        await _dates(world)


async def test_r_id_6_whoever_may_not_schedule_sees_no_permit(world: World) -> None:
    with pytest.raises(Missing):
        await world.units.read(JID, partial(scheduling.available_dates, SAM, "p1", "ADDRESSING"))


async def test_fees_due_block_scheduling_only_where_the_jurisdiction_says_so(world: World) -> None:
    fee = FeeAssessed(
        permit_id="p1",
        jurisdiction_id=JID,
        number="BRES2026-p1",
        type_name="RESIDENTIAL",
        site=SiteAddress(street="17575 Peak Ave"),
        lines=[FeeLine(line_id="l1", name="REINSPECTION", amount_minor=7500)],
        balance_minor=7500,
        version=10,
    )
    await world.event(fee)
    assert await _dates(world)  # not blocked by default
    await world.configure(block_when_fees_due=True)
    with pytest.raises(Conflicting, match="fees due"):
        await _dates(world)
    paid = PaymentSettled(
        payment_id="pay-1",
        jurisdiction_id=JID,
        allocations=[Allocation(permit_id="p1", line_ids=["l1"], amount_minor=7500)],
        settled_at=NOW,
    )
    await world.event(paid)
    assert await _dates(world)


async def test_r_ins_4_several_in_one_submit_all_or_none(world: World) -> None:
    await world.configure(capacity={"ADDRESSING": 1})
    await world.issue("p2", zip_code="83646")
    await world.schedule(req("2026-11-18", "ADDRESSING", permit="p2"))
    with pytest.raises(DateUnavailable) as full:
        await world.schedule(req("2026-11-18"), req("2026-11-18", "ADDRESSING"))
    # the second request of the submit, and its day (issue 24: data, not a request path)
    assert (full.value.index, full.value.day.isoformat()) == (1, "2026-11-18")
    assert world.count("BUILDING FINAL", "2026-11-18") == 0  # the first request rolled back
    made = await world.schedule(req("2026-11-18"), req("2026-11-19", "ADDRESSING", ampm="AM"))
    assert [m["status"] for m in made] == ["SCHEDULED", "SCHEDULED"]
    assert len(world.uow.published(InspectionScheduled)) == 3  # p2's, then these two
    assert made[0]["notify_emails"] == ["rich@example.org"]
    with pytest.raises(AlreadyScheduled, match="already scheduled"):
        await world.schedule(req("2026-11-20"))


async def test_capacity_per_inspector_area_counts_every_type(world: World) -> None:
    await world.configure(area_capacity={"83642": 1})
    await world.schedule(req("2026-11-18"))
    assert "2026-11-18" not in await _dates(world, "ADDRESSING")
    assert world.count("area=83642", "2026-11-18") == 1


async def test_r_ins_5_the_requester_cancels_until_the_cutoff_staff_any_time(
    world: World,
) -> None:
    [first, _other] = await world.schedule(req("2026-11-18"), req("2026-11-18", "ADDRESSING"))
    world.clock.set(NOW + timedelta(hours=20))  # 06:00 on the 18th in Boise
    with pytest.raises(Conflicting, match="cancellations close at 06:00"):
        await world.units.run(
            JID,
            partial(
                changes.cancel, Cancel(jurisdiction_id=JID, actor=RICH, inspection_id=first["_id"])
            ),
        )
    staff = Cancel(jurisdiction_id=JID, actor=INSPECTOR, inspection_id=first["_id"], reason="sick")
    cancelled = await world.units.run(JID, partial(changes.cancel, staff))
    assert (cancelled.status, cancelled.cancel_reason) == ("CANCELLED", "sick")
    assert world.count("BUILDING FINAL", "2026-11-18") == 0
    assert world.count("area=83642", "2026-11-18") == 1  # the other one is still booked
    with pytest.raises(Conflicting, match="CANCELLED"):
        await world.units.run(JID, partial(changes.cancel, staff))


async def test_r_ins_6_results_a_fail_lists_corrections(world: World) -> None:
    [made] = await world.schedule(req("2026-11-18"))

    def result(outcome: str, actor: object = INSPECTOR, **kw: object) -> RecordResult:
        return RecordResult(
            jurisdiction_id=JID,
            actor=actor,  # type: ignore[arg-type]
            inspection_id=made["_id"],
            outcome=outcome,
            **kw,  # type: ignore[arg-type]
        )

    with pytest.raises(Denied):  # the requester sees it but does not result it
        await world.units.run(JID, partial(changes.record_result, result("pass", RICH)))
    with pytest.raises(Missing):
        await world.units.run(JID, partial(changes.record_result, result("pass", SAM)))
    with pytest.raises(CorrectionsRequired):
        await world.units.run(JID, partial(changes.record_result, result("fail")))
    doc = await world.units.run(
        JID, partial(changes.record_result, result("not_ready", comments="gate locked"))
    )
    assert (doc.status, doc.result, doc.history[-1].comment) == (
        "RESULTED",
        "not_ready",
        "resulted: not_ready",
    )
    [event] = world.uow.published(InspectionResulted)
    assert (event.result, event.outcome) == ("no_access", "not_ready")
    assert world.count("BUILDING FINAL", "2026-11-18") == 1  # the visit happened


def _move(made: dict[str, object], day: str, actor: object = ADMIN) -> Reschedule:
    return Reschedule(
        jurisdiction_id=JID,
        actor=actor,  # type: ignore[arg-type]
        inspection_id=str(made["_id"]),
        date=date.fromisoformat(day),
    )


async def test_staff_move_an_inspection_to_a_working_day_ahead(world: World) -> None:
    """Staff are not held to the offered days: a full day takes one more."""
    await world.configure(capacity={"BUILDING FINAL": 1})
    [made] = await world.schedule(req("2026-11-18"))
    await world.issue("p2")
    await world.schedule(req("2026-11-19", permit="p2"))  # the 19th is full now
    with pytest.raises(DayNotAllowed):
        await changes.reschedule(_move(made, "2026-11-21"), world.units)  # a Saturday
    with pytest.raises(DayNotAllowed):
        await changes.reschedule(_move(made, "2026-11-18"), world.units)  # where it is
    moved = await changes.reschedule(_move(made, "2026-11-19"), world.units)
    assert moved.date == "2026-11-19"
    assert (
        world.count("BUILDING FINAL", "2026-11-18"),
        world.count("BUILDING FINAL", "2026-11-19"),
    ) == (0, 2)


async def test_r_ins_2_r_ins_5_the_requester_moves_to_an_offered_day_until_the_cutoff(
    world: World,
) -> None:
    """Issue 23: a contractor reschedules an inspection themselves — to a day
    the calendar still offers (R-INS-2: capacity, the next-day cut-off), and
    only while it could still be cancelled (R-INS-5); others see nothing."""
    await world.configure(capacity={"BUILDING FINAL": 1})
    [made] = await world.schedule(req("2026-11-18"))
    await world.issue("p2")
    await world.schedule(req("2026-11-19", permit="p2"))
    with pytest.raises(Missing):
        await changes.reschedule(_move(made, "2026-11-20", SAM), world.units)
    with pytest.raises(DateUnavailable, match="not available"):
        await changes.reschedule(_move(made, "2026-11-19", RICH), world.units)  # full
    with pytest.raises(DateUnavailable, match="not available"):
        await changes.reschedule(_move(made, "2026-11-21", RICH), world.units)  # Saturday
    moved = await changes.reschedule(_move(made, "2026-11-20", RICH), world.units)
    assert moved.date == "2026-11-20"
    assert (
        world.count("BUILDING FINAL", "2026-11-18"),
        world.count("area=83642", "2026-11-20"),
    ) == (0, 1)
    assert "2026-11-18" in await _dates(world)  # its old day is offered again
    world.clock.set(NOW + timedelta(days=2, hours=20))  # 06:00 on the 20th in Boise
    with pytest.raises(Conflicting, match="changes close at 06:00"):
        await changes.reschedule(_move(made, "2026-11-24", RICH), world.units)


async def test_r_per_5_an_expired_permit_ends_its_inspections_once(world: World) -> None:
    await world.schedule(req("2026-11-18"), req("2026-11-19", "ADDRESSING"))
    expired = PermitExpired(
        permit_id="p1",
        jurisdiction_id=JID,
        number="BRES2026-p1",
        expired_at=NOW,
        applicant=Party(name="Rich"),
        version=10,
    )
    await world.event(expired)
    await world.event(expired)  # applied again (the consumer de-duplicates, too)
    assert len(world.uow.published(InspectionCancelled)) == 2
    assert world.count("BUILDING FINAL", "2026-11-18") == 0


async def test_older_permit_events_change_nothing(world: World) -> None:
    await world.issue(version=5)  # an older issuance delivered late
    permit = world.uow.stores["permits"]["p1"]
    assert permit["source_version"] == 9
