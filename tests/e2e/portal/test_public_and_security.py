"""The portal's public pages and its protections (issue 15): the start page,
Search Permit without a login, bad input told next to the field, CSRF,
another user's permit as a 404 page, open redirects and session fixation
refused, and a usable page at 320 px. (The keyboard-only runs are the
contractor journey and the automatic registration.)"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .conftest import (
    RESIDENT,
    accessible,
    fits,
    log_in,
    permit_with_fees,
    shot,
    staff_permit,
)

pytestmark = pytest.mark.e2e


def test_start_page_and_public_search(page: Page, suite: Any) -> None:
    page.goto(suite.portal)
    expect(page.locator("h1")).to_have_text("Online permits")
    expect(page.locator("main")).to_contain_text("Demo County Building Department")
    accessible(page)
    page.get_by_role("link", name=re.compile("Search permits of Demo County")).click()
    expect(page.locator("h1")).to_have_text("Search Permit")

    page.fill("#address", "19")  # too vague: told next to the field
    page.click("button:has-text('Search')")
    expect(page.locator("#number-error")).to_contain_text("at least 4 characters")
    accessible(page)

    page.fill("#number", "res26-0003")
    page.fill("#address", "")
    page.click("button:has-text('Search')")
    row = page.locator("tbody tr", has_text="RES26-0003")
    expect(row).to_contain_text("1968 E Dodd Rd")
    expect(row).to_contain_text("RESIDENTIAL")
    accessible(page)
    body = page.content()
    assert "@" not in page.locator("main").inner_text()  # nothing personal: no emails
    assert "contractor@demo" not in body

    page.fill("#number", "")
    page.fill("#address", "1968 E Dod")
    page.click("button:has-text('Search')")
    expect(page.locator("tbody tr", has_text="RES26-0003")).to_have_count(1)

    # issue 23: each result opens the permit's public page — status, dates,
    # its contractor by name, its inspections — and still nothing personal
    page.get_by_role("link", name="RES26-0003").click()
    expect(page.locator("h1")).to_have_text("Permit RES26-0003")
    facts = page.locator(".portal-facts")
    expect(facts).to_contain_text("1968 E Dodd Rd")
    expect(facts).to_contain_text("Rich Contractor")
    expect(page.locator("#public-inspections")).to_be_visible()
    assert "@" not in page.locator("main").inner_text()
    accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    fits(page)


def test_the_departments_address_opens_its_home(page: Page, suite: Any) -> None:
    """Issue 23, defect 3: the header's department name linked to ``/j/demo/``,
    which said "Page not found" (``/j/demo`` too)."""
    for address in ("/j/demo", "/j/demo/"):
        page.goto(f"{suite.portal}{address}")
        expect(page.locator("h1")).to_have_text("Demo County Building Department")
    expect(page.locator("#department-notice")).to_contain_text("The permit counter is open")
    accessible(page)
    page.get_by_role("link", name="Search permits", exact=True).click()
    expect(page.locator("h1")).to_have_text("Search Permit")
    page.get_by_role("link", name="Demo County Building Department").click()  # the header
    expect(page.locator("h1")).to_have_text("Demo County Building Department")
    page.get_by_role("link", name="Log in", exact=True).last.click()
    expect(page.locator("h1")).to_have_text("Log in")


def test_an_incomplete_address_is_a_page_in_the_departments_frame(page: Page, suite: Any) -> None:
    """Issue 23, defects 6 and 10: the schedule page without its permit was
    FastAPI's JSON, and error pages lost the department's header."""
    resident = "resident@demo.example.org"
    log_in(page, suite, resident, suite.passwords[resident])
    expect(page).to_have_url(re.compile(r"/j/demo/dashboard"))
    page.goto(f"{suite.portal}/j/demo/inspections/schedule")
    expect(page.locator("h1")).to_have_text("This address is incomplete")
    expect(page.locator("header")).to_contain_text("Demo County Building Department")
    accessible(page)
    page.get_by_role("link", name="Go to My Dashboard").click()
    expect(page).to_have_url(re.compile(r"/j/demo/dashboard"))


def test_bad_login_input_is_told_next_to_the_field(page: Page, suite: Any) -> None:
    page.goto(f"{suite.portal}/j/demo/login")
    page.click("button:has-text('Log in')")
    expect(page.locator("#email-error")).to_have_text("Enter your email")
    expect(page.locator("#password-error")).to_have_text("Enter your password")
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    accessible(page)
    log_in(page, suite, "contractor@demo.example.org", "not the password")
    expect(page.locator("#password-error")).to_contain_text("not right")
    expect(page.locator("#email")).to_have_value("contractor@demo.example.org")


def test_a_form_without_its_csrf_token_is_refused(page: Page, suite: Any) -> None:
    page.goto(f"{suite.portal}/j/demo/login")  # the visitor's cookie
    answer = page.request.post(
        f"{suite.portal}/j/demo/login",
        form={
            "email": "contractor@demo.example.org",
            "password": suite.passwords["contractor@demo.example.org"],
        },
    )
    assert answer.status == 403
    assert "This form has expired" in answer.text()
    forged = page.request.post(
        f"{suite.portal}/j/demo/login",
        form={
            "csrf_token": "0" * 64,
            "email": "contractor@demo.example.org",
            "password": suite.passwords["contractor@demo.example.org"],
        },
    )
    assert forged.status == 403


def test_another_users_permit_is_a_404_page(page: Page, suite: Any) -> None:
    """The demo resident owns the demo permits; this one is somebody else's."""
    someone_elses = staff_permit(suite, "77 Other St", "someone@example.org")["id"]
    log_in(page, suite, "resident@demo.example.org", suite.passwords["resident@demo.example.org"])
    expect(page).to_have_url(re.compile(r"/j/demo/dashboard"))
    answer = page.goto(f"{suite.portal}/j/demo/permits/{someone_elses}")
    assert answer is not None and answer.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.locator("main")).to_contain_text("please give the reference")
    accessible(page)
    missing = page.goto(f"{suite.portal}/j/nowhere/login")
    assert missing is not None and missing.status == 404


