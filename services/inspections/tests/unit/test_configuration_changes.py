"""Issue 25: a change of the inspection calendar is announced for the
jurisdiction's audit trail — who, and which settings."""

from __future__ import annotations

from contracts.inspections import InspectionsConfigurationChanged

from .conftest import ADMIN, World


async def test_a_calendar_change_is_announced_with_what_changed(world: World) -> None:
    await world.configure(horizon_days=21)
    *_, last = world.uow.published(InspectionsConfigurationChanged)
    assert last.what == "inspection calendar" and "horizon_days" in last.changed
    assert last.changed_by == ADMIN.account_id
