"""Users and companies in the staff console (issue 27, seed 000) against a
scripted API: an admin creates a community member with a first-login PIN
(shown once) and is asked for a staff member's roles; a permit technician
manages companies and their users but not people (404); a company is added
to a permit by its license number."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from .conftest import Portal, csrf_of
from .test_staff_pages import PERMIT, staff_api

pytestmark = pytest.mark.integration

COMPANY = {"id": "c9", "name": "Rich Contractor", "license_number": "AEC0119", "trades": []}
MEMBER = {
    "membership_id": "m1",
    "account_id": "a1",
    "email": "pat@example.org",
    "display_name": "Pat Resident",
    "kind": "community_member",
    "status": "invited",
}


def people_api(roles: list[str], sent: list[httpx.Request]) -> Any:
    base = staff_api(roles, sent)

    def api(request: httpx.Request) -> httpx.Response:
        path, method = request.url.path, request.method
        if path == "/v1/jurisdictions/demo/users" and method == "POST":
            sent.append(request)
            return httpx.Response(201, json={**MEMBER, "pin": "483920"})
        if path == "/v1/jurisdictions/demo/users":
            staff = {**MEMBER, "kind": "staff", "roles": ["admin"], "status": "active"}
            return httpx.Response(200, json={"items": [staff], "total": 1})
        if path == "/v1/jurisdictions/demo/companies" and method == "GET":
            return httpx.Response(200, json={"items": [COMPANY], "total": 1})
        if path == "/v1/jurisdictions/demo/companies/c9":
            return httpx.Response(200, json=COMPANY)
        if path == "/v1/jurisdictions/demo/companies/c9/users":
            if method == "POST":
                sent.append(request)
                return httpx.Response(201, json={**MEMBER, "kind": "contractor", "pin": "771204"})
            return httpx.Response(200, json=[])
        if path == "/v1/jurisdictions/demo/permits/p1":
            return httpx.Response(200, json=PERMIT)
        if path == "/v1/jurisdictions/demo/permits/p1/parties":
            sent.append(request)
            return httpx.Response(200, json={**PERMIT, "company_ids": ["c9"]})
        return base(request)

    return api


async def test_an_admin_creates_a_community_member_with_a_pin_shown_once(portal: Portal) -> None:
    sent: list[httpx.Request] = []
    portal.api(people_api(["admin"], sent))
    await portal.log_in()
    people = await portal.client.get("/j/demo/staff/people?kind=staff")
    assert people.status_code == 200, people.text
    assert "Pat Resident" in people.text and "/j/demo/staff/people/m1" in people.text
    form = {
        "csrf_token": csrf_of(people),
        "kind": "staff",
        "email": "new@example.org",
        "display_name": "New Clerk",
        "delivery": "pin",
        "key": "k-person",
    }
    no_roles = await portal.client.post("/j/demo/staff/people", data=form)
    assert no_roles.status_code == 422 and "at least one role" in no_roles.text
    made = await portal.client.post(
        "/j/demo/staff/people", data={**form, "kind": "community_member"}
    )
    assert made.status_code == 201 and "483920" in made.text
    posted = next(r for r in sent if r.url.path.endswith("/users") and r.method == "POST")
    assert json.loads(posted.content) == {
        "kind": "community_member",
        "email": "new@example.org",
        "display_name": "New Clerk",
        "roles": [],
        "delivery": "pin",
    }


async def test_a_permit_technician_manages_companies_but_not_people(portal: Portal) -> None:
    sent: list[httpx.Request] = []
    portal.api(people_api(["permit_technician"], sent))
    await portal.log_in()
    assert (await portal.client.get("/j/demo/staff/people")).status_code == 404
    company = await portal.client.get("/j/demo/staff/companies/c9")
    assert company.status_code == 200 and "AEC0119" in company.text
    user = {
        "csrf_token": csrf_of(company),
        "email": "crew@example.org",
        "display_name": "Crew",
        "company_admin": "yes",
        "delivery": "pin",
    }
    added = await portal.client.post("/j/demo/staff/companies/c9/users", data=user)
    assert added.status_code == 201 and "771204" in added.text
    posted = next(r for r in sent if r.url.path.endswith("/c9/users"))
    assert json.loads(posted.content)["company_admin"] is True
    permit = await portal.client.get("/j/demo/staff/permits/p1")
    on_permit = {"csrf_token": csrf_of(permit), "license_number": "aec0119"}
    done = await portal.client.post("/j/demo/staff/permits/p1/companies", data=on_permit)
    assert done.status_code == 303
    patched = next(r for r in sent if r.url.path.endswith("/parties"))
    assert json.loads(patched.content) == {"add_companies": ["c9"]}
    unknown = await portal.client.post(
        "/j/demo/staff/permits/p1/companies", data={**on_permit, "license_number": "NOPE1"}
    )
    assert unknown.status_code == 422 and "No company with license NOPE1" in unknown.text
