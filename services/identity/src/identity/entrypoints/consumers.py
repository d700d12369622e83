"""Identity's event consumers: one line per event."""

from __future__ import annotations

from chassis.consumer import EventConsumer, EventContext
from contracts.registration import RegistrationAccepted
from contracts.topics import REGISTRATION_EVENTS
from identity.service_layer.common import Identity
from identity.service_layer.registered import on_registration_accepted


def registration_consumer(idn: Identity) -> EventConsumer:
    consumer = EventConsumer("identity.registration", REGISTRATION_EVENTS)

    @consumer.on(RegistrationAccepted)
    async def on_accepted(event: RegistrationAccepted, ctx: EventContext) -> None:
        """R-REG-5: the company and its first authorized user (an admin)."""
        await on_registration_accepted(idn, ctx.tx, event)

    return consumer
