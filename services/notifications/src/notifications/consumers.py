"""Event consumers: one email per event, exactly once per event id (R-NOT)."""

from __future__ import annotations

from typing import Any

from chassis.consumer import EventConsumer, EventContext
from contracts.identity import (
    EmailVerificationRequested,
    InvitationIssued,
    JurisdictionCreated,
    JurisdictionUpdated,
    PasswordChanged,
    PasswordResetRequested,
)
from contracts.inspections import (
    InspectionCancelled,
    InspectionRescheduled,
    InspectionResulted,
    InspectionScheduled,
)
from contracts.payments import PaymentRefunded, PaymentSettled
from contracts.permits import FeeAssessed, PermitExpired, PermitExpiring, PermitIssued
from contracts.registration import (
    RegistrationAccepted,
    RegistrationDenied,
    RegistrationEmailConfirmationRequested,
    RegistrationReturned,
    RegistrationSubmitted,
)
from contracts.topics import (
    IDENTITY_EVENTS,
    INSPECTIONS_EVENTS,
    PAYMENTS_EVENTS,
    PERMITS_EVENTS,
    REGISTRATION_EVENTS,
)
from notifications import branding
from notifications.adapters.templates import EmailTemplates
from notifications.deliveries import Deliveries, DeliveryWorker, new_delivery
from notifications.links import PortalLinks
from notifications.settings import NotificationsSettings

KIND_LABELS = {
    "community_member": "community member",
    "contractor": "contractor",
    "staff": "staff",
    "operator": "operator",
}


class Mailer:
    """Render a template with the jurisdiction's branding and record the delivery."""

    def __init__(self, templates: EmailTemplates, worker: DeliveryWorker) -> None:
        self.templates = templates
        self.worker = worker

    async def __call__(
        self,
        ctx: EventContext,
        *,
        to: str,
        template: str,
        jurisdiction_name: str,
        part: str | None = None,
        **context: Any,
    ) -> None:
        """``part`` names a second email of the same event (another recipient)."""
        templates, worker = self.templates, self.worker
        jid = ctx.envelope.jurisdiction
        brand = await branding.load(ctx.tx.db, ctx.tx.session, jid, jurisdiction_name)
        rendered = templates.render(
            template,
            {"jurisdiction_name": brand.display_name, "when": brand.when, "email": to, **context},
        )
        delivery_id = f"{ctx.envelope.id}:{part}" if part else ctx.envelope.id
        delivery = new_delivery(
            event_id=delivery_id,
            event_type=ctx.envelope.type,
            to=to,
            template=template,
            email=rendered,
            clock=ctx.tx.clock,
            mail_from=brand.from_address,
        )
        await ctx.tx.repo(Deliveries, jid or "_platform").insert_one(delivery)
        ctx.tx.after_commit(lambda: worker.send_now(delivery_id))  # type: ignore[arg-type,return-value]


def identity_consumer(settings: NotificationsSettings, send: Mailer) -> EventConsumer:
    consumer = EventConsumer("notifications.identity", IDENTITY_EVENTS)
    base = settings.public_base_url.rstrip("/")

    @consumer.on(JurisdictionCreated)
    @consumer.on(JurisdictionUpdated)
    async def on_jurisdiction_changed(
        event: JurisdictionCreated | JurisdictionUpdated, ctx: EventContext
    ) -> None:
        await branding.save(
            ctx.tx.db,
            ctx.tx.session,
            jurisdiction_id=event.jurisdiction_id,
            name=event.name,
            time_zone=event.time_zone,
            branding=event.branding,
        )

    @consumer.on(EmailVerificationRequested)
    async def on_email_verification_requested(
        event: EmailVerificationRequested, ctx: EventContext
    ) -> None:
        await send(
            ctx,
            to=event.email,
            template="email_verification",
            jurisdiction_name=event.jurisdiction_name,
            kind_label=KIND_LABELS.get(event.kind, event.kind),
            link=f"{base}/v1/enrollments/{event.token}",
            expires_at=event.expires_at,
        )

    @consumer.on(InvitationIssued)
    async def on_invitation_issued(event: InvitationIssued, ctx: EventContext) -> None:
        await send(
            ctx,
            to=event.email,
            template="invitation",
            jurisdiction_name=event.jurisdiction_name,
            kind_label=KIND_LABELS.get(event.kind, event.kind),
            roles=event.roles,
            company_name=event.company_name,
            link=f"{base}/v1/invitations/{event.token}",
            expires_at=event.expires_at,
        )

    @consumer.on(PasswordResetRequested)
    async def on_password_reset_requested(event: PasswordResetRequested, ctx: EventContext) -> None:
        await send(
            ctx,
            to=event.email,
            template="password_reset",
            jurisdiction_name=event.jurisdiction_name,
            link=f"{base}/v1/password-resets/{event.token}",
            expires_at=event.expires_at,
        )

    @consumer.on(PasswordChanged)
    async def on_password_changed(event: PasswordChanged, ctx: EventContext) -> None:
        await send(
            ctx,
            to=event.email,
            template="password_changed",
            jurisdiction_name=event.jurisdiction_name,
            changed_at=event.changed_at,
            how=event.how,
            reset_hint=f"{base}/v1/jurisdictions/{event.jurisdiction_id}/password-resets",
        )

    return consumer


