"""The jurisdiction's audit trail of its configuration (issue 25): a change
of another service's settings arrives as an event and becomes an entry —
who, what, when, which settings."""

from __future__ import annotations

from contracts.payments import PaymentsConfigurationChanged
from identity.service_layer.configuration import on_configuration_changed

from .conftest import JID, World


async def test_another_services_configuration_change_is_in_the_audit_trail(world: World) -> None:
    event = PaymentsConfigurationChanged(
        jurisdiction_id=JID, what="payment settings", changed_by="acct-admin", changed=["methods"]
    )
    await world.units.run(JID, lambda uow: on_configuration_changed(event, uow))
    [entry] = world.store("audit_log").values()
    assert entry["action"] == "configuration_changed" and entry["actor"] == "acct-admin"
    assert entry["details"] == {"what": "payment settings", "changed": ["methods"]}
    assert entry["jurisdiction_id"] == JID and entry["at"] is not None
