"""Fees on a permit's staff page (issue 27, R-PAY-1) against a scripted API:
items of the type's schedule with a quantity, and a manual line, priced by
the service before they are saved; a manual line missing its reason told
next to its field; an open line voided only with a reason."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from .conftest import Portal, csrf_of
from .test_staff_pages import PERMIT, staff_api

pytestmark = pytest.mark.integration

TYPES = [
    {
        "code": "RES",
        "name": "RESIDENTIAL",
        "fee_schedule": [
            {"code": "PLAN", "name": "PLANNING", "amount": "35.00"},
            {"code": "SQFT", "name": "PER SQUARE FOOT", "kind": "quantity", "rate": "0.25"},
        ],
    }
]
WITH_LINE = {
    **PERMIT,
    "fees": [{"id": "l1", "name": "PLANNING", "amount": "35.00", "status": "open"}],
}


def fees_api(sent: list[httpx.Request]) -> Any:
    base = staff_api(["permit_technician"], sent)

    def api(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        one = "/v1/jurisdictions/demo/permits/p1"
        if path == "/v1/jurisdictions/demo/permit-types":
            return httpx.Response(200, json=TYPES)
        if path == one:
            return httpx.Response(200, json=WITH_LINE)
        if path == f"{one}/fee-quote":
            sent.append(request)
            lines = [{"name": "PLANNING", "amount": "35.00"}, {"name": "X", "amount": "10.00"}]
            return httpx.Response(200, json={"lines": lines, "total": "45.00"})
        if path in (f"{one}/fees", f"{one}/fees/l1/void"):
            sent.append(request)
            return httpx.Response(200, json={**WITH_LINE, "fees_due": "45.00"})
        return base(request)

    return api


async def test_fees_are_priced_before_they_are_saved(portal: Portal) -> None:
    sent: list[httpx.Request] = []
    portal.api(fees_api(sent))
    await portal.log_in()
    page = await portal.client.get("/j/demo/staff/permits/p1")
    assert page.status_code == 200 and "PER SQUARE FOOT" in page.text
    form = {
        "csrf_token": csrf_of(page),
        "item": ["PLAN", "SQFT"],
        "qty-SQFT": "100",
        "manual_name": "RE-INSPECTION",
        "manual_amount": "10.00",
        "manual_reason": "",
        "key": "k-fees",
    }
    unexplained = await portal.client.post("/j/demo/staff/permits/p1/fees/quote", data=form)
    assert (
        unexplained.status_code == 422 and "Say why this fee is added by hand" in unexplained.text
    )
    form["manual_reason"] = "second visit"
    quoted = await portal.client.post("/j/demo/staff/permits/p1/fees/quote", data=form)
    assert quoted.status_code == 200 and "$45.00" in quoted.text
    assert "Save these fees" in quoted.text
    asked = json.loads(next(r for r in sent if r.url.path.endswith("/fee-quote")).content)
    assert asked == {
        "items": [{"code": "PLAN"}, {"code": "SQFT", "quantity": "100"}],
        "manual": [{"name": "RE-INSPECTION", "amount": "10.00", "reason": "second visit"}],
    }
    saved = await portal.client.post("/j/demo/staff/permits/p1/fees", data=form)
    assert saved.status_code == 303 and saved.headers["location"].endswith("#fees")
    assessed = next(r for r in sent if r.url.path.endswith("/p1/fees"))
    assert json.loads(assessed.content) == asked
    assert assessed.headers["idempotency-key"] == "k-fees"


async def test_a_line_is_voided_only_with_a_reason(portal: Portal) -> None:
    sent: list[httpx.Request] = []
    portal.api(fees_api(sent))
    await portal.log_in()
    page = await portal.client.get("/j/demo/staff/permits/p1")
    void = {"csrf_token": csrf_of(page), "reason": ""}
    unexplained = await portal.client.post("/j/demo/staff/permits/p1/fees/l1/void", data=void)
    assert unexplained.status_code == 422 and "Give the reason for voiding" in unexplained.text
    done = await portal.client.post(
        "/j/demo/staff/permits/p1/fees/l1/void", data={**void, "reason": "waived"}
    )
    assert done.status_code == 303
    assert json.loads(next(r for r in sent if r.url.path.endswith("/void")).content) == {
        "reason": "waived"
    }
