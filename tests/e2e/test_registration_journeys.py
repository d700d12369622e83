"""Contractor self-registration through the gateway (R-REG-1 … R-REG-5), real
processes and real mail: register → confirm → fill → upload → submit →
(review → return → resubmit → accept) → the contractor logs in as an
authorized online user of the new company."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from devstack.testing import eventually_sync

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.7\n" + b"0" * 4000 + b"\n%%EOF\n"
CONFIG = {
    "enabled": True,
    "trades": ["General", "Electrical"],
    "license_types": [{"code": "RES", "name": "Residential Contractor"}],
    "requirements": [
        {"id": "insurance", "label": "Insurance certificate", "kind": "document"},
        {
            "id": "insurance_expiry",
            "label": "Insurance expiry",
            "kind": "field",
            "field_type": "insurance_expiry",
        },
    ],
}


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _jurisdiction(suite: Any, jid: str, mode: str) -> str:
    suite.create_operator()
    op = suite.operator_token()
    r = httpx.post(
        f"{suite.url}/v1/jurisdictions",
        headers=_auth(op),
        json={"id": jid, "name": f"{jid.title()} Building", "time_zone": "America/Boise"},
    )
    assert r.status_code == 201, r.text
    r = httpx.put(
        f"{suite.url}/v1/jurisdictions/{jid}/registration-settings",
        headers=_auth(op),
        json={**CONFIG, "acceptance_mode": mode},
    )
    assert r.status_code == 200, r.text
    return op


def _register(suite: Any, jid: str, email: str) -> tuple[str, dict[str, str]]:
    r = httpx.post(f"{suite.url}/v1/jurisdictions/{jid}/registrations", json={"email": email})
    assert r.status_code == 202
    link = suite.api_link(suite.mail(email, "Confirm your email to register")["links"][0])
    opened = httpx.post(link)
    assert opened.status_code == 201, opened.text
    rid = opened.json()["registration"]["id"]
    me = {"X-Registration-Token": opened.json()["registration_token"]}
    patched = httpx.patch(
        f"{suite.url}/v1/registrations/{rid}",
        headers=me,
        json={
            "company_name": "Sparky Electric",
            "registrant_name": "Sam Sparks",
            "license_number": "EC-4411",
            "trades": ["Electrical"],
            "license_types": ["RES"],
            "profile": {
                "address": "1 Main St",
                "city": "Boise",
                "state": "ID",
                "zip": "83702",
                "phone": "208-555-0111",
            },
        },
    )
    assert patched.status_code == 200, patched.text
    assert (
        httpx.put(
            f"{suite.url}/v1/registrations/{rid}/requirements/insurance_expiry",
            headers=me,
            json={"value": "2030-01-31"},
        ).status_code
        == 200
    )
    up = httpx.put(
        f"{suite.url}/v1/registrations/{rid}/requirements/insurance/document",
        headers=me,
        files={"file": ("coi.pdf", PDF, "application/pdf")},
    )
    assert up.status_code == 200, up.text
    return rid, me


def _logs_in_as_company_admin(suite: Any, jid: str, email: str, password: str) -> None:
    tokens: dict[str, Any] = {}

    def can_log_in() -> bool:  # identity consumes RegistrationAccepted asynchronously
        r = httpx.post(
            f"{suite.url}/v1/auth/token",
            data={"username": email, "password": password, "jurisdiction": jid},
        )
        if r.status_code != 200:
            return False
        me = httpx.get(f"{suite.url}/v1/me", headers=_auth(r.json()["access_token"])).json()
        tokens.update(me)
        return bool(me.get("company_admin_of"))

    eventually_sync(can_log_in, what="the contractor's company membership")
    company_id = tokens["company_admin_of"][0]
    r = httpx.post(
        f"{suite.url}/v1/auth/token",
        data={"username": email, "password": password, "jurisdiction": jid},
    )
    company = httpx.get(
        f"{suite.url}/v1/jurisdictions/{jid}/companies/{company_id}",
        headers=_auth(r.json()["access_token"]),
    )
    assert company.status_code == 200
    assert company.json()["name"] == "Sparky Electric"
    assert company.json()["license_number"] == "EC-4411"


def test_automatic_acceptance_through_the_gateway(suite: Any) -> None:
    _jurisdiction(suite, "auto", "automatic")
    rid, me = _register(suite, "auto", "sam@sparky.example.com")
    submitted = httpx.post(
        f"{suite.url}/v1/registrations/{rid}/submit",
        headers=me,
        json={"password": "sam sparks passphrase"},
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "accepted"
    suite.mail("sam@sparky.example.com", "was accepted")
    _logs_in_as_company_admin(suite, "auto", "sam@sparky.example.com", "sam sparks passphrase")


def test_staff_review_return_resubmit_accept_through_the_gateway(suite: Any) -> None:
    op = _jurisdiction(suite, "review", "staff_review")
    rid, me = _register(suite, "review", "sam@sparky.example.com")
    submitted = httpx.post(
        f"{suite.url}/v1/registrations/{rid}/submit",
        headers=me,
        json={"password": "sam sparks passphrase"},
    )
    assert submitted.json()["status"] == "pending_validation"
    suite.mail("sam@sparky.example.com", "Pending Validation")

    base = f"{suite.url}/v1/jurisdictions/review/registrations/{rid}"
    marked = httpx.put(
        f"{base}/requirements/insurance/review",
        headers=_auth(op),
        json={"decision": "needs_info", "comment": "Please send the signed copy"},
    )
    assert marked.status_code == 200, marked.text
    returned = httpx.post(
        f"{base}/decision",
        headers=_auth(op),
        json={"decision": "return", "version": marked.json()["version"]},
    )
    assert returned.status_code == 200, returned.text
    mail = suite.mail("sam@sparky.example.com", "More information")
    assert "Please send the signed copy" in mail["text"]
    resumed = httpx.post(suite.api_link(mail["links"][0]))
    assert resumed.status_code == 200, resumed.text
    me = {"X-Registration-Token": resumed.json()["registration_token"]}
    assert (
        httpx.put(
            f"{suite.url}/v1/registrations/{rid}/requirements/insurance/document",
            headers=me,
            files={"file": ("signed.pdf", PDF, "application/pdf")},
        ).status_code
        == 200
    )
    assert httpx.post(f"{suite.url}/v1/registrations/{rid}/resubmit", headers=me).status_code == 200

    detail = httpx.get(base, headers=_auth(op)).json()
    assert detail["round"] == 2
    accepted = httpx.post(
        f"{base}/decision",
        headers=_auth(op),
        json={"decision": "accept", "version": detail["version"]},
    )
    assert accepted.status_code == 200, accepted.text
    suite.mail("sam@sparky.example.com", "was accepted")
    _logs_in_as_company_admin(suite, "review", "sam@sparky.example.com", "sam sparks passphrase")
