"""The staff console (issue 27), first pages: a staff member logs in to the
work queues their roles work; the inspector's day lists the inspection the
resident scheduled, by area; a fail without corrections is told next to the
field, a fail with corrections is recorded, and once requested again the
inspection passes (R-INS-6). The inspector has no cashier page: none in the
menu, the 404 page at its address. Whoever is not staff gets the 404 page at a
staff URL. axe on every staff page."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from ..permit_steps import schedule_first_date
from .conftest import RESIDENT, accessible, log_in, permit_with_fees, shot, staff_permit
from .staff_steps import pick

INSPECTOR = "inspector@demo.example.org"
KIND = "MECHANICAL ROUGH"
STREET = "2718 N Staff Console Way"


def _issued_mechanical(suite: Any) -> dict[str, Any]:
    """A MECHANICAL permit of the resident's, moved to ISSUED by the admin."""
    gw, admin = suite.gateway, suite.login("admin@demo.example.org")
    base = f"{gw}/v1/jurisdictions/demo"
    permit = httpx.post(
        f"{base}/permits",
        headers=admin,
        timeout=30,
        json={
            "type_code": "MECH",
            "site": {"street": STREET, "city": "Meridian", "state": "ID", "zip": "83642"},
            "applicant": {"name": "Pat Resident", "email": RESIDENT},
        },
    ).json()
    for step in ("IN_REVIEW", "PENDING_APPROVAL", "READY_TO_ISSUE", "ISSUED"):
        moved = httpx.post(
            f"{base}/permits/{permit['id']}/transitions",
            headers=admin,
            timeout=30,
            json={"to": step, "version": permit["version"]},
        )
        assert moved.status_code == 200, moved.text
        permit = moved.json()
    return dict(permit)


def _record(page: Page, article: Any, result: str, corrections: str = "") -> None:
    pick(article, result)
    article.get_by_label("Corrections, one per line").fill(corrections)
    article.get_by_role("button", name=re.compile("Record result")).click()


