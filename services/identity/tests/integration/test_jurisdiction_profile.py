"""A jurisdiction's own admins set up its branding and password rules (issue
27); its name, time zone and features stay the hosting operator's (403
naming them); another jurisdiction's admin finds nothing (404)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.integration


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_an_admin_sets_the_branding_and_password_rules_not_the_name(harness: Any) -> None:
    alpha = await harness.jurisdiction_with_admin("alpha")
    beta = await harness.jurisdiction_with_admin("beta")
    changes = {
        "branding": {"display_name": "Alpha Building Division", "notice": "Closed Friday."},
        "password_policy": "etrakit",
        "reset_requires_security_answer": True,
    }
    done = await harness.http.patch("/v1/jurisdictions/alpha", headers=auth(alpha), json=changes)
    assert done.status_code == 200, done.text
    assert done.json()["branding"]["display_name"] == "Alpha Building Division"
    assert done.json()["password_policy"] == "etrakit"
    operators = await harness.http.patch(
        "/v1/jurisdictions/alpha",
        headers=auth(alpha),
        json={"name": "Elsewhere", "time_zone": "America/Denver", "password_policy": "asvs"},
    )
    assert operators.status_code == 403
    assert sorted(e["field"] for e in operators.json()["errors"]) == ["name", "time_zone"]
    public = (await harness.http.get("/v1/jurisdictions/alpha")).json()
    assert public["name"] == "Alpha County" and public["password_policy"] == "etrakit"
    other = await harness.http.patch("/v1/jurisdictions/alpha", headers=auth(beta), json=changes)
    assert other.status_code == 404