def test_open_redirects_and_session_fixation_are_refused(
    context: BrowserContext, page: Page, suite: Any
) -> None:
    page.goto(f"{suite.portal}/j/demo/login?next=https://evil.example/steal")
    before = {c["name"]: c["value"] for c in context.cookies()}["ps_session"]
    page.fill("#email", "contractor@demo.example.org")
    page.fill("#password", suite.passwords["contractor@demo.example.org"])
    page.click("button:has-text('Log in')")
    expect(page).to_have_url(f"{suite.portal}/j/demo/dashboard")  # not evil.example
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["ps_session"]["value"] != before  # a new id at login
    assert cookies["ps_session"]["httpOnly"] is True
    assert cookies["ps_session"]["sameSite"] == "Lax"
    for bad in ("//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        page.goto(f"{suite.portal}/j/demo/login?next={bad}")  # logged in: straight on
        expect(page).to_have_url(f"{suite.portal}/j/demo/dashboard")


def test_pages_have_a_strict_content_security_policy(page: Page, suite: Any) -> None:
    answer = page.goto(f"{suite.portal}/j/demo/login")
    assert answer is not None
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_usable_at_320_pixels(browser: Any, suite: Any) -> None:
    """WCAG 1.4.10 reflow, and issue 23, defect 7: the Checkout Summary's fee
    table was wider than 320 px, the dashboard turned each permit into a card
    about 660 px tall, and the menu wrapped to five lines."""
    number = permit_with_fees(
        suite,
        "1968 E Dodd Rd",
        (
            ("RES/GAR/ADD PARTIAL PLAN REVIEW FEE", "130.15"),
            ("FIRE DISTRICT INSPECTION FEE", "47.00"),
        ),
    )
    narrow = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = narrow.new_page()
        log_in(page, suite, RESIDENT, suite.passwords[RESIDENT])
        expect(page.locator("h1")).to_have_text("My Dashboard")
        fits(page)
        menu = page.locator("nav[aria-label=Main]").bounding_box()
        assert menu is not None and menu["height"] <= 110, menu  # three lines at most
        row = page.locator("tr", has_text=number)
        card = row.bounding_box()
        assert card is not None and card["height"] <= 330, card
        shot(page, "dashboard-320px")
        row.get_by_role("button", name=re.compile(r"\$177\.15")).click()
        expect(page.locator("h1")).to_have_text("Checkout Summary")
        fits(page)
        accessible(page)
        shot(page, "checkout-320px")
        page.goto(f"{suite.portal}/j/demo/search")
        fits(page)
    finally:
        narrow.close()
