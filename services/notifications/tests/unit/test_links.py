"""Links in emails lead to the portal's pages (issue 12.15); the emails table
decides template, recipients and context (R-NOT)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contracts.payments import PaymentRefunded
from contracts.permits import FeeAssessed, FeeLine, SiteAddress
from contracts.registration import RegistrationSubmitted
from notifications.domain.emails import EMAILS
from notifications.domain.links import PortalLinks
from notifications.service_layer.notify import notify

LINKS = PortalLinks("https://permits.example.gov")
TEMPLATES = Path(__file__).parents[2] / "src" / "notifications" / "templates"


class Recorder:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def __call__(self, **kwargs: Any) -> None:
        self.sent.append(kwargs)


def test_portal_pages_live_under_the_jurisdiction_and_escape_ids() -> None:
    links = PortalLinks("https://permits.example.gov/")
    assert links.login("demo") == "https://permits.example.gov/j/demo/login"
    assert links.permit("demo", "a/b?c") == "https://permits.example.gov/j/demo/permits/a%2Fb%3Fc"


def test_one_time_links_open_the_portals_pages_not_the_api() -> None:
    """Issue 15: an emailed secret lands on the portal's page for it (the secret
    names its jurisdiction); nothing in an email points at ``/v1/``."""
    base = "https://permits.example.gov"
    assert LINKS.enrollment("demo.s3cret") == f"{base}/enrollments/demo.s3cret"
    assert LINKS.invitation("demo.s3cret") == f"{base}/invitations/demo.s3cret"
    assert LINKS.password_reset("demo.s/x") == f"{base}/password-resets/demo.s%2Fx"
    assert LINKS.registration_confirm("demo.s") == f"{base}/registrations/confirm/demo.s"
    assert LINKS.registration_resume("demo.s") == f"{base}/registrations/resume/demo.s"
    assert LINKS.reset_hint("demo") == f"{base}/j/demo/forgot"


def test_every_email_in_the_table_has_its_three_templates() -> None:
    for emails in EMAILS.values():
        for email in emails:
            for part in ("subject", "txt", "html"):
                assert (TEMPLATES / f"{email.template}.{part}.j2").exists(), email.template


async def test_the_fees_are_due_email_links_to_the_permit_page() -> None:
    event = FeeAssessed(
        permit_id="p-1",
        jurisdiction_id="demo",
        number="RES26-0001",
        type_name="RESIDENTIAL",
        site=SiteAddress(street="1968 E Dodd Rd"),
        lines=[FeeLine(line_id="l1", name="PLANNING", amount_minor=3500)],
        balance_minor=3500,
        payer_emails=["pat@example.org", "olive@example.org", "pat@example.org"],
        version=3,
    )
    mailer = Recorder()
    assert await notify(event, "demo", mailer, LINKS) == 1
    [mail] = mailer.sent
    assert (mail["template"], mail["to"]) == ("fees_assessed", "pat@example.org, olive@example.org")
    assert mail["context"]["link"] == "https://permits.example.gov/j/demo/permits/p-1"
    assert mail["context"]["money"](102398) == "$1,023.98"


async def test_amounts_in_emails_are_in_the_events_own_currency() -> None:
    """Issue 24: the receipt, refund and fee emails printed ``$`` whatever the
    event's currency; an amount now reads in its own."""
    event = PaymentRefunded(
        payment_id="pay-1",
        jurisdiction_id="demo",
        allocations=[],
        refunded_at=datetime(2026, 1, 3, tzinfo=UTC),
        payer_email="rich@example.org",
        amount_minor=123450,
        currency="EUR",
    )
    mailer = Recorder()
    await notify(event, "demo", mailer, LINKS)
    [mail] = mailer.sent
    assert mail["context"]["money"](123450) == "€1,234.50"
    fees = FeeAssessed(
        permit_id="p-1",
        jurisdiction_id="demo",
        number="RES26-0001",
        type_name="RESIDENTIAL",
        site=SiteAddress(street="1 Rue Haute"),
        lines=[FeeLine(line_id="l1", name="PLANNING", amount_minor=3500)],
        balance_minor=3500,
        currency="CHF",
        payer_emails=["pat@example.org"],
        version=3,
    )
    await notify(fees, "demo", mailer, LINKS)
    assert mailer.sent[-1]["context"]["money"](3500) == "35.00 CHF"


async def test_a_double_charge_tells_both_payers_and_a_plain_refund_one() -> None:
    def refunded(automatic: bool) -> PaymentRefunded:
        return PaymentRefunded(
            payment_id="pay-1",
            jurisdiction_id="demo",
            allocations=[],
            refunded_at=datetime(2026, 1, 3, tzinfo=UTC),
            payer_email="rich@example.org",
            other_payer_email="pat@example.org",
            automatic=automatic,
        )

    both, one = Recorder(), Recorder()
    await notify(refunded(True), "demo", both, LINKS)
    await notify(refunded(False), "demo", one, LINKS)
    assert [(m["template"], m["to"], m["part"]) for m in both.sent] == [
        ("payment_refunded", "rich@example.org", None),
        ("payment_duplicate_notice", "pat@example.org", "other-payer"),
    ]
    assert [m["template"] for m in one.sent] == ["payment_refunded"]


async def test_an_automatically_accepted_registration_is_not_pending() -> None:
    def submitted(mode: str) -> RegistrationSubmitted:
        return RegistrationSubmitted(
            registration_id="r1",
            jurisdiction_id="demo",
            registrant_email="rich@example.org",
            company_name="Rich Electric",
            acceptance_mode=mode,  # type: ignore[arg-type]
        )

    mailer = Recorder()
    assert await notify(submitted("automatic"), "demo", mailer, LINKS) == 0
    assert await notify(submitted("staff_review"), "demo", mailer, LINKS) == 1
