"""Inspections' event consumers: tables from event type to handler."""

from __future__ import annotations

from typing import Any

from chassis.consumer import EventConsumer, consumer_of
from contracts.identity import JurisdictionCreated, JurisdictionUpdated
from contracts.payments import PaymentRefunded, PaymentSettled
from contracts.permits import (
    FeeAssessed,
    FeeVoided,
    PermitCancelled,
    PermitExpired,
    PermitIssued,
    PermitPartiesChanged,
    PermitReinstated,
    PermitStatusChanged,
)
from contracts.topics import IDENTITY_EVENTS, PAYMENTS_EVENTS, PERMITS_EVENTS
from inspections.adapters.unit_of_work import MongoInspectionsUnitOfWork
from inspections.service_layer import permits

IDENTITY: dict[Any, Any] = {
    JurisdictionCreated: permits.on_jurisdiction,
    JurisdictionUpdated: permits.on_jurisdiction,
}
PERMITS: dict[Any, Any] = {
    PermitIssued: permits.on_issued,
    PermitStatusChanged: permits.on_status_changed,
    PermitReinstated: permits.on_reinstated,
    PermitPartiesChanged: permits.on_parties_changed,
    PermitExpired: permits.on_expired,
    PermitCancelled: permits.on_cancelled,
    FeeAssessed: permits.on_fee_assessed,
    FeeVoided: permits.on_fee_voided,
}
# which fee lines are paid: for the optional "no inspections while fees are due"
PAYMENTS: dict[Any, Any] = {
    PaymentSettled: permits.on_payment_settled,
    PaymentRefunded: permits.on_payment_refunded,
}
HANDLERS = {**IDENTITY, **PERMITS, **PAYMENTS}


def consumers() -> list[EventConsumer]:
    uow = MongoInspectionsUnitOfWork
    return [
        consumer_of("inspections.identity", IDENTITY_EVENTS, IDENTITY, uow),
        consumer_of("inspections.permits", PERMITS_EVENTS, PERMITS, uow),
        consumer_of("inspections.payments", PAYMENTS_EVENTS, PAYMENTS, uow),
    ]
