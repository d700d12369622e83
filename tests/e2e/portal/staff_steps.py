"""What a staff member does in the staff console, shared by the journeys
that need staff in the middle of them (seed 002's review round, seed 000's
company on a permit): in a browser of their own, as a person would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playwright.sync_api import Browser, Page, expect

from .conftest import accessible, log_in

ADMIN = "admin@demo.example.org"


def pick(scope: Any, text: str | re.Pattern[str]) -> None:
    """Choose a USWDS radio or checkbox as a person does: by its label (the
    input itself is drawn by the label and kept off-screen)."""
    wanted = re.compile(f"^{re.escape(text)}$") if isinstance(text, str) else text
    scope.locator("label", has_text=wanted).click()


@contextmanager
def staff_browser(browser: Browser, suite: Any, who: str = ADMIN) -> Iterator[Page]:
    """A browser of the staff member's own, logged in on their work queues."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        log_in(page, suite, who, suite.passwords[who])
        expect(page.locator("h1")).to_have_text("Work queues")
        yield page
    finally:
        context.close()


def review_registration(
    page: Page,
    company: str,
    marks: dict[str, tuple[str, str]],
    decision: str,
    reason: str = "",
) -> None:
    """Seed 002's review: the registration found in the inbox, each
    requirement of ``marks`` marked (``"Needs Info"`` or ``"Approved"``, with
    a note), then the decision (``"Accept"``, ``"Return for more
    information"``, ``"Deny"``) with its reason."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Registrations").click()
    expect(page.locator("h1")).to_have_text("Registrations")
    page.get_by_role("link", name=company).click()
    expect(page.locator("h1")).to_have_text(company)
    accessible(page)
    for requirement, (mark, note) in marks.items():
        article = page.locator(f"#requirement-{requirement}")
        pick(article, mark)
        article.get_by_label("Note for the registrant").fill(note)
        article.get_by_role("button", name=re.compile("^Save review")).click()
        expect(page.locator(f"#requirement-{requirement}")).to_contain_text(mark.lower())
    section = page.locator("section", has=page.locator("#decision-heading"))
    pick(section, decision)
    if reason:
        section.get_by_label("Reason (emailed to the registrant)").fill(reason)
    section.get_by_role("button", name="Record the decision").click()
    expect(page.locator("main")).to_contain_text(f"{company}: ")
    accessible(page)
