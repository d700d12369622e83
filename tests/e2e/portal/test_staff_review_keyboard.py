"""Permit review from SUBMITTED to ISSUED, the staff side with the keyboard
only (issue 27): the admin moves a contractor's application to review,
comments, sends it on, assesses the fees from the type's schedule — the
seed's RES lines, priced before they are saved, $1,023.98 — the contractor
pays online, and the admin finds it ready to issue and issues it. axe on
every staff page."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
from devstack.testing import eventually_sync
from playwright.sync_api import Page, expect

from .conftest import accessible, key_in, key_press, tab_to
from .staff_steps import ADMIN, pick

CONTRACTOR = "contractor@demo.example.org"
SCHEDULE = ("MECH", "PRB", "BLDG", "PLAN", "PPR", "FIRE")  # the seed's RES lines


def _reviewed_permit(suite: Any) -> dict[str, Any]:
    """RESIDENTIAL with RES's fee schedule, issued by staff (not electronically
    once paid, as the demo's RES is); the contractor's application, through
    the API, valued at $250,000."""
    gw, admin = suite.gateway, suite.login(ADMIN)
    types = f"{gw}/v1/jurisdictions/demo/permit-types"
    listed = httpx.get(types, headers=admin, timeout=30)
    assert listed.status_code == 200, listed.text
    [res] = [t for t in listed.json() if t["code"] == "RES"]
    assert [f["code"] for f in res["fee_schedule"]] == list(SCHEDULE)
    reviewed = {
        "name": "RESIDENTIAL (REVIEWED)",
        "number_format": "RR{yy}-{seq:04}",
        "auto_issue": False,
        "inspection_types": res["inspection_types"],
        "fee_schedule": res["fee_schedule"],
    }
    put = httpx.put(f"{types}/RESR", headers=admin, json=reviewed, timeout=30)
    assert put.status_code == 200, put.text
    contractor = suite.login(CONTRACTOR)
    companies = httpx.get(f"{gw}/v1/me", headers=contractor, timeout=30).json()["company_ids"]
    created = httpx.post(
        f"{gw}/v1/jurisdictions/demo/permits",
        headers={**contractor, "Idempotency-Key": uuid.uuid4().hex},
        json={
            "type_code": "RESR",
            "valuation": "250000.00",
            "site": {"street": "88 Keyboard Ln", "city": "Meridian", "state": "ID", "zip": "83642"},
            "applicant": {"name": "Carl Contractor", "email": CONTRACTOR},
            "company_ids": companies[:1],
        },
        timeout=30,
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


def _choose(page: Page, name: str, value: str) -> None:
    """A radio chosen as a keyboard user does: Tab into the group, then the
    arrow keys (which move the choice) until it is the one."""
    tab_to(page, f"input[name={name}]:not([disabled]) >> nth=0")
    target = page.locator(f"input[name={name}][value={value}]")
    for _ in range(12):
        if target.is_checked():
            return
        if target.evaluate("el => el === document.activeElement"):
            page.keyboard.press("Space")
        else:
            page.keyboard.press("ArrowDown")
    raise AssertionError(f"the keyboard never chose {name}={value}")


def _move(page: Page, to: str, said: str) -> None:
    _choose(page, "to", to)
    key_press(page, page.get_by_role("button", name="Move permit"))
    expect(page.locator("main")).to_contain_text(said)


def test_a_review_round_to_issued_with_the_keyboard_only(page: Page, suite: Any) -> None:
    permit = _reviewed_permit(suite)
    number = permit["number"]

    page.goto(f"{suite.portal}/j/demo/login")
    key_in(page, "#email", ADMIN)
    key_in(page, "#password", suite.passwords[ADMIN])
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Work queues")
    key_press(
        page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Permit review")
    )
    expect(page.locator("h1")).to_have_text("Permit review")
    key_press(page, page.get_by_role("link", name=number))
    expect(page.locator("h1")).to_have_text(f"Permit {number}")
    accessible(page)

    _move(page, "IN_REVIEW", f"Permit {number} is now IN REVIEW.")
    key_in(page, "#text", "Setbacks and egress checked; plans complete.")
    key_press(page, page.get_by_role("button", name="Add comment"))
    expect(page.locator("#comments + ul")).to_contain_text("egress checked")
    _move(page, "PENDING_APPROVAL", f"Permit {number} is now PENDING APPROVAL.")

    for code in SCHEDULE:  # every line of the schedule, ticked with Space
        tab_to(page, f"#item-{code}")
        page.keyboard.press("Space")
        expect(page.locator(f"#item-{code}")).to_be_checked()
    key_press(page, page.get_by_role("button", name="Show the fees"))
    quote = page.locator("#quote")
    expect(quote.locator("tr", has_text="BUILDING PERMIT FEE")).to_contain_text("$650.75")
    expect(quote.locator("tfoot")).to_contain_text("$1,023.98")  # shown before it is saved
    assert page.locator("tr", has_text="MECHANICAL PERMIT").count() == 1  # nothing saved yet
    accessible(page)
    key_press(page, page.get_by_role("button", name="Save these fees"))
    expect(page.locator("main")).to_contain_text(f"Fees assessed: $1,023.98 now due on {number}.")
    expect(page.locator(".portal-facts")).to_contain_text("AWAITING PAYMENT")
    accessible(page)

    _contractor_pays_online(page.context.browser, suite, number)

    page.reload()
    expect(page.locator(".portal-facts")).to_contain_text("READY TO ISSUE")
    expect(page.locator(".portal-facts")).to_contain_text("$0.00")
    _move(page, "ISSUED", f"Permit {number} is now ISSUED.")
    accessible(page)


def _contractor_pays_online(browser: Any, suite: Any, number: str) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        page.goto(f"{suite.portal}/j/demo/login")
        page.fill("#email", CONTRACTOR)
        page.fill("#password", suite.passwords[CONTRACTOR])
        page.get_by_role("button", name="Log in").click()
        row = page.locator("tr", has_text=number)
        row.get_by_role("button", name=re.compile(r"\$1,023\.98")).click()
        expect(page.locator("h1")).to_have_text("Checkout Summary")
        pick(page.locator("main"), re.compile("^Credit Card"))
        page.get_by_role("button", name="Proceed to Payment").click()
        page.get_by_role("button", name="Approve").click()

        def settled() -> bool:
            page.reload()
            return page.locator("h1").inner_text().startswith("Receipt ")

        eventually_sync(settled, timeout=30, what="the contractor's receipt")
    finally:
        context.close()
