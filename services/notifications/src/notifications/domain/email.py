"""An email of the table in ``emails.py``: its template, recipients, when it
is sent and the template's context; and the context builders several
entries share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chassis.money import Money
from contracts.payments import PaymentRefunded, PaymentSettled
from contracts.permits import Party
from notifications.domain.links import PortalLinks

Context = Callable[[Any, PortalLinks], dict[str, Any]]
KIND_LABELS = {
    "community_member": "community member",
    "contractor": "contractor",
    "staff": "staff",
    "operator": "operator",
}


def money_in(event: Any) -> Callable[[int], str]:
    """The templates' ``money(minor)`` in the event's own currency (``$1,234.50``,
    ``€12.00``, ``1,234.50 CHF``); events without one are in US dollars."""
    currency = str(getattr(event, "currency", None) or "USD")
    return lambda minor: Money(minor, currency).display()


def no_context(event: Any, links: PortalLinks) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Email:
    template: str
    to: Callable[[Any], list[str]]
    context: Context = no_context
    when: Callable[[Any], bool] = field(default=lambda event: True)
    part: str | None = None  # a second email of one event (another recipient)
    jurisdiction_name: Callable[[Any], str] | None = None  # default: the envelope's


def parties(applicant: Party | None, owner: Party | None) -> list[str]:
    """The applicant and the owner. Company users are told through their
    dashboards; their addresses are identity's."""
    return [p.email for p in (applicant, owner) if p is not None and p.email]


def named(event: Any) -> str:
    return str(event.jurisdiction_name)


def receipt(e: PaymentSettled, links: PortalLinks) -> dict[str, Any]:
    paid = sum(a.amount_minor for a in e.allocations)
    return {
        "money": money_in(e),
        "receipt_number": e.receipt_number,
        "payer_name": e.payer_name,
        "settled_at": e.settled_at,
        "method": e.method,
        "channel": e.channel,
        "allocations": e.allocations,
        "fees_minor": e.fees_minor or paid,
        "convenience_fee_minor": e.convenience_fee_minor,
        "convenience_fee_label": e.convenience_fee_label or "Convenience fee",
        "total_minor": e.total_minor or paid,
    }


def refund_context(e: PaymentRefunded, links: PortalLinks) -> dict[str, Any]:
    return {
        "money": money_in(e),
        "amount_minor": e.amount_minor or 0,
        "reason": e.reason or "",
        "automatic": e.automatic,
        "receipt_number": e.receipt_number,
        "permit_numbers": e.permit_numbers,
        "refunded_at": e.refunded_at,
    }


def visit(e: Any, links: PortalLinks) -> dict[str, Any]:
    return {
        "number": e.number,
        "address": e.address,
        "inspection_type": e.inspection_type,
        "day": e.date,
    }


def recipients(email: Email, event: Any) -> str:
    """One delivery per email: the addresses once each, the first as To."""
    return ", ".join(dict.fromkeys(a for a in email.to(event) if a))
