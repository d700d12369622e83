"""Notifications' consumers: every event in the emails table, per topic, and
identity's jurisdiction events for the branding copy."""

from __future__ import annotations

from typing import Any

from chassis.consumer import EventConsumer, EventContext
from contracts.identity import JurisdictionCreated, JurisdictionUpdated
from contracts.topics import (
    IDENTITY_EVENTS,
    INSPECTIONS_EVENTS,
    INTEGRATIONS_EVENTS,
    PAYMENTS_EVENTS,
    PERMITS_EVENTS,
    REGISTRATION_EVENTS,
)
from notifications.adapters import branding
from notifications.adapters.deliveries import DeliveryWorker
from notifications.adapters.mailer import TransactionMailer
from notifications.adapters.templates import EmailTemplates
from notifications.domain.emails import EMAILS
from notifications.domain.links import PortalLinks
from notifications.service_layer.notify import notify

CONSUMER_NAMES = {
    IDENTITY_EVENTS: "notifications.identity",
    REGISTRATION_EVENTS: "notifications.registration",
    PERMITS_EVENTS: "notifications.permits",
    PAYMENTS_EVENTS: "notifications.payments",
    INSPECTIONS_EVENTS: "notifications.inspections",
    INTEGRATIONS_EVENTS: "notifications.integrations",
}


async def on_jurisdiction(
    event: JurisdictionCreated | JurisdictionUpdated, ctx: EventContext
) -> None:
    """The jurisdiction's name, time zone and branding, for the emails' look."""
    await branding.save(
        ctx.tx.db,
        ctx.tx.session,
        jurisdiction_id=event.jurisdiction_id,
        name=event.name,
        time_zone=event.time_zone,
        branding=event.branding,
    )


def consumers(
    templates: EmailTemplates, worker: DeliveryWorker, links: PortalLinks
) -> list[EventConsumer]:
    by_topic: dict[str, EventConsumer] = {
        topic: EventConsumer(name, topic) for topic, name in CONSUMER_NAMES.items()
    }

    async def on_event(event: Any, ctx: EventContext) -> None:
        await notify(
            event, ctx.envelope.jurisdiction, TransactionMailer(templates, worker, ctx), links
        )

    for event_type in EMAILS:
        by_topic[event_type.topic].on(event_type)(on_event)
    identity = by_topic[IDENTITY_EVENTS]
    identity.on(JurisdictionCreated)(on_jurisdiction)
    identity.on(JurisdictionUpdated)(on_jurisdiction)
    return list(by_topic.values())
