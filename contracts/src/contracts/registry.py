"""Every integration event of the suite, by its CloudEvents type.

The context modules register their events as they are defined
(``IntegrationEvent.__init_subclass__``); this module, above them all,
imports every one, so no module imports one that imports it back.
"""

from __future__ import annotations

from contracts import identity, inspections, integrations, payments, permits, registration
from contracts.events import IntegrationEvent, defined

CONTEXTS = (identity, inspections, integrations, payments, permits, registration)


def event_class_for(event_type: str) -> type[IntegrationEvent] | None:
    return defined().get(event_type)


def registered_events() -> dict[str, type[IntegrationEvent]]:
    return dict(sorted(defined().items()))
