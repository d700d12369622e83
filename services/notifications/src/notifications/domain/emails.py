"""Which event sends which email to whom (R-NOT): one table, one line per email.

Each entry names the template, the recipients (one delivery per event and
template: the first address gets it, the rest in copy), when it is sent, and
the template's context (``email.py``). Links lead to the portal (``PortalLinks``).
"""

from __future__ import annotations

from contracts import IntegrationEvent
from contracts.identity import (
    EmailVerificationRequested,
    InvitationIssued,
    PasswordChanged,
    PasswordResetRequested,
)
from contracts.inspections import (
    InspectionCancelled,
    InspectionRescheduled,
    InspectionResulted,
    InspectionScheduled,
)
from contracts.integrations import WebhookEndpointDisabled
from contracts.payments import PaymentRefunded, PaymentSettled
from contracts.permits import FeeAssessed, PermitExpired, PermitExpiring, PermitIssued
from contracts.registration import (
    RegistrationAccepted,
    RegistrationDenied,
    RegistrationEmailConfirmationRequested,
    RegistrationReturned,
    RegistrationSubmitted,
)
from notifications.domain.email import (
    KIND_LABELS,
    Email,
    money_in,
    named,
    parties,
    receipt,
    refund_context,
    visit,
)

EMAILS: dict[type[IntegrationEvent], list[Email]] = {
    # -- identity -------------------------------------------------------------
    EmailVerificationRequested: [
        Email(
            "email_verification",
            lambda e: [e.email],
            lambda e, links: {
                "kind_label": KIND_LABELS.get(e.kind, e.kind),
                "link": links.enrollment(e.token),
                "expires_at": e.expires_at,
            },
            jurisdiction_name=named,
        )
    ],
    InvitationIssued: [
        Email(
            "invitation",
            lambda e: [e.email],
            lambda e, links: {
                "kind_label": KIND_LABELS.get(e.kind, e.kind),
                "roles": e.roles,
                "company_name": e.company_name,
                "link": links.invitation(e.token),
                "expires_at": e.expires_at,
            },
            jurisdiction_name=named,
        )
    ],
    PasswordResetRequested: [
        Email(
            "password_reset",
            lambda e: [e.email],
            lambda e, links: {"link": links.password_reset(e.token), "expires_at": e.expires_at},
            jurisdiction_name=named,
        )
    ],
    PasswordChanged: [
        Email(
            "password_changed",
            lambda e: [e.email],
            lambda e, links: {
                "changed_at": e.changed_at,
                "how": e.how,
                "reset_hint": links.reset_hint(e.jurisdiction_id),
            },
            jurisdiction_name=named,
        )
    ],
    # -- registration (R-REG-2…4) ----------------------------------------------
    RegistrationEmailConfirmationRequested: [
        Email(
            "registration_confirmation",
            lambda e: [e.email],
            lambda e, links: {
                "link": links.registration_confirm(e.token),
                "expires_at": e.expires_at,
            },
        )
    ],
    RegistrationSubmitted: [
        Email(
            "registration_pending",
            lambda e: [e.registrant_email],
            lambda e, links: {"company_name": e.company_name},
            when=lambda e: e.acceptance_mode == "staff_review",
        )
    ],
    RegistrationAccepted: [
        Email(
            "registration_accepted",
            lambda e: [e.registrant_email],
            lambda e, links: {
                "company_name": e.company.name,
                "registrant_name": e.registrant_name,
                "login_link": links.login(e.jurisdiction_id),
            },
        )
    ],
    RegistrationReturned: [
        Email(
            "registration_returned",
            lambda e: [e.registrant_email],
            lambda e, links: {
                "company_name": e.company_name,
                "needs_info": e.needs_info,
                "comment": e.comment,
                "link": links.registration_resume(e.resume_token),
                "expires_at": e.resume_expires_at,
            },
        )
    ],
    RegistrationDenied: [
        Email(
            "registration_denied",
            lambda e: [e.registrant_email],
            lambda e, links: {"company_name": e.company_name, "reason": e.reason},
        )
    ],
    # -- permits: fees due, issued, about to expire, expired --------------------
    FeeAssessed: [
        Email(
            "fees_assessed",
            lambda e: list(e.payer_emails),
            lambda e, links: {
                "money": money_in(e),
                "number": e.number,
                "type_name": e.type_name,
                "address": e.site.street,
                "lines": e.lines,
                "balance_minor": e.balance_minor,
                "link": links.permit(e.jurisdiction_id, e.permit_id),
            },
        )
    ],
    PermitIssued: [
        Email(
            "permit_issued",
            lambda e: parties(e.applicant, e.owner),
            lambda e, links: {
                "money": money_in(e),
                "number": e.number,
                "type_name": e.type_name,
                "address": e.site.street,
                "issued_at": e.issued_at,
                "expires_at": e.expires_at,
                "inspection_types": e.inspection_types,
            },
        )
    ],
    PermitExpiring: [
        Email(
            "permit_expiring",
            lambda e: parties(e.applicant, e.owner),
            lambda e, links: {"money": money_in(e), "number": e.number, "expires_at": e.expires_at},
        )
    ],
    PermitExpired: [
        Email(
            "permit_expired",
            lambda e: parties(e.applicant, e.owner),
            lambda e, links: {"money": money_in(e), "number": e.number, "expired_at": e.expired_at},
        )
    ],
    # -- integrations: the jurisdiction's admins, of an endpoint given up on ------
    WebhookEndpointDisabled: [
        Email(
            "webhook_endpoint_disabled",
            lambda e: list(e.notify_emails),
            lambda e, links: {
                "url": e.url,
                "description": e.description,
                "reason": e.reason,
                "disabled_at": e.disabled_at,
                "failing_since": e.failing_since,
                "endpoint_id": e.endpoint_id,
            },
        )
    ],
    # -- payments: the receipt; refunds, and both payers of a double charge ------
    PaymentSettled: [
        # a counter payment without an address: the desk printed the receipt
        Email("payment_receipt", lambda e: [e.payer_email] if e.payer_email else [], receipt)
    ],
    PaymentRefunded: [
        Email(
            "payment_refunded",
            lambda e: [e.payer_email] if e.payer_email else [],
            refund_context,
        ),
        Email(
            "payment_duplicate_notice",
            lambda e: [e.other_payer_email] if e.other_payer_email else [],
            refund_context,
            when=lambda e: e.automatic,
            part="other-payer",
        ),
    ],
    # -- inspections: to the requester and the permit's applicant and owner -----
    InspectionScheduled: [
        Email(
            "inspection_scheduled",
            lambda e: list(e.notify_emails),
            lambda e, links: {**visit(e, links), "ampm": e.ampm, "cancel_until": e.cancel_until},
        )
    ],
    InspectionRescheduled: [
        Email(
            "inspection_rescheduled",
            lambda e: list(e.notify_emails),
            lambda e, links: {**visit(e, links), "from_day": e.from_date},
        )
    ],
    InspectionCancelled: [
        Email(
            "inspection_cancelled",
            lambda e: list(e.notify_emails),
            lambda e, links: {**visit(e, links), "reason": e.reason},
        )
    ],
    InspectionResulted: [
        Email(
            "inspection_resulted",
            lambda e: list(e.notify_emails),
            lambda e, links: {
                "number": e.number or e.permit_id,
                "inspection_type": e.inspection_type,
                "outcome": (e.outcome or e.result).replace("_", " "),
                "comments": e.comments,
                "corrections": e.corrections,
                "day": e.date,
            },
        )
    ],
}
