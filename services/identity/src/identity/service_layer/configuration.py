"""The jurisdiction's audit trail of its configuration (issue 25): every
change of payment settings, the inspection calendar, registration settings
or a permit type — made by whichever service owns it — is an entry here:
who, what, when and which settings, readable with the rest of the trail."""

from __future__ import annotations

from contracts.events import ConfigurationChanged
from identity.service_layer.unit_of_work import IdentityUnitOfWork


async def on_configuration_changed(event: ConfigurationChanged, uow: IdentityUnitOfWork) -> None:
    await uow.audit.record(
        "configuration_changed",
        actor=event.changed_by,
        subject=event.jurisdiction_id,
        what=event.what,
        changed=event.changed,
    )
