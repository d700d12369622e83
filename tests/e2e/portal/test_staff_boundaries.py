"""The staff console's boundaries in a browser (issue 27): staff of another
jurisdiction — one the hosting operator creates on its page, whose first
admin accepts the emailed invitation — get the 404 page for demo's permit
under their own address, cannot log in to demo, and demo's staff pages are
not theirs; a staff form posted without its CSRF token is refused and
changes nothing; bad input on a staff form is told next to its field.
axe on the pages visited."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from .conftest import RESIDENT, accessible, mailed_link, permit_with_fees, staff_permit
from .staff_steps import ADMIN, pick, staff_browser

OPERATOR = "operator@demo.example.org"
OTHER = "e2e-elsewhere"
OTHER_ADMIN = "admin@elsewhere.example.org"
OTHER_PASSWORD = "Elsewhere admin passphrase 3"


def _other_jurisdictions_admin(page: Page, suite: Any) -> None:
    """The operator's page creates the jurisdiction and invites its first
    admin, who accepts in this browser and lands on their work queues."""
    page.goto(f"{suite.portal}/operator/")
    page.fill("#email", OPERATOR)
    page.fill("#password", suite.passwords[OPERATOR])
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_have_text("Hosting operator")
    page.fill("#id", OTHER)
    page.fill("#name", "Elsewhere County")
    page.select_option("#time_zone", "America/Denver")
    page.fill("#admin_email", OTHER_ADMIN)
    page.fill("#admin_name", "Elle Admin")
    page.get_by_role("button", name="Create jurisdiction").click()
    expect(page.locator("main")).to_contain_text(f"an invitation is on its way to {OTHER_ADMIN}")
    page.context.clear_cookies()
    page.goto(mailed_link(suite, OTHER_ADMIN))
    expect(page.locator("h1")).to_have_text("Accept your invitation")
    page.fill("#password", OTHER_PASSWORD)
    page.fill("#password_again", OTHER_PASSWORD)
    page.get_by_role("button", name="Accept").click()
    expect(page.locator("h1")).to_have_text("Work queues")


def test_staff_of_another_jurisdiction_get_the_404_page(page: Page, suite: Any) -> None:
    demo_permit = staff_permit(suite, "5 S Tenancy Way", RESIDENT)
    _other_jurisdictions_admin(page, suite)
    accessible(page)
    theirs = page.goto(f"{suite.portal}/j/{OTHER}/staff/permits/{demo_permit['id']}")
    assert theirs is not None and theirs.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text("5 S Tenancy Way")
    demo = page.goto(f"{suite.portal}/j/demo/staff/permits/{demo_permit['id']}")
    assert demo is not None  # not logged in to demo: its login page, not the permit
    expect(page).to_have_url(re.compile(r"/j/demo/login"))
    page.fill("#email", OTHER_ADMIN)
    page.fill("#password", OTHER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#password-error, .usa-error-message").first).to_contain_text(
        "The email or password is not right"
    )
    expect(page.locator("main")).not_to_contain_text("5 S Tenancy Way")


def test_a_forged_or_bad_staff_form_changes_nothing(browser: Browser, suite: Any) -> None:
    number = permit_with_fees(suite, "6 S Forged Form Rd", (("PLANNING", "35.00"),))
    with staff_browser(browser, suite, ADMIN) as staff:
        staff.get_by_role("navigation", name="Main").get_by_role("link", name="Cashier").click()
        staff.fill("#counter-permit", number)
        staff.get_by_role("button", name="Find its fees").click()
        pick(staff.locator("main"), "Check")  # a check without its number
        staff.fill("#payer_name", "Pat Resident")
        staff.get_by_role("button", name="Record the payment").click()
        expect(staff.locator("#reference-error")).to_contain_text("Enter the check number")
        expect(staff.locator("#reference")).to_have_attribute("aria-invalid", "true")
        accessible(staff)

        form = staff.locator("form", has=staff.get_by_role("button", name="Record the payment"))
        fields = {
            name: form.locator(f"[name={name}]").first.input_value()
            for name in ("permit_id", "key")
            if form.locator(f"[name={name}]").count()
        }
        action = form.get_attribute("action")
        forged = staff.request.post(
            f"{suite.portal}{action}",
            form={**fields, "method": "cash", "payer_name": "Mallory", "csrf_token": "forged"},
            max_redirects=0,
        )
        assert forged.status == 403
        assert "This form has expired" in forged.text()
        staff.goto(f"{suite.portal}/j/demo/staff/cashier?permit={number}")
        expect(staff.locator("main")).to_contain_text("No payment matches.")  # nothing taken
