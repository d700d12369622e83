"""Receivables: per permit, its fee lines and who may pay — from permits' events
(event-carried state), applied in order by the permit's aggregate version."""

from __future__ import annotations

from typing import Any, ClassVar

from chassis.consumer import EventConsumer, EventContext
from chassis.mongo import TenantRepository, apply_in_order
from contracts.permits import FeeAssessed, FeeVoided, PermitPartiesChanged
from contracts.topics import PERMITS_EVENTS


class Receivables(TenantRepository):
    collection_name: ClassVar[str] = "receivables"


async def _apply(
    ctx: EventContext, jid: str, permit_id: str, version: int, fields: dict[str, Any]
) -> None:
    """An event older than what the receivable has seen changes nothing."""
    await apply_in_order(ctx.tx.repo(Receivables, jid), permit_id, version, fields)


def permits_consumer() -> EventConsumer:
    consumer = EventConsumer("payments.permits", PERMITS_EVENTS)

    @consumer.on(FeeAssessed)
    async def on_fee_assessed(event: FeeAssessed, ctx: EventContext) -> None:
        lines = {
            f"lines.{ln.line_id}": {
                "name": ln.name,
                "code": ln.code,
                "amount_minor": ln.amount_minor,
                "status": "open",
            }
            for ln in event.lines
        }
        await _apply(
            ctx,
            event.jurisdiction_id,
            event.permit_id,
            event.version,
            {
                **lines,
                "number": event.number,
                "type_name": event.type_name,
                "address": event.site.street,
                "currency": event.currency,
                "payer_emails": [e.lower() for e in event.payer_emails],
                "company_ids": event.company_ids,
            },
        )

    @consumer.on(FeeVoided)
    async def on_fee_voided(event: FeeVoided, ctx: EventContext) -> None:
        await _apply(
            ctx,
            event.jurisdiction_id,
            event.permit_id,
            event.version,
            {f"lines.{event.line_id}.status": "voided"},
        )

    @consumer.on(PermitPartiesChanged)
    async def on_parties(event: PermitPartiesChanged, ctx: EventContext) -> None:
        emails = [p.email.lower() for p in (event.applicant, event.owner) if p and p.email]
        await _apply(
            ctx,
            event.jurisdiction_id,
            event.permit_id,
            event.version,
            {
                "payer_emails": emails,
                "company_ids": event.company_ids,
                "linked_accounts": event.linked_accounts,
                "number": event.number,
            },
        )

    return consumer
