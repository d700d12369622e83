"""A company admin manages its authorized online users (seed 003, View/Edit
Profile; issue 15): invite one, who accepts on the portal's invitation page
and acts for the company; remove them, and they no longer do."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import accessible, log_in, mailed_link

pytestmark = pytest.mark.e2e
HELPER = "hal.helper@rich.example.org"


def test_invite_accept_and_remove_a_company_user(page: Page, browser: Browser, suite: Any) -> None:
    log_in(
        page, suite, "contractor@demo.example.org", suite.passwords["contractor@demo.example.org"]
    )
    page.click("nav[aria-label=Main] >> text=View/Edit Profile")
    expect(page.locator("main")).to_contain_text("Authorized online users of")
    page.fill("#invite_email", HELPER)
    page.click("button:has-text('Send invitation')")  # no name: told next to the field
    expect(page.locator("#invite_name-error")).to_contain_text("Enter the person's name")
    accessible(page)
    page.fill("#invite_name", "Hal Helper")
    page.fill("#invite_email", HELPER)
    page.click("button:has-text('Send invitation')")
    expect(page.locator("main")).to_contain_text("The invitation is on its way.")
    expect(page.locator("tr", has_text=HELPER)).to_have_count(1)

    helper_context = browser.new_context()
    try:
        helper = helper_context.new_page()
        link = mailed_link(suite, HELPER)
        assert link.startswith(suite.portal), link
        helper.goto(link)
        expect(helper.locator("h1")).to_have_text("Accept your invitation")
        accessible(helper)
        helper.fill("#password", "Hal helper passphrase 5")
        helper.fill("#password_again", "Hal helper passphrase 5")
        helper.click("button:has-text('Accept')")
        expect(helper).to_have_url(re.compile(r"/j/demo/dashboard"))
        expect(helper.locator("tr", has_text="RES26-0002")).to_have_count(1)  # the company's

        page.reload()
        page.locator("tr", has_text=HELPER).get_by_role("button", name=re.compile("Remove")).click()
        expect(page.locator("main")).to_contain_text("The user is removed")
        expect(page.locator("tr", has_text=HELPER)).to_have_count(0)

        # removal revokes the helper's refresh token at once (the access token
        # lives out its 5 minutes); a new login no longer acts for the company
        helper.click("button:has-text('Log out')")
        log_in(helper, suite, HELPER, "Hal helper passphrase 5")
        expect(helper.locator("h1")).to_have_text(re.compile("My Dashboard|Log in"))
        expect(helper.locator("tr", has_text="RES26-0002")).to_have_count(0)
    finally:
        helper_context.close()
