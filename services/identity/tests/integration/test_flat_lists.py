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


HISTORY = 3000  # other people's memberships and companies in the jurisdiction


async def _copy(db: Any, collection: str, vary: Any) -> None:
    model = await db[collection].find_one({"jurisdiction_id": "alpha"})
    assert model is not None, f"no {collection} to copy"
    copies = [vary(dict(model), n) for n in range(HISTORY)]
    for at in range(0, HISTORY, 500):
        await db[collection].insert_many(copies[at : at + 500])


async def test_lists_and_logins_stay_flat_among_thousands(harness: Any) -> None:
    """Issue 14: with thousands of other people's memberships and companies in
    the jurisdiction, every staff list and a login read only what bounds them
    (the tests run the guard in refuse mode: an unflat read is a 500)."""
    admin = await harness.jurisdiction_with_admin("alpha")
    base = "/v1/jurisdictions/alpha"
    created = await harness.http.post(
        f"{base}/companies",
        headers=auth(admin),
        json={"name": "Rich Contractor", "license_number": "AEC0119"},
    )
    assert created.status_code == 201, created.text
    pat = await harness.http.post(
        f"{base}/users",
        headers=auth(admin),
        json={"email": "pat@example.org", "display_name": "Pat", "kind": "community_member"},
    )
    assert pat.status_code == 201, pat.text
    db = harness.identity.runtime.db
    await _copy(
        db,
        "memberships",
        lambda doc, n: {
            **doc,
            "_id": f"hist-{n}",
            "account_id": f"acct-{n}",
            "email": f"person{n}@example.org",
            "kind": ("community_member", "contractor")[n % 2],
        },
    )
    await _copy(
        db,
        "companies",
        lambda doc, n: {
            **doc,
            "_id": f"hist-{n}",
            "name": f"Company {n}",
            "name_key": f"COMPANY {n}",
            "license_number": f"L-{n}",
        },
    )

    reads = {
        "staff": f"{base}/users",
        "pat": f"{base}/users?kind=community_member&email=pat@",
        "by name": f"{base}/companies?q=rich",
        "by license": f"{base}/companies?q=aec0119",
        "audit": f"{base}/audit",
    }
    answers = {}
    for name, url in reads.items():
        r = await harness.http.get(url, headers=auth(admin))
        assert r.status_code == 200, (name, r.text)
        answers[name] = r.json()
    assert {u["kind"] for u in answers["staff"]["items"]} == {"staff"}
    assert [u["email"] for u in answers["pat"]["items"]] == ["pat@example.org"]
    assert [c["name"] for c in answers["by name"]["items"]] == ["Rich Contractor"]
    assert [c["license_number"] for c in answers["by license"]["items"]] == ["AEC0119"]
    login = await harness.login("admin@alpha.example.org", harness.admin_password, "alpha")
    assert login.status_code == 200, login.text