def registration_consumer(settings: NotificationsSettings, send: Mailer) -> EventConsumer:
    """R-NOT: registration confirmation, pending validation, accepted, returned, denied."""
    consumer = EventConsumer("notifications.registration", REGISTRATION_EVENTS)
    base = settings.public_base_url.rstrip("/")

    @consumer.on(RegistrationEmailConfirmationRequested)
    async def on_confirmation_requested(
        event: RegistrationEmailConfirmationRequested, ctx: EventContext
    ) -> None:
        await send(
            ctx,
            to=event.email,
            template="registration_confirmation",
            jurisdiction_name=event.jurisdiction_id,
            link=f"{base}/v1/registrations/confirm/{event.token}",
            expires_at=event.expires_at,
        )

    @consumer.on(RegistrationSubmitted)
    async def on_submitted(event: RegistrationSubmitted, ctx: EventContext) -> None:
        if event.acceptance_mode == "staff_review":
            await send(
                ctx,
                to=event.registrant_email,
                template="registration_pending",
                jurisdiction_name=event.jurisdiction_id,
                company_name=event.company_name,
            )

    @consumer.on(RegistrationAccepted)
    async def on_accepted(event: RegistrationAccepted, ctx: EventContext) -> None:
        await send(
            ctx,
            to=event.registrant_email,
            template="registration_accepted",
            jurisdiction_name=event.jurisdiction_id,
            company_name=event.company.name,
            registrant_name=event.registrant_name,
            login_link=PortalLinks(base).login(event.jurisdiction_id),
        )

    @consumer.on(RegistrationReturned)
    async def on_returned(event: RegistrationReturned, ctx: EventContext) -> None:
        await send(
            ctx,
            to=event.registrant_email,
            template="registration_returned",
            jurisdiction_name=event.jurisdiction_id,
            company_name=event.company_name,
            needs_info=event.needs_info,
            comment=event.comment,
            link=f"{base}/v1/registrations/resume/{event.resume_token}",
            expires_at=event.resume_expires_at,
        )

    @consumer.on(RegistrationDenied)
    async def on_denied(event: RegistrationDenied, ctx: EventContext) -> None:
        await send(
            ctx,
            to=event.registrant_email,
            template="registration_denied",
            jurisdiction_name=event.jurisdiction_id,
            company_name=event.company_name,
            reason=event.reason,
        )

    return consumer


def _money(minor: int) -> str:
    return f"${minor / 100:,.2f}"


def _recipients(applicant: Any, owner: Any) -> list[str]:
    """The applicant and the owner (each once). Company users are told through
    their dashboards; their addresses are identity's."""
    emails = [p.email for p in (applicant, owner) if p is not None and p.email]
    return list(dict.fromkeys(emails))


def permits_consumer(settings: NotificationsSettings, send: Mailer) -> EventConsumer:
    """R-NOT: fees assessed (payment due), permit issued, about to expire, expired."""
    consumer = EventConsumer("notifications.permits", PERMITS_EVENTS)
    base = settings.public_base_url.rstrip("/")

    async def each(ctx: EventContext, to: list[str], template: str, **context: Any) -> None:
        # One delivery per event: the first recipient gets it, the rest in copy.
        if to:
            await send(
                ctx,
                to=", ".join(to),
                template=template,
                jurisdiction_name=ctx.envelope.jurisdiction or "",
                money=_money,
                **context,
            )

    @consumer.on(FeeAssessed)
    async def on_fees(event: FeeAssessed, ctx: EventContext) -> None:
        await each(
            ctx,
            list(dict.fromkeys(event.payer_emails)),
            "fees_assessed",
            number=event.number,
            type_name=event.type_name,
            address=event.site.street,
            lines=event.lines,
            balance_minor=event.balance_minor,
            link=PortalLinks(base).permit(event.jurisdiction_id, event.permit_id),
        )

    @consumer.on(PermitIssued)
    async def on_issued(event: PermitIssued, ctx: EventContext) -> None:
        await each(
            ctx,
            _recipients(event.applicant, event.owner),
            "permit_issued",
            number=event.number,
            type_name=event.type_name,
            address=event.site.street,
            issued_at=event.issued_at,
            expires_at=event.expires_at,
            inspection_types=event.inspection_types,
        )

    @consumer.on(PermitExpiring)
    async def on_expiring(event: PermitExpiring, ctx: EventContext) -> None:
        await each(
            ctx,
            _recipients(event.applicant, event.owner),
            "permit_expiring",
            number=event.number,
            expires_at=event.expires_at,
        )

    @consumer.on(PermitExpired)
    async def on_expired(event: PermitExpired, ctx: EventContext) -> None:
        await each(
            ctx,
            _recipients(event.applicant, event.owner),
            "permit_expired",
            number=event.number,
            expired_at=event.expired_at,
        )

    return consumer


