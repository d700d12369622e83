"""Payments' event consumers: a table from event type to handler
(receivables follow permits' fees and parties)."""

from __future__ import annotations

from typing import Any

from chassis.consumer import EventConsumer, consumer_of
from contracts.permits import FeeAssessed, FeeVoided, PermitPartiesChanged
from contracts.topics import PERMITS_EVENTS
from payments.adapters.unit_of_work import MongoPaymentsUnitOfWork
from payments.service_layer import receivables

PERMITS: dict[Any, Any] = {
    FeeAssessed: receivables.on_fee_assessed,
    FeeVoided: receivables.on_fee_voided,
    PermitPartiesChanged: receivables.on_parties_changed,
}


def consumers() -> list[EventConsumer]:
    return [consumer_of("payments.permits", PERMITS_EVENTS, PERMITS, MongoPaymentsUnitOfWork)]
