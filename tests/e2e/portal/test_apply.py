"""Apply / New Permit in a browser (issue 15): bad input is told next to each
field and saves nothing; a good application gets its number, with the plans
attached and downloadable."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import accessible, log_in

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.7\n" + b"0" * 2000 + b"\n%%EOF\n"


def _active_total(page: Page, suite: Any) -> int:
    page.goto(f"{suite.portal}/j/demo/dashboard")
    text = page.locator("#active-permits .portal-count").inner_text()
    return int(text.split()[0])


def test_apply_for_a_permit_with_plans(page: Page, suite: Any, tmp_path: Path) -> None:
    log_in(
        page, suite, "contractor@demo.example.org", suite.passwords["contractor@demo.example.org"]
    )
    before = _active_total(page, suite)
    page.click("nav[aria-label=Main] >> text=Apply / New Permit")
    expect(page.locator("h1")).to_have_text("Apply / New Permit")
    accessible(page)

    page.fill("#valuation", "lots")
    page.click("button:has-text('Submit application')")
    expect(page.locator("#type_code-error")).to_contain_text("Choose the permit type")
    expect(page.locator("#street-error")).to_contain_text("Enter the address")
    accessible(page)
    page.select_option("#type_code", label="RESIDENTIAL")
    page.fill("#street", "55 New Home Ct")
    page.click("button:has-text('Submit application')")
    expect(page.locator("#valuation-error")).to_be_visible()  # "lots" is no amount
    assert _active_total(page, suite) == before  # nothing was saved

    page.goto(f"{suite.portal}/j/demo/permits/new")
    page.select_option("#type_code", label="RESIDENTIAL")
    page.fill("#street", "55 New Home Ct")
    page.fill("#city", "Meridian")
    page.fill("#zip", "83642")
    page.fill("#description", "New single-family home")
    page.fill("#valuation", "$310,000.00")
    plans = tmp_path / "plans.pdf"
    plans.write_bytes(PDF)
    # issue 23, defect 8: the upload is named by its label, not "Drag file here…"
    expect(page.locator("#document")).to_have_accessible_name(
        "Plans or other document (PDF, PNG or JPEG)"
    )
    page.set_input_files("#document", str(plans))
    page.click("button:has-text('Submit application')")
    expect(page.locator(".usa-alert__heading")).to_have_text("Application submitted")
    told = re.search(r"Your permit number is (\S+)\.", page.locator(".usa-alert").inner_text())
    assert told is not None
    number = told.group(1)
    assert re.fullmatch(r"RES\d\d-\d{4}", number), number
    expect(page.locator("h1")).to_have_text(f"Permit {number}")
    permit_page = page.url
    expect(page.locator(".portal-facts")).to_contain_text("55 New Home Ct")
    accessible(page)
    download = page.locator("a", has_text="plans.pdf")
    answer = page.request.get(f"{suite.portal}{download.get_attribute('href')}")
    assert answer.status == 200 and answer.body() == PDF
    assert _active_total(page, suite) == before + 1

    # Attachments: nothing chosen, or a file that is not a document, is told
    # next to the field; a corrected copy is attached
    page.goto(permit_page)
    page.click("button:has-text('Attach')")
    expect(page.locator("#document-error")).to_have_text("Choose a file to attach")
    accessible(page)
    page.set_input_files(
        "#document", {"name": "plans.pdf", "mimeType": "application/pdf", "buffer": b"MZ nope"}
    )
    page.click("button:has-text('Attach')")
    expect(page.locator("#document-error")).to_contain_text("was not accepted")
    expect(page.locator("a", has_text="plans.pdf")).to_have_count(1)
    page.set_input_files(
        "#document", {"name": "plans-rev2.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.click("button:has-text('Attach')")
    expect(page.locator("main")).to_contain_text("The document is attached.")
    expect(page.locator("a", has_text="plans-rev2.pdf")).to_have_count(1)
