"""Integrations' consumers: every event of every context, into its
jurisdiction's feed (events of no jurisdiction — the operator's own — stay
out of every feed), keeping the jurisdiction's open-data rows and waking its
webhook endpoints that want it, in the same transaction; once committed, the
endpoints are woken again and this process's webhook worker looks at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from chassis.consumer import EventConsumer, EventContext
from contracts.identity import (
    JurisdictionCreated,
    JurisdictionUpdated,
    MembershipGranted,
    MembershipRevoked,
)
from contracts.registry import registered_events
from contracts.topics import EVENT_TOPICS, INTEGRATIONS_EVENTS
from integrations.adapters.sealing import Sealer
from integrations.adapters.unit_of_work import MongoIntegrationsUnitOfWork
from integrations.service_layer import feed, open_data, webhooks

Wake = Callable[[str, list[str], dict[str, Any]], Awaitable[None]]


def handler(wake_again: Wake, sealer: Sealer) -> Any:
    async def on_event(event: Any, ctx: EventContext) -> None:
        jurisdiction = ctx.envelope.jurisdiction
        if jurisdiction is None:
            if isinstance(event, JurisdictionCreated | JurisdictionUpdated):  # its time zone
                uow = MongoIntegrationsUnitOfWork(ctx.tx, event.jurisdiction_id, sealer)
                await open_data.project(event, ctx.envelope, uow.open_data)
            return
        uow = MongoIntegrationsUnitOfWork(ctx.tx, jurisdiction, sealer)
        stored = await feed.record(ctx.envelope, uow)
        await open_data.project(event, ctx.envelope, uow.open_data)
        if isinstance(event, MembershipGranted | MembershipRevoked):
            await webhooks.keep_admin(event, uow)
        woken = await webhooks.wake(ctx.envelope, uow)
        if woken:
            ctx.tx.after_commit(_woken(wake_again, jurisdiction, woken, stored))

    return on_event


def _woken(wake_again: Wake, jurisdiction: str, ids: list[str], stored: dict[str, Any]) -> Any:
    async def after_commit() -> None:
        await wake_again(jurisdiction, ids, stored)

    return after_commit


async def _nothing(jurisdiction: str, ids: list[str], stored: dict[str, Any]) -> None:
    return None


def consumers(wake_again: Wake = _nothing, sealer: Sealer | None = None) -> list[EventConsumer]:
    """One per topic, each routing every event type published there (they
    store no secret: ``sealer`` is the installation's all the same)."""
    on_event = handler(wake_again, sealer or Sealer(None))
    made = []
    for topic in EVENT_TOPICS:
        if topic == INTEGRATIONS_EVENTS:  # its own: staff notices, in no feed
            continue
        consumer = EventConsumer(f"integrations.{topic.removesuffix('.events')}", topic)
        for model in registered_events().values():
            if model.topic == topic:
                consumer.on(model)(on_event)
        made.append(consumer)
    return made
