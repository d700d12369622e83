"""Integrations' consumers: every event of every context, into its
jurisdiction's feed (events of no jurisdiction — the operator's own — stay
out of every feed)."""

from __future__ import annotations

from typing import Any

from chassis.consumer import EventConsumer, EventContext
from contracts.registry import registered_events
from contracts.topics import EVENT_TOPICS
from integrations.adapters.unit_of_work import MongoIntegrationsUnitOfWork
from integrations.service_layer import feed


async def on_event(event: Any, ctx: EventContext) -> None:
    jurisdiction = ctx.envelope.jurisdiction
    if jurisdiction is not None:
        await feed.record(ctx.envelope, MongoIntegrationsUnitOfWork(ctx.tx, jurisdiction))


def consumers() -> list[EventConsumer]:
    """One per topic, each routing every event type published there."""
    made = []
    for topic in EVENT_TOPICS:
        consumer = EventConsumer(f"integrations.{topic.removesuffix('.events')}", topic)
        for model in registered_events().values():
            if model.topic == topic:
                consumer.on(model)(on_event)
        made.append(consumer)
    return made
