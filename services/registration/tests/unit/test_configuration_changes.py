"""Issue 25: a change of registration settings is announced for the
jurisdiction's audit trail."""

from __future__ import annotations

from contracts.registration import RegistrationConfigurationChanged

from .conftest import ADMIN, World


async def test_a_registration_settings_change_is_announced(world: World) -> None:
    await world.configure()
    await world.configure(enabled=False)
    *_, last = world.uow.published(RegistrationConfigurationChanged)
    assert last.changed == ["enabled"] and last.changed_by == ADMIN.account_id
