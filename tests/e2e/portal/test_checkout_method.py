"""The payment method a payer picks on the Checkout Summary is the one charged,
at the total shown for it (issue 23, defect 1; R-PAY-4): the radio buttons
sat in a form of their own, and Proceed to Payment posted the method of the
last rendering — choosing Electronic Check and proceeding charged the card's
total, and switching back to the card charged the e-check. Both directions,
with the page's script and without it (where the total of a newly chosen
method is shown after one submit, not charged)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from devstack.testing import eventually_sync
from playwright.sync_api import Browser, Page, expect

from .conftest import RESIDENT, accessible, log_in, permit_with_fees

pytestmark = pytest.mark.e2e
# the demo's methods are seed 003's: the card 3 %, the e-check $1.50
CARD_TOTAL, ECHECK_TOTAL = "$1,030.00", "$1,001.50"


def _to_checkout(page: Page, suite: Any, number: str) -> None:
    page.goto(f"{suite.portal}/j/demo/dashboard")
    row = page.locator("tr", has_text=number)

    def payable() -> bool:
        page.reload()
        return row.get_by_role("button", name=re.compile(r"\$1,000\.00")).count() == 1

    eventually_sync(payable, timeout=30, what=f"{number}'s fees due on the dashboard")
    row.get_by_role("button", name=re.compile(r"\$1,000\.00")).click()
    expect(page.locator("h1")).to_have_text("Checkout Summary")


def _cancel_on_the_providers_page(page: Page, suite: Any, *, scripts: bool = True) -> None:
    """Leave the hosted page by its Cancel, and wait until the fees are free
    (axe needs the page's scripts: not checked in a context without them)."""
    page.click("button:has-text('Cancel')")
    expect(page).to_have_url(re.compile(r"/j/demo/payments/"))  # back in the portal
    resident = suite.login(RESIDENT)

    def released() -> bool:
        found = httpx.get(
            f"{suite.gateway}/v1/jurisdictions/demo/payments",
            params={"paid_only": "false"},
            headers=resident,
            timeout=30,
        ).json()["items"]
        return all(p["status"] not in ("CREATED", "PENDING") for p in found)

    eventually_sync(released, timeout=30, what="the cancelled payment's fees released")
    # issue 23, defect 4: a cancelled payment does not look paid
    page.reload()
    expect(page.locator("h1")).to_have_text("Payment not completed")
    expect(page.locator("#not-charged")).to_contain_text("You cancelled the payment")
    expect(page.locator("main")).not_to_contain_text("What was paid")
    expect(page.locator("main").get_by_role("link", name="Paid Items")).to_have_count(0)
    if scripts:
        accessible(page)
    page.get_by_role("link", name="Back to the shopping cart").click()
    expect(page.locator("h1")).to_have_text("Checkout Summary")


def test_the_method_chosen_is_the_method_charged_both_ways(page: Page, suite: Any) -> None:
    number = permit_with_fees(suite, "77 Method Way")
    log_in(page, suite, RESIDENT, suite.passwords[RESIDENT])
    _to_checkout(page, suite, number)
    expect(page.locator("#method-card")).to_be_checked()
    expect(page.locator("#total-due")).to_have_text(f"Total Due: {CARD_TOTAL}")
    # every method says what it would charge, beside the choice
    expect(page.locator("#method-echeck-total")).to_contain_text(f"Total Due {ECHECK_TOTAL}")
    accessible(page)

    # card → e-check: the total follows the choice, no second button; e-check is charged
    page.click("label[for=method-echeck]")
    expect(page.locator("#total-due")).to_have_text(f"Total Due: {ECHECK_TOTAL}")
    expect(page.locator("button:has-text('Show the total')")).to_have_count(0)
    page.click("button:has-text('Proceed to Payment')")
    expect(page.locator("body")).to_contain_text(ECHECK_TOTAL)
    expect(page.locator("body")).to_contain_text("Pay by electronic check")
    _cancel_on_the_providers_page(page, suite)

    # e-check → card: the card is charged
    page.goto(f"{suite.portal}/j/demo/cart?method=echeck")
    expect(page.locator("#method-echeck")).to_be_checked()
    page.click("label[for=method-card]")
    expect(page.locator("#total-due")).to_have_text(f"Total Due: {CARD_TOTAL}")
    page.click("button:has-text('Proceed to Payment')")
    expect(page.locator("body")).to_contain_text(CARD_TOTAL)
    expect(page.locator("body")).to_contain_text("Pay by card")
    _cancel_on_the_providers_page(page, suite)


def test_without_script_a_new_method_is_shown_before_it_is_charged(
    browser: Browser, suite: Any
) -> None:
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        number = permit_with_fees(suite, "78 Method Way")
        log_in(page, suite, RESIDENT, suite.passwords[RESIDENT])
        _to_checkout(page, suite, number)
        expect(page.locator("#total-due")).to_have_text(f"Total Due: {CARD_TOTAL}")
        page.click("label[for=method-echeck]")
        page.click("button:has-text('Proceed to Payment')")
        # not charged: the summary again, for the e-check, saying so
        expect(page.locator("h1")).to_have_text("Checkout Summary")
        expect(page.locator("main")).to_contain_text("Here is the total for the payment method")
        expect(page.locator("#method-echeck")).to_be_checked()
        expect(page.locator("#total-due")).to_have_text(f"Total Due: {ECHECK_TOTAL}")
        page.click("button:has-text('Proceed to Payment')")
        expect(page.locator("body")).to_contain_text(ECHECK_TOTAL)
        expect(page.locator("body")).to_contain_text("Pay by electronic check")
        _cancel_on_the_providers_page(page, suite, scripts=False)
    finally:
        context.close()


def test_an_abandoned_payment_can_be_resumed_or_cancelled(page: Page, suite: Any) -> None:
    """Issue 23, defect 5: a payer who left the provider's page unfinished
    read "some of these fees are in another payment that is still open" with
    no way to resume or cancel it, and Paid Items did not list it."""
    number = permit_with_fees(suite, "79 Method Way")
    log_in(page, suite, RESIDENT, suite.passwords[RESIDENT])
    _to_checkout(page, suite, number)
    page.click("button:has-text('Proceed to Payment')")
    expect(page.locator("body")).to_contain_text(CARD_TOTAL)  # the provider's page, left

    page.goto(f"{suite.portal}/j/demo/payments")
    box = page.locator(".portal-open-payments")
    expect(box).to_contain_text("A payment is in progress")
    expect(box).to_contain_text(number)
    accessible(page)
    page.goto(f"{suite.portal}/j/demo/cart")
    expect(box).to_contain_text(CARD_TOTAL)
    box.get_by_role("link", name=re.compile("Resume payment")).click()
    expect(page.locator("body")).to_contain_text(CARD_TOTAL)  # the same page again

    page.goto(f"{suite.portal}/j/demo/cart")
    box.get_by_role("button", name=re.compile("Cancel payment")).click()
    expect(page.locator("main")).to_contain_text("The payment is cancelled. Nothing was charged")
    expect(page.locator(".portal-open-payments")).to_have_count(0)
    accessible(page)
    page.click("button:has-text('Proceed to Payment')")  # the fees are payable again
    expect(page.locator("body")).to_contain_text(CARD_TOTAL)
    _cancel_on_the_providers_page(page, suite)
