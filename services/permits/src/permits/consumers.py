"""Permits' event consumers."""

from __future__ import annotations

from chassis.consumer import EventConsumer, EventContext
from contracts.identity import JurisdictionCreated, JurisdictionUpdated
from contracts.inspections import InspectionResulted
from contracts.payments import PaymentRefunded, PaymentSettled
from contracts.topics import IDENTITY_EVENTS, INSPECTIONS_EVENTS, PAYMENTS_EVENTS
from permits.handlers.expiry import on_inspection_resulted
from permits.handlers.issuance import apply_payment, undo_payment
from permits.handlers.permits import remember_jurisdiction


def identity_consumer() -> EventConsumer:
    consumer = EventConsumer("permits.identity", IDENTITY_EVENTS)

    @consumer.on(JurisdictionCreated)
    @consumer.on(JurisdictionUpdated)
    async def on_jurisdiction(
        event: JurisdictionCreated | JurisdictionUpdated, ctx: EventContext
    ) -> None:
        """The time zone numbers are dated in (R-PER-1: the year is the local year)."""
        await remember_jurisdiction(ctx.tx, event.jurisdiction_id, event.name, event.time_zone)

    return consumer


def payments_consumer() -> EventConsumer:
    consumer = EventConsumer("permits.payments", PAYMENTS_EVENTS)

    @consumer.on(PaymentSettled)
    async def on_payment_settled(event: PaymentSettled, ctx: EventContext) -> None:
        await apply_payment(ctx.tx, event)

    @consumer.on(PaymentRefunded)
    async def on_payment_refunded(event: PaymentRefunded, ctx: EventContext) -> None:
        await undo_payment(ctx.tx, event)

    return consumer


def inspections_consumer() -> EventConsumer:
    consumer = EventConsumer("permits.inspections", INSPECTIONS_EVENTS)

    @consumer.on(InspectionResulted)
    async def on_inspection(event: InspectionResulted, ctx: EventContext) -> None:
        """R-INS-6 / R-PER-5: a pass restarts the inactivity clock."""
        await on_inspection_resulted(ctx.tx, event)

    return consumer
