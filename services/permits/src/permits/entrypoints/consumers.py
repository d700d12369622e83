"""Permits' event consumers: tables from event type to handler."""

from __future__ import annotations

from typing import Any

from chassis.consumer import EventConsumer, consumer_of
from contracts.identity import JurisdictionCreated, JurisdictionUpdated
from contracts.inspections import InspectionResulted
from contracts.payments import PaymentRefunded, PaymentSettled
from contracts.topics import IDENTITY_EVENTS, INSPECTIONS_EVENTS, PAYMENTS_EVENTS
from permits.adapters.unit_of_work import MongoPermitsUnitOfWork
from permits.service_layer import activity, payments

IDENTITY: dict[Any, Any] = {
    JurisdictionCreated: activity.on_jurisdiction,
    JurisdictionUpdated: activity.on_jurisdiction,
}
PAYMENTS: dict[Any, Any] = {
    PaymentSettled: payments.on_payment_settled,
    PaymentRefunded: payments.on_payment_refunded,
}
# R-INS-6 / R-PER-5: a pass restarts the inactivity clock
INSPECTIONS: dict[Any, Any] = {InspectionResulted: activity.on_inspection_resulted}


def consumers() -> list[EventConsumer]:
    uow = MongoPermitsUnitOfWork
    return [
        consumer_of("permits.identity", IDENTITY_EVENTS, IDENTITY, uow),
        consumer_of("permits.payments", PAYMENTS_EVENTS, PAYMENTS, uow),
        consumer_of("permits.inspections", INSPECTIONS_EVENTS, INSPECTIONS, uow),
    ]
