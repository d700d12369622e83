"""Seed 000 in the staff console (issue 27): staff create a community member
(a first-login PIN shown once), add a contracting company and an authorized
online user of it, and add that company to a permit by its license number;
the user's first login with the PIN, and the permit is on their dashboard
with its fees, which they pay online. axe on every staff page."""

from __future__ import annotations

import re
from typing import Any

from devstack.testing import eventually_sync
from playwright.sync_api import Browser, Page, expect

from .conftest import accessible, permit_with_fees
from .staff_steps import pick, staff_browser

COMPANY = "Seed Zero Builders"
LICENSE = "AEC9000"
USER = "owen@seedzero.example.org"
MEMBER = "maria@seedzero.example.org"
PASSWORD = "Seed zero passphrase 2026"


def _shown_pin(page: Page, who: str) -> str:
    expect(page.locator("h1")).to_have_text(f"{who} is added")
    pin = page.locator("#pin").inner_text()
    assert re.fullmatch(r"\S{6,}", pin), pin
    accessible(page)
    return pin


def test_staff_put_a_company_on_a_permit_and_its_user_pays(
    page: Page, browser: Browser, suite: Any
) -> None:
    number = permit_with_fees(suite, "9 W Seed Zero St", (("BUILDING PERMIT FEE", "250.00"),))
    with staff_browser(browser, suite) as staff:
        menu = staff.get_by_role("navigation", name="Main")
        menu.get_by_role("link", name="Users").click()
        expect(staff.locator("h1")).to_have_text("Users")
        accessible(staff)
        form = staff.locator("form", has=staff.get_by_role("button", name="Create user"))
        pick(form, "Community member")
        form.locator("#email").fill(MEMBER)
        form.locator("#display_name").fill("Maria Member")
        pick(form, "Give a first-login PIN")
        form.get_by_role("button", name="Create user").click()
        _shown_pin(staff, "Maria Member")

        menu.get_by_role("link", name="Companies").click()
        expect(staff.locator("h1")).to_have_text("Companies")
        accessible(staff)
        staff.fill("#name", COMPANY)
        staff.fill("#license_number", LICENSE)
        staff.get_by_role("button", name="Add company").click()
        expect(staff.locator("main")).to_contain_text(f"{COMPANY} is on file.")
        expect(staff.locator("h1")).to_have_text(COMPANY)  # the company's own page
        accessible(staff)
        staff.fill("#email", USER)
        staff.fill("#display_name", "Owen Office")
        pick(staff.locator("main"), "Give a first-login PIN")
        staff.get_by_role("button", name="Add user").click()
        pin = _shown_pin(staff, "Owen Office")

        menu.get_by_role("link", name="Permit review").click()
        staff.goto(staff.url.split("/staff/")[0] + f"/staff/permits?number={number}")
        staff.get_by_role("link", name=number).first.click()
        expect(staff.locator("h1")).to_have_text(f"Permit {number}")
        staff.fill("#license_number", LICENSE)
        staff.get_by_role("button", name="Add company").click()
        expect(staff.locator("main")).to_contain_text(f"{COMPANY} is on the permit.")
        expect(staff.locator("main")).to_contain_text(f"Contractor: {COMPANY}")
        accessible(staff)

    # the company's user: the PIN's first login, the permit, its fees paid
    page.goto(f"{suite.portal}/j/demo/login")
    page.fill("#email", USER)
    page.fill("#password", pin)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/j/demo/setup$"))
    page.fill("#security_question", "First job site")
    page.fill("#security_answer", "Boise")
    page.fill("#security_answer_again", "Boise")
    page.fill("#password", PASSWORD)
    page.fill("#password_again", PASSWORD)
    page.get_by_role("button", name="Continue").click()
    row = page.locator("tr", has_text=number)
    expect(row).to_contain_text("$250.00")
    row.get_by_role("button", name=re.compile(r"\$250\.00")).click()
    expect(page.locator("h1")).to_have_text("Checkout Summary")
    expect(page.locator("#total-fees")).to_have_text("$250.00")
    pick(page.locator("main"), re.compile("^Credit Card"))
    page.get_by_role("button", name="Proceed to Payment").click()
    page.get_by_role("button", name="Approve").click()
    expect(page).to_have_url(re.compile(r"/j/demo/payments/[^/]+$"))

    def settled() -> bool:
        page.reload()
        return page.locator("h1").inner_text().startswith("Receipt ")

    eventually_sync(settled, timeout=30, what="the receipt once the provider confirmed")
    expect(page.locator("main")).to_contain_text(number)
    accessible(page)
