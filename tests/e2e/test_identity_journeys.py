"""Issue 3 journeys through the gateway with real processes and real mail."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.e2e


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_admin_invites_company_user_who_resets_password_and_is_removed(suite: Any) -> None:
    suite.create_operator()
    op = suite.operator_token()
    r = httpx.post(
        f"{suite.url}/v1/jurisdictions",
        headers=_auth(op),
        json={
            "id": "boise",
            "name": "Boise",
            "time_zone": "America/Boise",
            "branding": {"display_name": "Boise Building Division"},
            "first_admin": {"email": "ada@example.com", "display_name": "Ada"},
        },
    )
    assert r.status_code == 201, r.text

    invite = suite.mail("ada@example.com", "invited")
    assert (
        httpx.post(
            suite.api_link(invite["links"][0]), json={"password": "ada admin passphrase"}
        ).status_code
        == 200
    )
    admin = httpx.post(
        f"{suite.url}/v1/auth/token",
        data={
            "username": "ada@example.com",
            "password": "ada admin passphrase",
            "jurisdiction": "boise",
        },
    ).json()["access_token"]

    company = httpx.post(
        f"{suite.url}/v1/jurisdictions/boise/companies",
        headers=_auth(admin),
        json={"name": "Rich Contractor", "license_number": "AEC0119"},
    ).json()
    added = httpx.post(
        f"{suite.url}/v1/jurisdictions/boise/companies/{company['id']}/users",
        headers=_auth(admin),
        json={"email": "rich@example.com", "display_name": "Rich", "company_admin": True},
    )
    assert added.status_code == 201
    invite = suite.mail("rich@example.com", "Rich Contractor")
    assert (
        httpx.post(
            suite.api_link(invite["links"][0]), json={"password": "rich first passphrase"}
        ).status_code
        == 200
    )

    # forgot password by license number: the reset link arrives, the new password works
    reset = httpx.post(
        f"{suite.url}/v1/jurisdictions/boise/password-resets", json={"license_number": "aec0119"}
    )
    assert reset.status_code == 202
    link = suite.api_link(suite.mail("rich@example.com", "Reset")["links"][0])
    assert httpx.post(link, json={"password": "rich second passphrase"}).status_code == 204
    suite.mail("rich@example.com", "was changed")
    tokens = httpx.post(
        f"{suite.url}/v1/auth/token",
        data={
            "username": "rich@example.com",
            "password": "rich second passphrase",
            "jurisdiction": "boise",
        },
    ).json()
    me = httpx.get(f"{suite.url}/v1/me", headers=_auth(tokens["access_token"])).json()
    assert me["company_admin_of"] == [company["id"]]

    # the last company admin cannot be removed (issue 12.9) …
    last = f"{suite.url}/v1/jurisdictions/boise/companies/{company['id']}/users/{me['account_id']}"
    assert httpx.delete(last, headers=_auth(admin)).status_code == 409
    # … so the company gets a second admin; staff then remove him: refresh fails at once
    second = httpx.post(
        f"{suite.url}/v1/jurisdictions/boise/companies/{company['id']}/users",
        headers=_auth(admin),
        json={"email": "kim@example.com", "display_name": "Kim", "company_admin": True},
    )
    assert second.status_code == 201, second.text
    # an invitation nobody accepted is no admin yet (issue 22, defect 15) …
    assert httpx.delete(last, headers=_auth(admin)).status_code == 409
    invite = suite.mail("kim@example.com", "Rich Contractor")
    accepted = httpx.post(suite.api_link(invite["links"][0]), json={"password": "kim passphrase 1"})
    assert accepted.status_code == 200
    # … once Kim has accepted, Rich may go
    gone = httpx.delete(
        f"{suite.url}/v1/jurisdictions/boise/companies/{company['id']}/users/{me['account_id']}",
        headers=_auth(admin),
    )
    assert gone.status_code == 204
    refreshed = httpx.post(
        f"{suite.url}/v1/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
    )
    assert refreshed.status_code == 401
    # the gateway requires a token on staff routes
    assert httpx.get(f"{suite.url}/v1/jurisdictions/boise/users").status_code == 401
