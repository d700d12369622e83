"""Consumers of identity's, permits' and payments' events."""

from __future__ import annotations

from typing import Any

from chassis.consumer import EventConsumer, EventContext
from chassis.mongo import apply_in_order
from contracts.identity import JurisdictionCreated, JurisdictionUpdated
from contracts.payments import PaymentRefunded, PaymentSettled
from contracts.permits import (
    FeeAssessed,
    FeeVoided,
    Party,
    PermitCancelled,
    PermitExpired,
    PermitIssued,
    PermitPartiesChanged,
    PermitReinstated,
    PermitStatusChanged,
)
from contracts.topics import IDENTITY_EVENTS, PAYMENTS_EVENTS, PERMITS_EVENTS
from inspections.handlers.scheduling import cancel_pending
from inspections.handlers.state import Permits, Zones


def _emails(*parties: Party | None) -> list[str]:
    return list(dict.fromkeys(p.email.lower() for p in parties if p is not None and p.email))


async def _apply(
    ctx: EventContext,
    jid: str,
    permit_id: str,
    version: int,
    fields: dict[str, Any],
    *,
    same_version: bool = False,
) -> bool:
    """Permits emits a status change and its specific event (issued, expired,
    cancelled) in one transaction with one version: those apply at an equal
    version too (``same_version``)."""
    repo = ctx.tx.repo(Permits, jid)
    return await apply_in_order(repo, permit_id, version, fields, same_version=same_version)


def identity_consumer() -> EventConsumer:
    consumer = EventConsumer("inspections.identity", IDENTITY_EVENTS)

    @consumer.on(JurisdictionCreated)
    @consumer.on(JurisdictionUpdated)
    async def on_jurisdiction(
        event: JurisdictionCreated | JurisdictionUpdated, ctx: EventContext
    ) -> None:
        jid = event.jurisdiction_id
        await ctx.tx.repo(Zones, jid).update_one(
            {"_id": jid}, {"$set": {"time_zone": event.time_zone, "name": event.name}}, upsert=True
        )

    return consumer


def permits_consumer() -> EventConsumer:
    consumer = EventConsumer("inspections.permits", PERMITS_EVENTS)

    @consumer.on(PermitIssued)
    async def on_issued(event: PermitIssued, ctx: EventContext) -> None:
        await _apply(
            ctx,
            event.jurisdiction_id,
            event.permit_id,
            event.version,
            {
                "number": event.number,
                "type_name": event.type_name,
                "address": event.site.street,
                "area": event.site.zip,
                "inspection_types": event.inspection_types,
                "status": "ISSUED",
                "party_emails": _emails(event.applicant, event.owner),
                "company_ids": event.company_ids,
            },
            same_version=True,
        )

    @consumer.on(PermitStatusChanged)
    async def on_status(event: PermitStatusChanged, ctx: EventContext) -> None:
        await _apply(
            ctx,
            event.jurisdiction_id,
            event.permit_id,
            event.version,
            {"status": event.to_status, "number": event.number},
        )

    @consumer.on(PermitReinstated)
    async def on_reinstated(event: PermitReinstated, ctx: EventContext) -> None:
        await _apply(
            ctx, event.jurisdiction_id, event.permit_id, event.version, {"status": event.to_status}
        )

    @consumer.on(PermitPartiesChanged)
    async def on_parties(event: PermitPartiesChanged, ctx: EventContext) -> None:
        await _apply(
            ctx,
            event.jurisdiction_id,
            event.permit_id,
            event.version,
            {
                "party_emails": _emails(event.applicant, event.owner),
                "company_ids": event.company_ids,
                "linked_accounts": event.linked_accounts,
            },
        )

    @consumer.on(PermitExpired)
    async def on_expired(event: PermitExpired, ctx: EventContext) -> None:
        """R-PER-5: an expired permit's pending inspections are cancelled."""
        if await _apply(
            ctx,
            event.jurisdiction_id,
            event.permit_id,
            event.version,
            {"status": "EXPIRED"},
            same_version=True,
        ):
            await cancel_pending(
                ctx.tx, event.jurisdiction_id, event.permit_id, "the permit expired"
            )

    @consumer.on(PermitCancelled)
    async def on_cancelled(event: PermitCancelled, ctx: EventContext) -> None:
        if await _apply(
            ctx,
            event.jurisdiction_id,
            event.permit_id,
            event.version,
            {"status": "CANCELLED"},
            same_version=True,
        ):
            await cancel_pending(
                ctx.tx, event.jurisdiction_id, event.permit_id, "the permit was cancelled"
            )

    @consumer.on(FeeAssessed)
    async def on_fees(event: FeeAssessed, ctx: EventContext) -> None:
        await ctx.tx.repo(Permits, event.jurisdiction_id).update_one(
            {"_id": event.permit_id},
            {"$addToSet": {"open_lines": {"$each": [ln.line_id for ln in event.lines]}}},
            upsert=True,
        )

    @consumer.on(FeeVoided)
    async def on_void(event: FeeVoided, ctx: EventContext) -> None:
        await ctx.tx.repo(Permits, event.jurisdiction_id).update_one(
            {"_id": event.permit_id}, {"$pull": {"open_lines": event.line_id}}
        )

    return consumer


def payments_consumer() -> EventConsumer:
    """Which fee lines are paid: for the optional "no inspections while fees are due" rule."""
    consumer = EventConsumer("inspections.payments", PAYMENTS_EVENTS)

    @consumer.on(PaymentSettled)
    async def on_settled(event: PaymentSettled, ctx: EventContext) -> None:
        for a in event.allocations:
            await ctx.tx.repo(Permits, event.jurisdiction_id).update_one(
                {"_id": a.permit_id}, {"$pull": {"open_lines": {"$in": a.line_ids}}}
            )

    @consumer.on(PaymentRefunded)
    async def on_refunded(event: PaymentRefunded, ctx: EventContext) -> None:
        for a in event.allocations:
            await ctx.tx.repo(Permits, event.jurisdiction_id).update_one(
                {"_id": a.permit_id}, {"$addToSet": {"open_lines": {"$each": a.line_ids}}}
            )

    return consumer
