"""Event consumers: one email per event, exactly once per event id."""

from __future__ import annotations

from typing import Any

from chassis.clock import local_time
from chassis.consumer import EventConsumer, EventContext
from contracts.identity import EmailVerificationRequested
from contracts.topics import IDENTITY_EVENTS
from notifications.adapters.templates import EmailTemplates
from notifications.deliveries import Deliveries, DeliveryWorker, new_delivery
from notifications.settings import NotificationsSettings

KIND_LABELS = {"community_member": "community member", "contractor": "contractor"}


def identity_consumer(
    settings: NotificationsSettings, templates: EmailTemplates, worker: DeliveryWorker
) -> EventConsumer:
    consumer = EventConsumer("notifications.identity", IDENTITY_EVENTS)

    async def record(ctx: EventContext, to: str, template: str, context: dict[str, Any]) -> None:
        jid = ctx.envelope.jurisdiction or "_platform"
        delivery = new_delivery(
            event_id=ctx.envelope.id,
            event_type=ctx.envelope.type,
            to=to,
            template=template,
            email=templates.render(template, context),
            clock=ctx.tx.clock,
        )
        await ctx.tx.repo(Deliveries, jid).insert_one(delivery)
        ctx.tx.after_commit(lambda: worker.send_now(ctx.envelope.id))  # type: ignore[arg-type,return-value]

    @consumer.on(EmailVerificationRequested)
    async def on_email_verification_requested(
        event: EmailVerificationRequested, ctx: EventContext
    ) -> None:
        link = f"{settings.public_base_url.rstrip('/')}/v1/enrollments/{event.token}"
        # Jurisdiction time zones reach notifications with JurisdictionCreated in
        # a later issue; until then expiry is shown in UTC.
        expires = local_time(event.expires_at, "UTC").strftime("%B %d, %Y at %H:%M UTC")
        await record(
            ctx,
            event.email,
            "email_verification",
            {
                "jurisdiction_name": event.jurisdiction_name,
                "email": event.email,
                "kind_label": KIND_LABELS.get(event.kind, event.kind),
                "link": link,
                "expires_local": expires,
            },
        )

    return consumer
