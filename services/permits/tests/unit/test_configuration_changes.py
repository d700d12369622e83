"""Issue 25: a permit type put is announced for the jurisdiction's audit
trail — who, which type, and which of its settings."""

from __future__ import annotations

from contracts.permits import PermitsConfigurationChanged

from .conftest import ADMIN, World


async def test_a_permit_type_change_is_announced_with_what_changed(world: World) -> None:
    await world.permit_type("RES")
    await world.permit_type("RES", inactivity_days=90)
    first, second = world.uow.published(PermitsConfigurationChanged)
    assert first.what == second.what == "permit type RES"
    assert "number_format" in first.changed  # new: everything
    assert second.changed == ["inactivity_days"] and second.changed_by == ADMIN.account_id
