"""R-NOT: the enrollment confirmation email carries the link; HTML is escaped."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from jinja2 import UndefinedError

from notifications.adapters.branding import Branding
from notifications.adapters.smtp import build_message
from notifications.adapters.templates import EmailTemplates


def _context(**over: Any) -> dict[str, Any]:
    brand = Branding(display_name="Demo County", from_address=None, time_zone="America/Boise")
    return {
        "jurisdiction_name": "Demo County",
        "email": "pat@example.org",
        "kind_label": "community member",
        "link": "http://gw/v1/enrollments/demo.abc",
        "expires_at": datetime(2026, 1, 2, 17, 30, tzinfo=UTC),
        "when": brand.when,
        **over,
    }


def test_confirmation_email_contains_link_in_text_and_html() -> None:
    email = EmailTemplates().render("email_verification", _context())
    assert email.subject == "Confirm your email for Demo County"
    assert "http://gw/v1/enrollments/demo.abc" in email.text
    assert 'href="http://gw/v1/enrollments/demo.abc"' in email.html


def test_html_is_escaped_but_text_is_not_mangled() -> None:
    email = EmailTemplates().render(
        "email_verification", _context(jurisdiction_name="A & B <Town>")
    )
    assert "A &amp; B &lt;Town&gt;" in email.html
    assert "A & B <Town>" in email.text


def test_missing_variable_is_an_error_not_a_blank() -> None:
    ctx = _context()
    del ctx["link"]
    with pytest.raises(UndefinedError):
        EmailTemplates().render("email_verification", ctx)


def test_message_id_is_derived_from_the_event_id() -> None:
    """A resend after a crash carries the same Message-ID (receivers can de-duplicate)."""
    delivery = {
        "_id": "evt-123",
        "to": "pat@example.org",
        "subject": "s",
        "text": "t",
        "html": "<p>t</p>",
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    a = build_message(delivery, "from@example.org")
    b = build_message(delivery, "from@example.org")
    assert a["Message-ID"] == b["Message-ID"] == "<evt-123@permitsuite>"


def test_dates_are_shown_in_the_jurisdictions_time_zone() -> None:
    email = EmailTemplates().render("email_verification", _context())
    assert "January 2, 2026 at 10:30 AM MST" in email.text  # 17:30 UTC in Boise


@pytest.mark.parametrize(
    ("template", "extra", "expected"),
    [
        (
            "invitation",
            {"roles": ["permit_technician"], "company_name": None, "kind_label": "staff"},
            "with the role permit technician",
        ),
        (
            "invitation",
            {"roles": [], "company_name": "Rich Contractor"},
            "authorized online user of Rich Contractor",
        ),
        ("password_reset", {}, "Choose a new password here"),
        ("registration_confirmation", {}, "continue your registration"),
        ("registration_pending", {"company_name": "Sparky"}, "Pending Validation"),
        (
            "registration_accepted",
            {
                "company_name": "Sparky",
                "registrant_name": "Sam",
                "login_link": "http://portal/j/alpha/login",
            },
            "apply for permits",
        ),
        (
            "registration_returned",
            {
                "company_name": "Sparky",
                "comment": None,
                "needs_info": [{"label": "Insurance", "comment": "unsigned"}],
            },
            "- Insurance: unsigned",
        ),
        (
            "fees_assessed",
            {
                "number": "RES16-0688",
                "type_name": "RESIDENTIAL",
                "address": "1968 E Dodd Rd",
                "balance_minor": 102398,
                "money": lambda m: f"${m / 100:,.2f}",
                "link": "http://portal/j/alpha/permits/p1",
                "lines": [{"name": "PLANNING", "amount_minor": 3500}],
            },
            "Fees due now: $1,023.98",
        ),
        (
            "permit_issued",
            {
                "number": "RES17-0150",
                "type_name": "RESIDENTIAL",
                "address": "x",
                "issued_at": datetime(2026, 1, 1, tzinfo=UTC),
                "inspection_types": ["BUILDING FINAL"],
            },
            "BUILDING FINAL",
        ),
        ("permit_expiring", {"number": "RES17-0150"}, "no passing inspection"),
        (
            "permit_expired",
            {"number": "RES17-0150", "expired_at": datetime(2026, 7, 1, tzinfo=UTC)},
            "expired on",
        ),
        ("registration_denied", {"company_name": "Sparky", "reason": "No license"}, "No license"),
        (
            "webhook_endpoint_disabled",
            {
                "url": "https://gis.example.gov/hook",
                "description": "GIS",
                "reason": "every delivery failed for 3 days",
                "disabled_at": datetime(2026, 7, 1, 18, tzinfo=UTC),
                "failing_since": None,
                "endpoint_id": "e1",
            },
            "was disabled on",
        ),
        (
            "payment_receipt",
            {
                "money": lambda m: f"${m / 100:,.2f}",
                "receipt_number": "R2026-000001",
                "payer_name": None,
                "settled_at": datetime(2026, 1, 1, tzinfo=UTC),
                "method": "card",
                "channel": "online",
                "allocations": [{"number": "RES16-0688", "amount_minor": 102398}],
                "fees_minor": 102398,
                "convenience_fee_minor": 3072,
                "convenience_fee_label": "Access Idaho Fee",
                "total_minor": 105470,
            },
            "Access Idaho Fee: $30.72\nTotal paid: $1,054.70 (card)",
        ),
        (
            "payment_refunded",
            {
                "money": lambda m: f"${m / 100:,.2f}",
                "amount_minor": 3500,
                "reason": "planning fee waived",
                "automatic": False,
                "receipt_number": "R2026-000001",
                "permit_numbers": ["RES16-0688"],
                "refunded_at": datetime(2026, 1, 1, tzinfo=UTC),
            },
            "refunded $35.00 to you",
        ),
        (
            "inspection_scheduled",
            {
                "number": "BRES2018-0000",
                "address": "17575 PEAK AVE",
                "inspection_type": "BUILDING FINAL",
                "day": date(2018, 8, 22),
                "ampm": "AM",
                "cancel_until": datetime(2018, 8, 22, 12, 0, tzinfo=UTC),
            },
            "scheduled for Wednesday 08/22/2018 (AM requested; not guaranteed)",
        ),
        (
            "inspection_cancelled",
            {
                "number": "BRES2018-0000",
                "address": None,
                "inspection_type": "BUILDING FINAL",
                "day": date(2018, 8, 22),
                "reason": "the permit expired",
            },
            "was cancelled: the permit expired",
        ),
        (
            "inspection_rescheduled",
            {
                "number": "BRES2018-0000",
                "address": None,
                "inspection_type": "BUILDING FINAL",
                "from_day": date(2018, 8, 22),
                "day": date(2018, 8, 23),
            },
            "from 08/22/2018 to Thursday 08/23/2018",
        ),
        (
            "inspection_resulted",
            {
                "number": "BRES2018-0000",
                "inspection_type": "BUILDING FINAL",
                "outcome": "fail",
                "comments": None,
                "corrections": ["strap water heater"],
                "day": date(2018, 8, 22),
            },
            "- strap water heater",
        ),
        (
            "payment_duplicate_notice",
            {
                "money": lambda m: f"${m / 100:,.2f}",
                "amount_minor": 105470,
                "permit_numbers": ["RES16-0688"],
                "refunded_at": datetime(2026, 1, 1, tzinfo=UTC),
            },
            "Your payment stands",
        ),
        (
            "password_changed",
            {
                "changed_at": datetime(2026, 1, 1, tzinfo=UTC),
                "how": "reset",
                "reset_hint": "http://gw/reset",
            },
            "reset by email link",
        ),
    ],
)
def test_each_identity_email_renders(template: str, extra: dict[str, Any], expected: str) -> None:
    email = EmailTemplates().render(template, _context(**extra))
    assert expected in email.text
    assert email.subject and email.html.startswith("<!doctype html>")
