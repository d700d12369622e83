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


async def test_payment_settings_with_a_refused_method_fee_in_its_row(portal: Portal) -> None:
    sent: list[httpx.Request] = []
    base = setup_api(["admin"], sent)
    settings = {
        "online_payments": True,
        "fee_label": "Access Idaho Fee",
        "methods": [{"code": "card", "label": "Credit Card - 3%", "fee_percent": "3"}],
    }

    def api(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/jurisdictions/demo/payment-settings":
            if request.method == "PUT":
                sent.append(request)
                body = json.loads(request.content)
                if body["methods"][-1].get("fee_percent") == "300":
                    problem = {
                        "title": "Unprocessable",
                        "status": 422,
                        "detail": "invalid",
                        "errors": [{"field": "methods.1.fee_percent", "msg": "at most 100"}],
                    }
                    return httpx.Response(422, json=problem)
            return httpx.Response(200, json=settings)
        return base(request)

    portal.api(api)
    await portal.log_in()
    page = await portal.client.get("/j/demo/staff/setup/payments")
    assert page.status_code == 200 and 'value="Credit Card - 3%"' in page.text
    form = {
        "csrf_token": csrf_in(page, "/j/demo/staff/setup/payments"),
        "online_payments": "yes",
        "fee_label": "Access Idaho Fee",
        "method-0-code": "card",
        "method-0-label": "Credit Card - 3%",
        "method-0-fee_percent": "3",
        "method-0-borne_by": "payer",
        "method-1-code": "",
        "method-1-label": "",
        "method-1-borne_by": "payer",
        "method-2-code": "echeck",
        "method-2-label": "Electronic Check",
        "method-2-fee_percent": "300",
        "method-2-borne_by": "payer",
    }
    refused = await portal.client.post("/j/demo/staff/setup/payments", data=form)
    assert refused.status_code == 422 and 'id="method-2-fee_percent-error"' in refused.text
    saved = await portal.client.post(
        "/j/demo/staff/setup/payments",
        data={**form, "method-2-fee_percent": "", "method-2-fee_flat": "1.50"},
    )
    assert saved.status_code == 303
    body = json.loads([r for r in sent if r.method == "PUT"][-1].content)
    assert body == {
        "online_payments": True,
        "fee_label": "Access Idaho Fee",
        "methods": [
            {"code": "card", "label": "Credit Card - 3%", "fee_percent": "3", "borne_by": "payer"},
            {
                "code": "echeck",
                "label": "Electronic Check",
                "fee_flat": "1.50",
                "borne_by": "payer",
            },
        ],
    }


async def test_the_profile_and_password_rules(portal: Portal) -> None:
    sent: list[httpx.Request] = []
    base = setup_api(["admin"], sent)

    def api(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/jurisdictions/demo" and request.method == "PATCH":
            sent.append(request)
            if json.loads(request.content)["branding"]["logo_url"] == "ftp://x":
                problem = {
                    "title": "Unprocessable",
                    "status": 422,
                    "detail": "invalid",
                    "errors": [{"field": "branding.logo_url", "msg": "an http(s) address"}],
                }
                return httpx.Response(422, json=problem)
            return httpx.Response(200, json={})
        return base(request)

    portal.api(api)
    await portal.log_in()
    page = await portal.client.get("/j/demo/staff/setup/profile")
    assert page.status_code == 200
    form = {
        "csrf_token": csrf_in(page, "/j/demo/staff/setup/profile"),
        "display_name": "Demo Building Division",
        "from_address": "",
        "logo_url": "ftp://x",
        "notice": "Closed Friday.",
        "password_policy": "etrakit",
    }
    refused = await portal.client.post("/j/demo/staff/setup/profile", data=form)
    assert refused.status_code == 422 and 'id="logo_url-error"' in refused.text
    saved = await portal.client.post("/j/demo/staff/setup/profile", data={**form, "logo_url": ""})
    assert saved.status_code == 303
    assert json.loads(sent[-1].content) == {
        "branding": {
            "display_name": "Demo Building Division",
            "from_address": None,
            "logo_url": None,
            "notice": "Closed Friday.",
        },
        "password_policy": "etrakit",
        "reset_requires_security_answer": False,
    }
