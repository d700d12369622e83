"""Read views on the fakes (R-DASH-1, R-ID-6): what a dashboard lists is
what its reader may see, newest first, through the read side's port."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chassis.clock import ManualClock
from chassis.refusals import Missing
from permits.service_layer import views

from .conftest import ADMIN, JID, PAT, RICH, STRANGER, World, person


async def _dashboard(world: World, who: object, **kw: object) -> tuple[list[str], int]:
    rows, total, _ = await world.units.read(
        JID,
        lambda uow: views.dashboard(uow, who, which="active", limit=10, offset=0, **kw),  # type: ignore[arg-type]
    )
    return [r["number"] for r in rows], total


async def test_r_dash_1_a_dashboard_lists_the_readers_own_permits_newest_first(
    world: World,
) -> None:
    await world.permit_type()
    first = await world.apply()  # Pat is its applicant
    world.uow.clock.advance(timedelta(minutes=5))
    second = await world.apply(company_ids=["c1"])  # Rich's company is on it too
    world.uow.clock.advance(timedelta(minutes=5))
    await world.apply(applicant={"name": "Someone", "email": "someone@example.org"})
    assert await _dashboard(world, PAT) == ([second.number, first.number], 2)
    assert await _dashboard(world, RICH) == ([second.number], 1)
    assert await _dashboard(world, STRANGER) == ([], 0)


async def test_r_id_6_another_jurisdictions_reader_gets_404_not_an_empty_list(
    world: World,
) -> None:
    with pytest.raises(Missing):
        await _dashboard(world, person("public", email="pat@example.org", jid="beta"))


async def test_staff_search_by_number_is_one_flat_read(world: World) -> None:
    await world.permit_type()
    permit = await world.apply()
    docs, total, more = await world.units.read(
        JID,
        lambda uow: views.staff_search(
            uow, ADMIN, filters={"number": permit.number.lower()}, limit=10, offset=0
        ),
    )
    assert ([d["number"] for d in docs], total, more) == ([permit.number], 1, False)
    assert "history" not in docs[0]  # the list leaves the history out


class TickingClock(ManualClock):
    """A clock that moves a millisecond each time it is read, as a real one does."""

    def now(self) -> datetime:
        self.advance(timedelta(milliseconds=1))
        return super().now()


async def test_staffs_own_list_reads_one_instant_for_its_window(world: World) -> None:
    """Staff's list of permits is the last WINDOW_DAYS' applications: its
    window and the search's limit are measured from one reading of the clock
    (two readings a moment apart made the window a moment too long: 422)."""
    await world.permit_type()
    permit = await world.apply()
    world.uow.clock = TickingClock(world.uow.clock.now())
    docs, total = await world.units.read(
        JID, lambda uow: views.my_permits(uow, ADMIN, limit=10, offset=0)
    )
    assert ([d["number"] for d in docs], total) == ([permit.number], 1)
