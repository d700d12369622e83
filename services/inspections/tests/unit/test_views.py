"""Read views on the fakes (R-INS-7, R-ID-6): My Active Inspections lists
what its reader may act on, soonest first; a day list is staff's."""

from __future__ import annotations

import pytest

from chassis.refusals import Denied, Missing
from inspections.service_layer import views

from .conftest import INSPECTOR, JID, RICH, SAM, World, person, req


async def _mine(world: World, who: object, which: str = "active") -> list[str]:
    docs, total = await world.units.read(
        JID,
        lambda uow: views.my_inspections(uow, who, limit=10, offset=0, which=which),  # type: ignore[arg-type]
    )
    assert total == len(docs)
    return [d["date"] for d in docs]


async def test_r_ins_7_my_active_inspections_are_the_readers_soonest_first(
    world: World,
) -> None:
    await world.issue()
    await world.schedule(req("2026-11-19"), req("2026-11-18", "ADDRESSING"))
    assert await _mine(world, RICH) == ["2026-11-18", "2026-11-19"]
    assert await _mine(world, SAM) == []  # no party of the permit
    assert await _mine(world, RICH, "results") == []  # nothing resulted yet
    with pytest.raises(Missing):  # another jurisdiction's reader
        await _mine(world, person("contractor", "rich", company_ids=["c1"], jid="beta"))


async def test_an_inspectors_day_list_is_for_staff_in_driving_order(world: World) -> None:
    await world.issue()
    await world.schedule(req("2026-11-18"), req("2026-11-18", "ADDRESSING"))

    async def day_list(who: object) -> list[str]:
        docs, total, more = await world.units.read(
            JID,
            lambda uow: views.search(
                uow,
                who,  # type: ignore[arg-type]
                day=None,
                date_from=None,
                date_to=None,
                inspection_type=None,
                area=None,
                permit_number="BRES2026-p1",
                status=None,
                limit=10,
                offset=0,
            ),
        )
        assert (total, more) == (len(docs), False)
        return [d["inspection_type"] for d in docs]

    assert sorted(await day_list(INSPECTOR)) == ["ADDRESSING", "BUILDING FINAL"]
    with pytest.raises(Denied):
        await day_list(RICH)
