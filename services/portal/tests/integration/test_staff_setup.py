"""Jurisdiction setup in the staff console (issue 27) against a scripted API:
a permit type with its fee schedule (a refused row's field shown in its own
row, blank rows left out), the inspection calendar (a capacity line that is
not "name: number" told next to the field), and setup for admins only."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from .conftest import Portal, csrf_in
from .test_staff_pages import staff_api

pytestmark = pytest.mark.integration

CALENDAR = {"working_days": [0, 1, 2, 3, 4], "holidays": [], "horizon_days": 14}


def setup_api(roles: list[str], sent: list[httpx.Request]) -> Any:
    base = staff_api(roles, sent)

    def api(request: httpx.Request) -> httpx.Response:
        path, method = request.url.path, request.method
        if path == "/v1/jurisdictions/demo/permit-types":
            return httpx.Response(200, json=[])
        if path == "/v1/jurisdictions/demo/permit-types/POOL":
            sent.append(request)
            body = json.loads(request.content)
            if body["fee_schedule"][1].get("amount") == "NaN":
                problem = {
                    "title": "Unprocessable",
                    "status": 422,
                    "detail": "invalid",
                    "errors": [{"field": "fee_schedule.1.amount", "msg": "a plain decimal"}],
                }
                return httpx.Response(422, json=problem)
            return httpx.Response(200, json={**body, "code": "POOL"})
        if path == "/v1/jurisdictions/demo/inspection-settings":
            if method == "PUT":
                sent.append(request)
            return httpx.Response(200, json=CALENDAR)
        return base(request)

    return api


async def test_a_permit_type_with_its_fee_schedule(portal: Portal) -> None:
    sent: list[httpx.Request] = []
    portal.api(setup_api(["admin"], sent))
    await portal.log_in()
    page = await portal.client.get("/j/demo/staff/setup/permit-types/pool")
    assert page.status_code == 200 and "Permit type POOL" in page.text
    form = {
        "csrf_token": csrf_in(page, "/j/demo/staff/setup/permit-types/POOL"),
        "name": "SWIMMING POOL",
        "kind": "permit",
        "number_format": "POOL{yy}-{seq:04}",
        "inspection_types": "POOL BARRIER\nPOOL FINAL\n",
        "inactivity_days": "180",
        "fee-0-code": "PLAN",
        "fee-0-name": "PLAN REVIEW",
        "fee-0-kind": "fixed",
        "fee-0-amount": "75.00",
        "fee-1-code": "",
        "fee-1-name": "",
        "fee-1-kind": "fixed",
        "fee-2-code": "BLDG",
        "fee-2-name": "BUILDING",
        "fee-2-kind": "fixed",
        "fee-2-amount": "NaN",
    }
    refused = await portal.client.post("/j/demo/staff/setup/permit-types/POOL", data=form)
    assert refused.status_code == 422
    assert 'id="fee-2-amount-error"' in refused.text and "a plain decimal" in refused.text
    saved = await portal.client.post(
        "/j/demo/staff/setup/permit-types/POOL", data={**form, "fee-2-amount": "120.00"}
    )
    assert saved.status_code == 303
    body = json.loads([r for r in sent if r.url.path.endswith("/POOL")][-1].content)
    assert body["inspection_types"] == ["POOL BARRIER", "POOL FINAL"]
    assert body["fee_schedule"] == [
        {"code": "PLAN", "name": "PLAN REVIEW", "kind": "fixed", "amount": "75.00"},
        {"code": "BLDG", "name": "BUILDING", "kind": "fixed", "amount": "120.00"},
    ]


async def test_the_inspection_calendar(portal: Portal) -> None:
    sent: list[httpx.Request] = []
    portal.api(setup_api(["admin"], sent))
    await portal.log_in()
    page = await portal.client.get("/j/demo/staff/setup/inspections")
    form = {
        "csrf_token": csrf_in(page, "/j/demo/staff/setup/inspections"),
        "working_days": ["0", "2", "4"],
        "holidays": "2026-12-25\n2027-01-01",
        "horizon_days": "21",
        "next_day_cutoff": "15:00",
        "cancel_cutoff": "06:00",
        "default_capacity": "",
        "capacity": "POOL FINAL 4",
        "ampm_allowed": "yes",
    }
    bad = await portal.client.post("/j/demo/staff/setup/inspections", data=form)
    assert bad.status_code == 422 and "a colon and a number" in bad.text
    saved = await portal.client.post(
        "/j/demo/staff/setup/inspections", data={**form, "capacity": "POOL FINAL: 4"}
    )
    assert saved.status_code == 303
    body = json.loads(next(r for r in sent if r.method == "PUT").content)
    assert body["working_days"] == [0, 2, 4] and body["holidays"] == ["2026-12-25", "2027-01-01"]
    assert body["capacity"] == {"POOL FINAL": 4} and body["default_capacity"] is None
    assert body["ampm_allowed"] is True and body["block_when_fees_due"] is False


async def test_setup_is_the_admins(portal: Portal) -> None:
    portal.api(setup_api(["permit_technician"], []))
    await portal.log_in()
    for path in ("/j/demo/staff/setup/permit-types", "/j/demo/staff/setup/inspections"):
        assert (await portal.client.get(path)).status_code == 404, path
