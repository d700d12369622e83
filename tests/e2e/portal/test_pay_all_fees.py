"""Pay All Fees (seed 003's Shopping Cart menu; R-PAY-3): the Checkout
Summary offers every permit of the payer with fees due, ticked, and adds the
ticked ones to the cart in one step; the method chosen in the same form that
pays is the one charged (R-PAY-4)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from devstack.testing import eventually_sync
from playwright.sync_api import Page, expect

from .conftest import RESIDENT, accessible, fits, log_in, permit_with_fees

pytestmark = pytest.mark.e2e


def test_pay_all_fees_puts_the_ticked_permits_in_one_payment(page: Page, suite: Any) -> None:
    first = permit_with_fees(suite, "81 Pay All Way", (("PLAN REVIEW", "100.00"),))
    second = permit_with_fees(suite, "82 Pay All Way", (("PLANNING", "25.00"),))
    log_in(page, suite, RESIDENT, suite.passwords[RESIDENT])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Pay All Fees").click()
    expect(page.locator("h2#fees-due-heading")).to_have_text("Pay All Fees")
    offered = page.locator(".portal-fees-due input[type=checkbox]")
    for number in (first, second):
        expect(page.locator(".portal-fees-due")).to_contain_text(number)
    accessible(page)

    def added() -> bool:
        """Payments learns of new fees from permits' events: until it has,
        the step says so and leaves the cart as it was; then it takes both.
        Only these two are ticked (earlier tests leave the resident others)."""
        summary = page.locator("table.portal-summary")
        if summary.count():
            return first in summary.inner_text() and second in summary.inner_text()
        for n in range(offered.count()):
            box = offered.nth(n)
            label = page.locator(f"label[for='{box.get_attribute('id')}']")
            if box.is_checked() != any(x in label.inner_text() for x in (first, second)):
                label.click()
        page.click("button:has-text('Add the ticked fees to the cart')")
        return False

    eventually_sync(added, timeout=30, what="both permits' fees in the cart")
    summary = page.locator("table.portal-summary")
    expect(summary).to_contain_text(first)
    expect(summary).to_contain_text(second)
    expect(page.locator("#total-fees")).to_have_text("$125.00")
    page.set_viewport_size({"width": 320, "height": 800})
    fits(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("label[for=method-echeck]")
    expect(page.locator("#total-due")).to_have_text("Total Due: $126.50")
    page.click("button:has-text('Proceed to Payment')")
    expect(page.locator("body")).to_contain_text("$126.50")
    expect(page.locator("body")).to_contain_text("Pay by electronic check")
    page.click("button:has-text('Cancel')")
    expect(page).to_have_url(re.compile(r"/j/demo/payments/"))
