"""The contractor journey of seeds 003/004 in a browser (issue 15): a PIN's
first login, the dashboard, the fees of RES26-0003 into the cart, the
Checkout Summary exactly as seed 003 shows it, payment on the provider's
hosted page, the receipt, Paid Items, the permit paid and issued, two
inspections scheduled in one submit and one cancelled — with axe on every
page."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from devstack.testing import eventually_sync
from playwright.sync_api import Page, expect

from .conftest import accessible, log_in, shot

pytestmark = pytest.mark.e2e


def _new_company_user(suite: Any, email: str) -> str:
    """Staff add an authorized online user to RICH CONTRACTOR (AEC0119) and
    hand out a PIN (seed 003: "the PIN number provided to you")."""
    admin = suite.login("admin@demo.example.org")
    companies = httpx.get(
        f"{suite.gateway}/v1/jurisdictions/demo/companies",
        params={"q": "AEC0119"},
        headers=admin,
        timeout=30,
    ).json()["items"]
    created = httpx.post(
        f"{suite.gateway}/v1/jurisdictions/demo/companies/{companies[0]['id']}/users",
        json={"email": email, "display_name": "Rich Office", "delivery": "pin"},
        headers=admin,
        timeout=30,
    )
    assert created.status_code == 201, created.text
    return str(created.json()["pin"])


def test_pin_first_login_dashboard_and_checkout_summary(page: Page, suite: Any) -> None:
    pin = _new_company_user(suite, "office@rich.example.org")
    log_in(page, suite, "office@rich.example.org", pin)

    # first login with a PIN: the security question and a new password, with the rules
    expect(page).to_have_url(re.compile(r"/j/demo/setup$"))
    expect(page.locator("#rules-heading")).to_have_text("Password rules")
    accessible(page)
    page.fill("#security_question", "First car")
    page.fill("#security_answer", "Model T")
    page.fill("#security_answer_again", "Model X")  # a mismatch: told next to the field
    page.fill("#password", "Rich office 2026 passphrase")
    page.fill("#password_again", "Rich office 2026 passphrase")
    page.click("button:has-text('Continue')")
    expect(page.locator("#security_answer_again-error")).to_contain_text("not the same")
    accessible(page)
    page.fill("#security_answer", "Model T")  # secrets are never sent back to the browser
    page.fill("#security_answer_again", "Model T")
    page.fill("#password", "Rich office 2026 passphrase")
    page.fill("#password_again", "Rich office 2026 passphrase")
    page.click("button:has-text('Continue')")

    # the dashboard of the company's permits
    expect(page).to_have_url(re.compile(r"/j/demo/dashboard"))
    expect(page.locator("main")).to_contain_text("Hello RICH OFFICE.")
    expect(page.locator("main")).to_contain_text("Below is a Dashboard of your current activities.")
    row = page.locator("tr", has_text="RES26-0003")
    expect(row).to_contain_text("1968 E Dodd Rd")
    expect(row).to_contain_text("$1,023.98")
    expect(page.locator("#active-permits")).to_contain_text("total record(s)")
    accessible(page)
    shot(page, "dashboard")

    # FEES DUE adds the permit's fees to the cart: the Checkout Summary of seed 003
    row.get_by_role("button", name=re.compile(r"\$1,023\.98")).click()
    expect(page.locator("h1")).to_have_text("Checkout Summary")
    for fee, amount in (
        ("MECHANICAL PERMIT", "$96.00"),
        ("PLAN REVIEW FEE BALANCE", "$65.08"),
        ("BUILDING PERMIT FEE", "$650.75"),
        ("PLANNING", "$35.00"),
        ("RES/GAR/ADD PARTIAL PLAN REVIEW FEE", "$130.15"),
        ("FIRE DISTRICT INSPECTION FEE", "$47.00"),
    ):
        expect(page.locator("tr", has_text=fee).first).to_contain_text(amount)
    expect(page.locator("label[for=method-card]")).to_have_text("Credit Card - 3%")
    expect(page.locator("label[for=method-echeck]")).to_have_text("Electronic Check - $1.50")
    expect(page.locator("#total-fees")).to_have_text("$1,023.98")
    expect(page.locator("#convenience-fee")).to_have_text("$30.72")
    expect(page.locator("#total-due")).to_have_text("Total Due: $1,054.70")
    expect(page.locator(".portal-totals")).to_contain_text("Access Idaho Fee:")
    accessible(page)
    shot(page, "checkout-summary")
    page.click("label[for=method-echeck]")
    page.click("button:has-text('Show the total')")
    expect(page.locator("#convenience-fee")).to_have_text("$1.50")
    expect(page.locator("#total-due")).to_have_text("Total Due: $1,025.48")

    # back to the card, then the provider's hosted page and back to a receipt
    page.click("label[for=method-card]")
    page.click("button:has-text('Show the total')")
    expect(page.locator("#total-due")).to_have_text("Total Due: $1,054.70")
    page.click("button:has-text('Proceed to Payment')")
    expect(page.locator("body")).to_contain_text("$1,054.70")  # the sandbox's page
    page.click("button:has-text('Approve')")
    expect(page).to_have_url(re.compile(r"/j/demo/payments/[^/]+$"))

    def settled() -> bool:
        page.reload()
        return page.locator("h1").inner_text().startswith("Receipt ")

    eventually_sync(settled, timeout=30, what="the receipt once the provider confirmed")
    expect(page.locator(".portal-totals")).to_contain_text("$1,054.70")
    accessible(page)
    receipt = page.locator("h1").inner_text().removeprefix("Receipt ")

    page.click("nav[aria-label=Main] >> text=Paid Items")
    expect(page.locator("tr", has_text=receipt)).to_contain_text("RES26-0003")
    accessible(page)

    # the permit is paid and (the demo issues electronically once paid) ISSUED
    page.click("nav[aria-label=Main] >> text=Dashboard")
    paid = page.locator("tr", has_text="RES26-0003")
    expect(paid).to_contain_text("ISSUED")
    expect(paid.get_by_role("link", name=re.compile("Request"))).to_be_visible()
    page.click("a:has-text('RES26-0003')")
    expect(page.locator(".portal-facts")).to_contain_text("$0.00")
    accessible(page)

    # schedule two inspections in one submit, with the cut-off explained
    page.click("a:has-text('Request an inspection')")
    expect(page.locator("h1")).to_have_text("Schedule inspections")
    expect(page.locator("main")).to_contain_text("Cut-off time for next-day inspections is 4:00 PM")
    page.click("button:has-text('Submit')")  # nothing chosen: told next to the first date
    expect(page.locator("#date-0-error")).to_contain_text("at least one inspection")
    accessible(page)
    page.go_back()
    for n in (0, 1):
        options = page.locator(f"#date-{n} option")
        page.select_option(f"#date-{n}", options.nth(1).get_attribute("value"))
    page.select_option("#ampm-0", "AM")
    shot(page, "inspection-scheduling")
    page.click("button:has-text('Submit')")
    expect(page.locator("main")).to_contain_text("Your inspections are scheduled.")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("main")).to_contain_text("ADDRESSING")
    expect(page.locator("main")).to_contain_text("BUILDING FINAL")
    expect(page.locator("main")).to_contain_text("until ")  # the cancel cut-off, local time
    accessible(page)

    # cancel one until the cut-off
    page.locator("tr", has_text="BUILDING FINAL").get_by_role(
        "link", name=re.compile("Cancel")
    ).click()
    expect(page.locator("main")).to_contain_text("Cancellation is possible until")
    accessible(page)
    page.click("button:has-text('Cancel this inspection')")
    expect(page.locator("main")).to_contain_text("The inspection is cancelled.")
    expect(page.locator("tr", has_text="ADDRESSING")).to_contain_text("SCHEDULED")
    expect(page.locator("tr", has_text="BUILDING FINAL")).to_have_count(0)

    # the PIN no longer works
    page.click("button:has-text('Log out')")
    log_in(page, suite, "office@rich.example.org", pin)
    expect(page.locator("#password-error")).to_contain_text("not right")
