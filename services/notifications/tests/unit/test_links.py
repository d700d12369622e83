"""Links in emails lead to the portal's pages, never to the API (issue 12.15)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from contracts.permits import FeeAssessed, FeeLine, SiteAddress
from notifications.consumers import permits_consumer
from notifications.links import PortalLinks
from notifications.settings import NotificationsSettings


def test_portal_pages_live_under_the_jurisdiction_and_escape_ids() -> None:
    links = PortalLinks("https://permits.example.gov/")
    assert links.login("demo") == "https://permits.example.gov/j/demo/login"
    assert links.permit("demo", "a/b?c") == "https://permits.example.gov/j/demo/permits/a%2Fb%3Fc"


async def test_the_fees_are_due_email_links_to_the_permit_page() -> None:
    sent: list[dict[str, Any]] = []

    async def send(ctx: Any, **kwargs: Any) -> None:
        sent.append(kwargs)

    settings = NotificationsSettings(public_base_url="https://permits.example.gov")
    consumer = permits_consumer(settings, send)  # type: ignore[arg-type]
    event = FeeAssessed(
        permit_id="p-1",
        jurisdiction_id="demo",
        number="RES26-0001",
        type_name="RESIDENTIAL",
        site=SiteAddress(street="1968 E Dodd Rd"),
        lines=[FeeLine(line_id="l1", name="PLANNING", amount_minor=3500)],
        balance_minor=3500,
        payer_emails=["pat@example.org"],
        version=3,
    )
    ctx = SimpleNamespace(envelope=SimpleNamespace(jurisdiction="demo"))
    await consumer._routes[FeeAssessed.event_type].handler(event, ctx)  # type: ignore[arg-type]
    [mail] = sent
    assert mail["template"] == "fees_assessed"
    assert mail["link"] == "https://permits.example.gov/j/demo/permits/p-1"
