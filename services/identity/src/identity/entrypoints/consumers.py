"""Identity's event consumers: a table from event type to handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chassis.consumer import EventConsumer, consumer_of
from contracts.inspections import InspectionsConfigurationChanged
from contracts.payments import PaymentsConfigurationChanged
from contracts.permits import PermitsConfigurationChanged
from contracts.registration import RegistrationAccepted, RegistrationConfigurationChanged
from contracts.topics import (
    INSPECTIONS_EVENTS,
    PAYMENTS_EVENTS,
    PERMITS_EVENTS,
    REGISTRATION_EVENTS,
)
from identity.service_layer import configuration, registered

REGISTRATION: dict[Any, Any] = {
    # R-REG-5: the company and its first authorized user (an admin)
    RegistrationAccepted: registered.on_registration_accepted,
    RegistrationConfigurationChanged: configuration.on_configuration_changed,
}
# each jurisdiction's configuration changes, into its audit trail
PAYMENTS = {PaymentsConfigurationChanged: configuration.on_configuration_changed}
PERMITS = {PermitsConfigurationChanged: configuration.on_configuration_changed}
INSPECTIONS = {InspectionsConfigurationChanged: configuration.on_configuration_changed}


def consumers(unit_of_work: Callable[[Any, str], Any]) -> list[EventConsumer]:
    return [
        consumer_of("identity.registration", REGISTRATION_EVENTS, REGISTRATION, unit_of_work),
        consumer_of("identity.payments", PAYMENTS_EVENTS, PAYMENTS, unit_of_work),
        consumer_of("identity.permits", PERMITS_EVENTS, PERMITS, unit_of_work),
        consumer_of("identity.inspections", INSPECTIONS_EVENTS, INSPECTIONS, unit_of_work),
    ]