def test_the_inspectors_day_records_a_fail_then_a_pass(page: Page, suite: Any) -> None:
    permit = _issued_mechanical(suite)
    resident = suite.login(RESIDENT)
    day = schedule_first_date(suite.gateway, "demo", resident, permit["id"], KIND)

    log_in(page, suite, INSPECTOR, suite.passwords[INSPECTOR])
    expect(page.locator("h1")).to_have_text("Work queues")
    expect(page.locator("main")).to_contain_text("Today's inspections")
    expect(page.get_by_role("link", name="Pay All Fees")).to_have_count(0)  # not a staff page
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Cashier")).to_have_count(0)  # not the inspector's
    cashier = page.goto(f"{suite.portal}/j/demo/staff/cashier")
    assert cashier is not None and cashier.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    page.go_back()
    accessible(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inspector's day").click()
    expect(page.locator("h1")).to_have_text("Inspector's day")
    accessible(page)
    page.fill("#day", day)
    page.get_by_role("button", name="Show that day").click()
    area = page.locator("section", has=page.get_by_role("heading", name=re.compile("Area 83642")))
    article = area.locator("article", has_text=STREET)
    expect(article).to_contain_text(permit["number"])
    accessible(page)

    _record(page, article, "Fail")  # no corrections: the service refuses, next to the field
    article = page.locator("article", has_text=STREET)
    expect(article.locator(".usa-error-message")).to_contain_text("correction")
    expect(article.get_by_label("Corrections, one per line")).to_have_attribute(
        "aria-invalid", "true"
    )
    accessible(page)
    _record(page, article, "Fail", "Strap the water heater\nSeal the duct at the attic")
    expect(page.locator("main")).to_contain_text(f"{KIND} at {STREET}: Fail.")
    article = page.locator("article", has_text=STREET)
    expect(article).to_contain_text("FAIL")
    expect(article.get_by_role("list", name="Corrections needed")).to_contain_text(
        "Seal the duct at the attic"
    )
    shot(page, "staff-inspectors-day")

    again = schedule_first_date(suite.gateway, "demo", resident, permit["id"], KIND)
    page.goto(f"{suite.portal}/j/demo/staff/inspections?date={again}")
    scheduled = page.locator("article", has_text=STREET).filter(
        has=page.get_by_role("button", name=re.compile("Record result"))
    )
    _record(page, scheduled, "Pass")
    expect(page.locator("main")).to_contain_text(f"{KIND} at {STREET}: Pass.")


def test_staff_pages_do_not_exist_for_anyone_else(page: Page, suite: Any) -> None:
    contractor = "contractor@demo.example.org"
    log_in(page, suite, contractor, suite.passwords[contractor])
    expect(page.locator("h1")).not_to_have_text("Log in")
    for path in ("/j/demo/staff/", "/j/demo/staff/inspections"):
        answer = page.goto(f"{suite.portal}{path}")
        assert answer is not None and answer.status == 404, path
    expect(page.get_by_role("link", name="Work queues")).to_have_count(0)
    forged = page.request.post(
        f"{suite.portal}/j/demo/staff/inspections/x1/result", form={"result": "pass"}
    )
    assert forged.status in (400, 403, 404)


def _move(page: Page, label: str) -> None:
    pick(page.locator("main"), label)
    page.get_by_role("button", name="Move permit").click()


def test_permit_review_takes_a_submitted_permit_to_issued(page: Page, suite: Any) -> None:
    """Permit review: the SUBMITTED queue, the permit's page, each move the
    admin's roles may make, a review comment, then ISSUED."""
    permit = staff_permit(suite, "4242 W Review Ct", RESIDENT)
    admin = "admin@demo.example.org"
    log_in(page, suite, admin, suite.passwords[admin])
    expect(page.locator("h1")).to_have_text("Work queues")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Permit review").click()
    expect(page.locator("h1")).to_have_text("Permit review")
    accessible(page)
    page.get_by_role("link", name=permit["number"]).click()
    expect(page.locator("h1")).to_have_text(f"Permit {permit['number']}")
    accessible(page)
    _move(page, "IN REVIEW")
    expect(page.locator("main")).to_contain_text(f"Permit {permit['number']} is now IN REVIEW.")
    page.fill("#text", "Plans look complete; setbacks checked.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator("#comments + ul")).to_contain_text("setbacks checked")
    for step in ("PENDING APPROVAL", "READY TO ISSUE", "ISSUED"):
        _move(page, step)
        expect(page.locator("main")).to_contain_text(f"is now {step}.")
    expect(
        page.get_by_label("FINALED", exact=True)
    ).to_be_visible()  # what an issued one may become
    shot(page, "staff-permit-review")
    accessible(page)


def test_the_cashier_takes_cash_and_refunds_one_line(page: Page, suite: Any) -> None:
    """Cashier: a counter payment for a permit's fees, its receipt, a refund of
    one line with its reason, and the payment found again by permit number."""
    lines = (("BUILDING PERMIT FEE", "100.00"), ("PLANNING", "35.00"))
    number = permit_with_fees(suite, "77 E Counter St", lines)
    admin = "admin@demo.example.org"
    log_in(page, suite, admin, suite.passwords[admin])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cashier").click()
    expect(page.locator("h1")).to_have_text("Cashier")
    accessible(page)
    page.fill("#counter-permit", number)
    page.get_by_role("button", name="Find its fees").click()
    expect(page.get_by_label(re.compile("PLANNING"))).to_be_checked()
    pick(page.locator("main"), "Cash")
    page.fill("#payer_name", "Pat Resident")
    accessible(page)
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator("h1")).to_contain_text("Receipt ")
    expect(page.locator("main")).to_contain_text("$135.00")
    shot(page, "staff-cashier-receipt")
    pick(page.locator("main"), re.compile(f"{number}: PLANNING"))
    page.fill("#reason", "Planning fee waived by the director")
    page.get_by_role("button", name="Refund", exact=True).click()
    expect(page.locator("main")).to_contain_text("The refund is recorded.")
    expect(page.locator("#refunds-heading + ul")).to_contain_text("Planning fee waived")
    accessible(page)
    page.get_by_role("link", name="Back to the cashier").click()
    page.fill("#permit", number)
    page.get_by_role("button", name="Search payments").click()
    expect(page.locator("table")).to_contain_text(number)


def test_an_admin_sets_up_a_permit_type_that_a_contractor_then_applies_for(
    page: Page, suite: Any, browser: Any
) -> None:
    """Setup: a new permit type with a fee schedule and its inspections, a
    holiday on the inspection calendar; a contractor then finds the type on
    Apply / New Permit."""
    admin = "admin@demo.example.org"
    log_in(page, suite, admin, suite.passwords[admin])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Setup").click()
    expect(page.locator("h1")).to_have_text("Permit types")
    accessible(page)
    page.fill("#new-code", "POOL")
    page.get_by_role("button", name="Create a permit type").click()
    expect(page.locator("h1")).to_have_text("Permit type POOL")
    page.fill("#name", "SWIMMING POOL")
    page.fill("#number_format", "POOL{yy}-{seq:04}")
    page.fill("#inspection_types", "POOL BARRIER\nPOOL FINAL")
    page.fill("#fee-0-code", "PLAN")
    page.fill("#fee-0-name", "POOL PLAN REVIEW")
    page.fill("#fee-0-amount", "75.00")
    accessible(page)
    page.get_by_role("button", name="Save permit type").click()
    expect(page.locator("main")).to_contain_text("Permit type POOL is saved.")
    page.get_by_role("link", name="The inspection calendar").click()
    expect(page.locator("h1")).to_have_text("Inspection calendar")
    accessible(page)
    page.fill("#holidays", page.input_value("#holidays") + "\n2030-12-25")
    page.get_by_role("button", name="Save the calendar").click()
    expect(page.locator("main")).to_contain_text("The inspection calendar is saved.")
    expect(page.locator("#holidays")).to_contain_text("2030-12-25")

    contractor = browser.new_context().new_page()
    who = "contractor@demo.example.org"
    log_in(contractor, suite, who, suite.passwords[who])
    contractor.goto(f"{suite.portal}/j/demo/permits/new")
    contractor.select_option("#type_code", label="SWIMMING POOL")
    expect(contractor.locator("#type_code")).to_have_value("POOL")
    contractor.context.close()
