"""Setup pages for other services' settings (issue 27) against a scripted
API: payment methods with a refused fee in its row, the jurisdiction's
branding and password rules, and contractor registration settings that keep
what the form does not show."""

from __future__ import annotations

import json

import httpx
import pytest

from .conftest import Portal, csrf_in
from .test_staff_setup import setup_api

pytestmark = pytest.mark.integration


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


async def test_registration_settings_keep_what_the_form_does_not_show(portal: Portal) -> None:
    sent: list[httpx.Request] = []
    base = setup_api(["admin"], sent)
    current = {
        "enabled": True,
        "acceptance_mode": "staff_review",
        "time_zone": "America/Boise",
        "trades": ["General"],
        "license_types": [],
        "requirements": [
            {
                "id": "insurance",
                "label": "Certificate of insurance",
                "kind": "document",
                "required": True,
                "field_type": "text",
                "accepted_types": ["application/pdf", "image/png"],
                "trades": ["General"],
            }
        ],
    }

    def api(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/jurisdictions/demo/registration-settings":
            if request.method == "PUT":
                sent.append(request)
            return httpx.Response(200, json=current)
        return base(request)

    portal.api(api)
    await portal.log_in()
    page = await portal.client.get("/j/demo/staff/setup/registration")
    assert page.status_code == 200 and 'value="Certificate of insurance"' in page.text
    form = {
        "csrf_token": csrf_in(page, "/j/demo/staff/setup/registration"),
        "enabled": "yes",
        "acceptance_mode": "automatic",
        "trades": "General\nElectrical",
        "license-0-code": "ELEC",
        "license-0-name": "Electrical contractor",
        "license-0-online": "yes",
        "req-0-id": "insurance",
        "req-0-label": "Certificate of insurance (current)",
        "req-0-kind": "document",
        "req-0-field_type": "text",
        "req-0-required": "yes",
        "req-1-id": "",
        "req-1-label": "",
        "req-1-kind": "document",
        "req-1-field_type": "text",
    }
    saved = await portal.client.post("/j/demo/staff/setup/registration", data=form)
    assert saved.status_code == 303
    body = json.loads(sent[-1].content)
    assert body["acceptance_mode"] == "automatic" and body["time_zone"] == "America/Boise"
    assert body["trades"] == ["General", "Electrical"]
    assert body["license_types"] == [
        {"code": "ELEC", "name": "Electrical contractor", "online": True}
    ]
    [insurance] = body["requirements"]
    assert insurance["label"] == "Certificate of insurance (current)"
    assert insurance["accepted_types"] == ["application/pdf", "image/png"]  # kept
    assert insurance["trades"] == ["General"] and insurance["required"] is True