def payments_consumer(settings: NotificationsSettings, send: Mailer) -> EventConsumer:
    """R-NOT: the receipt of every settled payment; refunds, and both payers
    told when a double charge was refunded automatically (R-PAY-5)."""
    consumer = EventConsumer("notifications.payments", PAYMENTS_EVENTS)

    @consumer.on(PaymentSettled)
    async def on_settled(event: PaymentSettled, ctx: EventContext) -> None:
        if not event.payer_email:
            return  # a counter payment without an address: the desk printed it
        await send(
            ctx,
            to=event.payer_email,
            template="payment_receipt",
            jurisdiction_name=ctx.envelope.jurisdiction or "",
            money=_money,
            receipt_number=event.receipt_number,
            payer_name=event.payer_name,
            settled_at=event.settled_at,
            method=event.method,
            channel=event.channel,
            allocations=event.allocations,
            fees_minor=event.fees_minor or sum(a.amount_minor for a in event.allocations),
            convenience_fee_minor=event.convenience_fee_minor,
            convenience_fee_label=event.convenience_fee_label or "Convenience fee",
            total_minor=event.total_minor or sum(a.amount_minor for a in event.allocations),
        )

    @consumer.on(PaymentRefunded)
    async def on_refunded(event: PaymentRefunded, ctx: EventContext) -> None:
        common: dict[str, Any] = {
            "money": _money,
            "amount_minor": event.amount_minor or 0,
            "reason": event.reason or "",
            "automatic": event.automatic,
            "receipt_number": event.receipt_number,
            "permit_numbers": event.permit_numbers,
            "refunded_at": event.refunded_at,
        }
        if event.payer_email:
            await send(
                ctx,
                to=event.payer_email,
                template="payment_refunded",
                jurisdiction_name=ctx.envelope.jurisdiction or "",
                **common,
            )
        if event.automatic and event.other_payer_email:
            await send(
                ctx,
                to=event.other_payer_email,
                template="payment_duplicate_notice",
                jurisdiction_name=ctx.envelope.jurisdiction or "",
                part="other-payer",
                **common,
            )

    return consumer


def inspections_consumer(settings: NotificationsSettings, send: Mailer) -> EventConsumer:
    """R-NOT: inspection scheduled, rescheduled, cancelled (also when the permit
    expired) and resulted — to the requester and the permit's applicant and owner."""
    consumer = EventConsumer("notifications.inspections", INSPECTIONS_EVENTS)

    async def each(ctx: EventContext, to: list[str], template: str, **context: Any) -> None:
        if to:
            await send(
                ctx,
                to=", ".join(dict.fromkeys(to)),
                template=template,
                jurisdiction_name=ctx.envelope.jurisdiction or "",
                **context,
            )

    @consumer.on(InspectionScheduled)
    async def on_scheduled(event: InspectionScheduled, ctx: EventContext) -> None:
        await each(
            ctx,
            event.notify_emails,
            "inspection_scheduled",
            number=event.number,
            address=event.address,
            inspection_type=event.inspection_type,
            day=event.date,
            ampm=event.ampm,
            cancel_until=event.cancel_until,
        )

    @consumer.on(InspectionRescheduled)
    async def on_rescheduled(event: InspectionRescheduled, ctx: EventContext) -> None:
        await each(
            ctx,
            event.notify_emails,
            "inspection_rescheduled",
            number=event.number,
            address=event.address,
            inspection_type=event.inspection_type,
            from_day=event.from_date,
            day=event.date,
        )

    @consumer.on(InspectionCancelled)
    async def on_cancelled(event: InspectionCancelled, ctx: EventContext) -> None:
        await each(
            ctx,
            event.notify_emails,
            "inspection_cancelled",
            number=event.number,
            address=event.address,
            inspection_type=event.inspection_type,
            day=event.date,
            reason=event.reason,
        )

    @consumer.on(InspectionResulted)
    async def on_resulted(event: InspectionResulted, ctx: EventContext) -> None:
        await each(
            ctx,
            event.notify_emails,
            "inspection_resulted",
            number=event.number or event.permit_id,
            inspection_type=event.inspection_type,
            outcome=(event.outcome or event.result).replace("_", " "),
            comments=event.comments,
            corrections=event.corrections,
            day=event.date,
        )

    return consumer
