"""R-PER-1 numbering and R-ID-6 applying, on the fakes."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pytest

from chassis.refusals import Denied, Missing
from chassis.testing.fakes import FakeRepository
from contracts.permits import PermitApplied, PermitStatusChanged
from permits.domain.errors import NumberFormatRefused, UnknownPermitType
from permits.service_layer import applications
from permits.service_layer.commands import PutPermitType

from .conftest import ADMIN, JID, PAT, RICH, STRANGER, World, person


async def test_r_per_1_numbers_run_per_type_without_gaps(world: World) -> None:
    await world.permit_type("RES")
    await world.permit_type("WEB")
    numbers = [(await world.apply(type_code=code)).number for code in ("RES", "RES", "WEB", "RES")]
    assert numbers == ["RES26-0001", "RES26-0002", "WEB26-0001", "RES26-0003"]


async def test_r_per_1_the_year_is_the_jurisdictions_local_year(world: World) -> None:
    await world.permit_type("RES")
    await world.units.run(JID, lambda uow: uow.jurisdictions.remember("Alpha", "America/Boise"))
    world.clock.set(datetime(2027, 1, 1, 5, 0, tzinfo=UTC))  # 22:00 on Dec 31 in Boise
    assert (await world.apply()).number == "RES26-0001"
    world.clock.set(datetime(2027, 1, 1, 8, 0, tzinfo=UTC))  # 01:00 on Jan 1: a new sequence
    assert (await world.apply()).number == "RES27-0001"


async def test_r_per_1_a_failed_application_leaves_no_gap(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await world.permit_type("RES")

    async def broken(self: object, aggregate: object) -> None:
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patched:
        patched.setattr(FakeRepository, "add", broken)
        with pytest.raises(RuntimeError):
            await world.apply()
    assert (await world.apply()).number == "RES26-0001"  # the counter rolled back too


async def test_r_per_1_an_application_is_submitted_with_history_and_one_event(
    world: World,
) -> None:
    await world.permit_type("RES")
    permit = await world.apply(actor=PAT)
    assert (permit.status, permit.version) == ("SUBMITTED", 1)
    assert permit.applicant["email"] == "pat@example.org"  # emails compare lower-case
    assert [(h.from_status, h.to) for h in permit.history] == [(None, "SUBMITTED")]
    [applied] = world.uow.published(PermitApplied)
    assert (applied.number, applied.version) == (permit.number, 1)
    assert not world.uow.published(PermitStatusChanged)


async def test_r_per_1_unknown_type_is_refused_naming_it(world: World) -> None:
    with pytest.raises(UnknownPermitType) as refused:
        await world.apply(type_code="NOPE")
    assert (refused.value.part, refused.value.data["type_code"]) == ("type_code", "NOPE")


async def test_r_per_1_a_type_numbered_like_another_is_refused(world: World) -> None:
    await world.permit_type("RES")
    cmd = PutPermitType(
        jurisdiction_id=JID,
        actor=ADMIN,
        code="RES2",
        body={"name": "OTHER", "number_format": "RES{yy}-{seq:05}"},
    )
    with pytest.raises(NumberFormatRefused, match="already numbers"):
        await world.units.run(JID, partial(applications.put_permit_type, cmd))


async def test_r_id_6_who_may_apply_for_what(world: World) -> None:
    await world.permit_type("RES")
    assert (await world.apply(actor=RICH)).company_ids == ["c1"]  # its first company
    with pytest.raises(Denied):
        await world.apply(actor=RICH, company_ids=["c9"])
    assert (await world.apply(actor=PAT)).applied_by == "pat"  # the applicant
    with pytest.raises(Denied):
        await world.apply(actor=STRANGER)  # neither applicant nor owner
    with pytest.raises(Denied):
        await world.apply(actor=PAT, company_ids=["c1"])
    assert (await world.apply(company_ids=["c7"])).company_ids == ["c7"]  # staff: anyone's
    with pytest.raises(Missing):
        await world.apply(actor=person("staff", roles=["admin"], jid="beta"))


async def test_r_id_6_another_jurisdictions_permit_does_not_exist(world: World) -> None:
    await world.permit_type("RES")
    permit = await world.apply()
    other = person("staff", roles=["admin"], jid="beta")
    for actor in (other, STRANGER):
        with pytest.raises(Missing):
            await world.units.read(JID, partial(applications.get_permit, actor, permit.id))
    seen = await world.units.read(JID, partial(applications.get_permit, PAT, permit.id))
    assert seen.number == permit.number
