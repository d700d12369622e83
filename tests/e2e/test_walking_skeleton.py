"""End to end through the gateway: enroll → the mail arrives in the SMTP sink →
confirm with its link → log in → GET /v1/me (R-ID-1), all as real processes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.e2e


def test_enroll_confirm_login_me_through_the_gateway(suite: Any) -> None:
    suite.create_operator()
    op = suite.operator_token()
    created = httpx.post(
        f"{suite.url}/v1/jurisdictions",
        json={"id": "boise", "name": "Boise Building Division", "time_zone": "America/Boise"},
        headers={"Authorization": f"Bearer {op}"},
    )
    assert created.status_code == 201, created.text

    r = httpx.post(
        f"{suite.url}/v1/jurisdictions/boise/enrollments", json={"email": "pat@example.com"}
    )
    assert r.status_code == 202

    mail = suite.mail("pat@example.com")
    assert mail["subject"] == "Confirm your email for Boise Building Division"
    [link] = mail["links"]
    # the link opens the portal's page; an API client takes its token to the API
    assert link.startswith(f"{suite.url}/enrollments/boise.")
    api = suite.api_link(link)

    assert httpx.get(api).json()["email"] == "pat@example.com"
    done = httpx.post(api, json={"display_name": "Pat", "password": "correct horse battery"})
    assert done.status_code == 201, done.text

    tokens = httpx.post(
        f"{suite.url}/v1/auth/token",
        data={
            "username": "pat@example.com",
            "password": "correct horse battery",
            "jurisdiction": "boise",
        },
    )
    assert tokens.status_code == 200, tokens.text
    me = httpx.get(
        f"{suite.url}/v1/me", headers={"Authorization": f"Bearer {tokens.json()['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["email"] == "pat@example.com"
    assert me.json()["jurisdiction_id"] == "boise"
    assert me.headers["x-correlation-id"]

    spec = httpx.get(f"{suite.url}/openapi.json").json()
    assert {"/v1/me", "/v1/auth/token", "/v1/jurisdictions/{jurisdiction_id}/enrollments"} <= set(
        spec["paths"]
    )
    assert "/health/ready" not in spec["paths"]  # services' internals stay internal

    health = httpx.get(f"{suite.url}/health").json()
    assert health["ready"] is True
    assert set(health["services"]) == {"identity", "notifications", "registration"}


def test_bad_input_through_the_gateway_is_4xx_problem_json(suite: Any) -> None:
    cases = [
        httpx.post(
            f"{suite.url}/v1/jurisdictions/x/enrollments",
            content=b"{not json",
            headers={"content-type": "application/json"},
        ),
        httpx.post(f"{suite.url}/v1/jurisdictions/x/enrollments", json={}),
        httpx.post(f"{suite.url}/v1/jurisdictions/x/enrollments", content=b"x" * 70_000),
        httpx.get(f"{suite.url}/v1/me", headers={"Authorization": "Bearer not.a.token"}),
        httpx.get(f"{suite.url}/v1/me"),
        httpx.post(f"{suite.url}/v1/auth/token", data={"grant_type": "magic"}),
        httpx.get(f"{suite.url}/v1/enrollments/garbage"),
    ]
    for response in cases:
        assert 400 <= response.status_code < 500, (response.request.url, response.status_code)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == response.status_code
