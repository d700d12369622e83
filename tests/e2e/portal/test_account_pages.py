"""Forgot password by email with its emailed link, and View/Edit Profile
(seed 003: contact, change password, change security question) — issue 15."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from .conftest import accessible, log_in, mailed_link

pytestmark = pytest.mark.e2e
EMAIL = "forgetful@example.org"
FIRST = "Forgetful first passphrase 1"


def _enrolled(suite: Any) -> None:
    """A resident with an account, enrolled through the API."""
    r = httpx.post(
        f"{suite.gateway}/v1/jurisdictions/demo/enrollments", json={"email": EMAIL}, timeout=30
    )
    assert r.status_code == 202
    token = mailed_link(suite, EMAIL, "Confirm").rsplit("/", 1)[1]
    done = httpx.post(
        f"{suite.gateway}/v1/enrollments/{token}",
        json={"display_name": "Fay Forgetful", "password": FIRST},
        timeout=30,
    )
    assert done.status_code == 201, done.text


def test_forgot_password_by_email_and_the_profile(page: Page, suite: Any) -> None:
    _enrolled(suite)
    page.goto(f"{suite.portal}/j/demo/login")
    page.click("a:has-text('Forgot password')")
    page.click("button:has-text('Reset password')")  # neither given: told next to the field
    expect(page.locator("#email-error")).to_contain_text("email, or your contractor license")
    accessible(page)
    page.fill("#email", EMAIL)
    page.click("button:has-text('Reset password')")
    expect(page.locator("h1")).to_have_text("Check your email")

    page.goto(mailed_link(suite, EMAIL, "Reset"))
    expect(page.locator("h1")).to_have_text("Choose a new password")
    accessible(page)
    page.fill("#password", "Forgetful second passphrase 2")
    page.fill("#password_again", "Forgetful second passphrase 2")
    page.click("button:has-text('Save password')")
    expect(page.locator("main")).to_contain_text("Your password is changed")
    log_in(page, suite, EMAIL, FIRST)  # the old one no longer works
    expect(page.locator("#password-error")).to_contain_text("not right")
    log_in(page, suite, EMAIL, "Forgetful second passphrase 2")
    expect(page).to_have_url(re.compile(r"/j/demo/dashboard"))

    # View/Edit Profile: contact, password, security question
    page.click("nav[aria-label=Main] >> text=View/Edit Profile")
    expect(page.locator("h1")).to_have_text("View/Edit Profile")
    accessible(page)
    page.fill("#display_name", "")
    page.locator("form", has=page.locator("#display_name")).get_by_role("button").click()
    expect(page.locator("#display_name-error")).to_contain_text("Enter your name")
    page.fill("#display_name", "Fay F. Forgetful")
    page.fill("#phone", "208-555-0199")
    page.locator("form", has=page.locator("#display_name")).get_by_role("button").click()
    expect(page.locator("main")).to_contain_text("Your profile is saved.")
    expect(page.locator(".portal-whoami")).to_contain_text("Fay F. Forgetful")

    page.fill("#current_password", "not it")
    page.fill("#new_password", "Forgetful third passphrase 3")
    page.fill("#new_password_again", "Forgetful third passphrase 3")
    page.click("button:has-text('Change password')")
    expect(page.locator("#current_password-error")).to_be_visible()
    page.fill("#current_password", "Forgetful second passphrase 2")
    page.fill("#new_password", "Forgetful third passphrase 3")
    page.fill("#new_password_again", "Forgetful third passphrase 3")
    page.click("button:has-text('Change password')")
    expect(page.locator("main")).to_contain_text("Your password is changed")

    page.fill("#question", "First pet")
    page.fill("#answer", "Rex")
    page.fill("#answer_again", "Rex")
    page.click("button:has-text('Save security question')")
    expect(page.locator("main")).to_contain_text("Your security question is changed.")
    expect(page.locator("main")).to_contain_text("Current security question: First pet")
    accessible(page)


def test_forgot_password_by_license_number(page: Page, suite: Any) -> None:
    """Seed 003: a contractor who forgot the email on file gives the license
    (AEC record) number; the company's admins get the reset link, which opens
    the portal's page (not used here: other tests log in as the contractor)."""
    page.goto(f"{suite.portal}/j/demo/forgot")
    page.fill("#license_number", "aec0119")
    page.click("button:has-text('Reset password')")
    expect(page.locator("h1")).to_have_text("Check your email")
    accessible(page)
    link = mailed_link(suite, "contractor@demo.example.org", "Reset")
    assert link.startswith(f"{suite.portal}/password-resets/demo."), link
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Choose a new password")
    expect(page.locator("main")).to_contain_text("contractor@demo.example.org")
