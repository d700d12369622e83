"""Permits' event consumers: one ``on_<event>`` line per event."""

from __future__ import annotations

from chassis.consumer import EventConsumer, EventContext
from contracts.identity import JurisdictionCreated, JurisdictionUpdated
from contracts.inspections import InspectionResulted
from contracts.payments import PaymentRefunded, PaymentSettled
from contracts.topics import IDENTITY_EVENTS, INSPECTIONS_EVENTS, PAYMENTS_EVENTS
from permits.adapters.unit_of_work import MongoPermitsUnitOfWork as Uow
from permits.service_layer import activity, payments


def identity_consumer() -> EventConsumer:
    consumer = EventConsumer("permits.identity", IDENTITY_EVENTS)

    @consumer.on(JurisdictionCreated)
    @consumer.on(JurisdictionUpdated)
    async def on_jurisdiction(
        event: JurisdictionCreated | JurisdictionUpdated, ctx: EventContext
    ) -> None:
        await activity.on_jurisdiction(event, Uow(ctx.tx, event.jurisdiction_id))

    return consumer


def payments_consumer() -> EventConsumer:
    consumer = EventConsumer("permits.payments", PAYMENTS_EVENTS)

    @consumer.on(PaymentSettled)
    async def on_payment_settled(event: PaymentSettled, ctx: EventContext) -> None:
        await payments.on_payment_settled(event, Uow(ctx.tx, event.jurisdiction_id))

    @consumer.on(PaymentRefunded)
    async def on_payment_refunded(event: PaymentRefunded, ctx: EventContext) -> None:
        await payments.on_payment_refunded(event, Uow(ctx.tx, event.jurisdiction_id))

    return consumer


def inspections_consumer() -> EventConsumer:
    consumer = EventConsumer("permits.inspections", INSPECTIONS_EVENTS)

    @consumer.on(InspectionResulted)
    async def on_inspection(event: InspectionResulted, ctx: EventContext) -> None:
        """R-INS-6 / R-PER-5: a pass restarts the inactivity clock."""
        await activity.on_inspection_resulted(event, Uow(ctx.tx, event.jurisdiction_id))

    return consumer
