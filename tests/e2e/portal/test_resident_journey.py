"""The resident journey of seed 004 ("PUBLIC LOGIN") in a browser (issue 15):
set up a public account, confirm it from the emailed link, see the permits
where one is applicant or owner, link one by its number and a second fact,
and unlink it — with axe on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import accessible, mailed_link, staff_permit

pytestmark = pytest.mark.e2e
EMAIL = "newresident@example.org"


def test_enroll_confirm_see_link_and_unlink(page: Page, suite: Any) -> None:
    page.goto(f"{suite.portal}/j/demo/login")
    page.get_by_role("link", name="Set up an account").first.click()
    expect(page.locator("h1")).to_have_text("Set up a public account")
    page.fill("#email", "not an email")
    page.click("button:has-text('Continue')")
    expect(page.locator("#email-error")).to_contain_text("name@example.org")
    accessible(page)
    page.fill("#email", EMAIL)
    page.click("button:has-text('Continue')")
    expect(page.locator("h1")).to_have_text("Check your email")
    accessible(page)

    link = mailed_link(suite, EMAIL)
    assert link.startswith(suite.portal), link  # emails link to the portal, not the API
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Confirm your account")
    expect(page.locator("main")).to_contain_text(EMAIL)
    page.fill("#display_name", "Nell Resident")
    page.fill("#password", "Nell resident passphrase 7")
    page.fill("#password_again", "Nell resident passphrase 7")
    page.click("button:has-text('Continue')")
    expect(page).to_have_url(re.compile(r"/j/demo/dashboard"))
    expect(page.locator("main")).to_contain_text("Hello NELL RESIDENT.")
    accessible(page)

    # a permit where she is the applicant shows on her dashboard (R-ID-6)
    hers = staff_permit(suite, "12 Nell Way", EMAIL)
    page.reload()
    expect(page.locator("tr", has_text=hers["number"])).to_contain_text("12 Nell Way")

    # link somebody else's permit by its number and the site's street number
    other = staff_permit(suite, "4321 Link Ln", "someone.else@example.org")
    page.click("a:has-text('Link to permits')")
    page.fill("#number", other["number"])
    page.fill("#second_fact", "9999")
    page.click("button:has-text('Link')")
    expect(page.locator("#number-error")).to_contain_text("No permit matches")
    accessible(page)
    page.fill("#number", other["number"])
    page.fill("#second_fact", "4321")
    page.click("button:has-text('Link')")
    expect(page.locator("main")).to_contain_text("This permit is linked to your account.")
    expect(page.locator("h1")).to_have_text(f"Permit {other['number']}")
    accessible(page)
    page.click("nav[aria-label=Main] >> text=Dashboard")
    expect(page.locator("tr", has_text=other["number"])).to_contain_text("4321 Link Ln")

    # accidentally linked: Unlink Permit
    page.click(f"a:has-text('{other['number']}')")
    page.click("button:has-text('Unlink Permit')")
    expect(page.locator("main")).to_contain_text("The permit is unlinked from your account.")
    expect(page.locator("tr", has_text=other["number"])).to_have_count(0)
    expect(page.locator("tr", has_text=hers["number"])).to_have_count(1)
