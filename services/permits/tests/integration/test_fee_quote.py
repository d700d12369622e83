"""A fee quote (issue 27): the lines an assessment would add, priced from the
permit type's schedule as assessing prices them (R-PAY-1), with nothing
saved; for the staff who may assess fees only; an unknown item named."""

from __future__ import annotations

from typing import Any

import pytest

from .test_hardening import _fee_events, _permit_in_review

pytestmark = pytest.mark.integration

BODY = {
    "items": [{"code": "PLAN"}, {"code": "SQFT", "quantity": "100"}],
    "manual": [{"name": "RE-INSPECTION", "amount": "50.00", "reason": "second visit"}],
}


async def test_a_quote_prices_the_lines_as_assessing_would_and_saves_nothing(
    harness: Any,
) -> None:
    url, admin = await _permit_in_review(harness)
    quoted = await harness.http.post(f"{url}/fee-quote", headers=admin, json=BODY)
    assert quoted.status_code == 200, quoted.text
    lines = [(ln["name"], ln["amount"]) for ln in quoted.json()["lines"]]
    assert lines == [
        ("PLANNING", "35.00"),
        ("PER SQUARE FOOT", "25.00"),
        ("RE-INSPECTION", "50.00"),
    ]
    assert quoted.json()["total"] == "110.00"
    assert (await harness.http.get(url, headers=admin)).json()["fees"] == []
    assert await _fee_events(harness) == 0
    assessed = await harness.http.post(
        f"{url}/fees", headers={**admin, "Idempotency-Key": "q"}, json=BODY
    )
    assert [(f["name"], f["amount"]) for f in assessed.json()["fees"]] == lines


async def test_a_quote_names_an_unknown_item_and_is_for_fee_staff_only(harness: Any) -> None:
    url, admin = await _permit_in_review(harness)
    unknown = await harness.http.post(
        f"{url}/fee-quote", headers=admin, json={"items": [{"code": "NOPE"}]}
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"].startswith("items.0")
    inspector = harness.token("alpha", "staff", roles=["inspector"])
    refused = await harness.http.post(f"{url}/fee-quote", headers=inspector, json=BODY)
    assert refused.status_code == 403
