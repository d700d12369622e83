"""Reads stay flat (issue 14): identity's staff lists name what bounds them —
staff in full, companies by license or name start, other people by email
start, the audit trail by a 30-day window — and say how to narrow otherwise."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

pytestmark = pytest.mark.integration


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_companies_are_found_by_license_or_name_start(harness: Any) -> None:
    admin = await harness.jurisdiction_with_admin("alpha")
    base = "/v1/jurisdictions/alpha/companies"
    for name, license_number in (("Rich Contractor", "AEC0119"), ("Richland Roofing", "R-77")):
        r = await harness.http.post(
            base, headers=auth(admin), json={"name": name, "license_number": license_number}
        )
        assert r.status_code == 201, r.text
    unbounded = await harness.http.get(base, headers=auth(admin))
    assert unbounded.status_code == 422 and unbounded.json()["errors"][0]["field"] == "q"
    by_name = (await harness.http.get(f"{base}?q=rich", headers=auth(admin))).json()
    assert [c["name"] for c in by_name["items"]] == ["Rich Contractor", "Richland Roofing"]
    assert by_name["total"] == 2
    by_license = (await harness.http.get(f"{base}?q=aec0119", headers=auth(admin))).json()
    assert [c["license_number"] for c in by_license["items"]] == ["AEC0119"]


async def test_people_other_than_staff_are_found_by_email_start(harness: Any) -> None:
    admin = await harness.jurisdiction_with_admin("alpha")
    base = "/v1/jurisdictions/alpha/users"
    r = await harness.http.post(
        base,
        headers=auth(admin),
        json={"email": "pat@example.org", "display_name": "Pat", "kind": "community_member"},
    )
    assert r.status_code == 201, r.text
    staff = (await harness.http.get(base, headers=auth(admin))).json()
    assert {u["kind"] for u in staff["items"]} == {"staff"}  # the default kind
    too_short = await harness.http.get(
        f"{base}?kind=community_member&email=pa", headers=auth(admin)
    )
    assert too_short.status_code == 422 and too_short.json()["errors"][0]["field"] == "email"
    found = await harness.http.get(f"{base}?kind=community_member&email=PAT@", headers=auth(admin))
    assert [u["email"] for u in found.json()["items"]] == ["pat@example.org"]


async def test_the_audit_trail_shows_the_last_30_days(harness: Any) -> None:
    admin = await harness.jurisdiction_with_admin("alpha")
    base = "/v1/jurisdictions/alpha"
    await harness.http.post(
        f"{base}/companies", headers=auth(admin), json={"name": "Old Co", "license_number": "O1"}
    )
    recent = (await harness.http.get(f"{base}/audit", headers=auth(admin))).json()
    assert "company_created" in [e["action"] for e in recent]
    harness.clock.advance(timedelta(days=31))
    login = await harness.login("admin@alpha.example.org", harness.admin_password, "alpha")
    later = auth(login.json()["access_token"])
    old = (await harness.http.get(f"{base}/audit", headers=later)).json()
    assert "company_created" not in [e["action"] for e in old]
