"""Identity's event consumers: a table from event type to handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chassis.consumer import EventConsumer, consumer_of
from contracts.registration import RegistrationAccepted
from contracts.topics import REGISTRATION_EVENTS
from identity.service_layer import registered

REGISTRATION: dict[Any, Any] = {
    # R-REG-5: the company and its first authorized user (an admin)
    RegistrationAccepted: registered.on_registration_accepted,
}


def consumers(unit_of_work: Callable[[Any, str], Any]) -> list[EventConsumer]:
    return [consumer_of("identity.registration", REGISTRATION_EVENTS, REGISTRATION, unit_of_work)]
