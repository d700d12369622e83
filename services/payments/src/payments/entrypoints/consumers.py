"""Payments' event consumers: receivables from permits' events."""

from __future__ import annotations

from chassis.consumer import EventConsumer, EventContext
from contracts.permits import FeeAssessed, FeeVoided, PermitPartiesChanged
from contracts.topics import PERMITS_EVENTS
from payments.adapters.unit_of_work import MongoPaymentsUnitOfWork as Uow
from payments.service_layer import receivables


def permits_consumer() -> EventConsumer:
    consumer = EventConsumer("payments.permits", PERMITS_EVENTS)

    @consumer.on(FeeAssessed)
    async def on_fee_assessed(event: FeeAssessed, ctx: EventContext) -> None:
        await receivables.on_fee_assessed(event, Uow(ctx.tx, event.jurisdiction_id))

    @consumer.on(FeeVoided)
    async def on_fee_voided(event: FeeVoided, ctx: EventContext) -> None:
        await receivables.on_fee_voided(event, Uow(ctx.tx, event.jurisdiction_id))

    @consumer.on(PermitPartiesChanged)
    async def on_parties(event: PermitPartiesChanged, ctx: EventContext) -> None:
        await receivables.on_parties_changed(event, Uow(ctx.tx, event.jurisdiction_id))

    return consumer
