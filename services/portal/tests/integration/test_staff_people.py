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

from .conftest import Portal, csrf_in, csrf_of
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


async def test_a_company_off_a_permit_and_the_owners_email_changed(portal: Portal) -> None:
    sent: list[httpx.Request] = []
    base = people_api(["permit_technician"], sent)

    def api(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/jurisdictions/demo/permits/p1":
            return httpx.Response(200, json={**PERMIT, "company_ids": ["c9"]})
        if request.url.path == "/v1/jurisdictions/demo/permits/p1/parties":
            sent.append(request)
            if json.loads(request.content).get("owner_email") == "not-an-email":
                problem = {
                    "title": "Unprocessable",
                    "status": 422,
                    "detail": "invalid",
                    "errors": [{"field": "owner_email", "msg": "an email address"}],
                }
                return httpx.Response(422, json=problem)
            return httpx.Response(200, json=PERMIT)
        return base(request)

    portal.api(api)
    await portal.log_in()
    page = await portal.client.get("/j/demo/staff/permits/p1")
    removal = "/j/demo/staff/permits/p1/companies/c9/remove"
    gone = await portal.client.post(removal, data={"csrf_token": csrf_in(page, removal)})
    assert gone.status_code == 303
    assert json.loads(sent[-1].content) == {"remove_companies": ["c9"]}
    parties = "/j/demo/staff/permits/p1/parties"
    form = {"csrf_token": csrf_in(page, parties), "applicant_email": "", "owner_email": ""}
    empty = await portal.client.post(parties, data=form)
    assert empty.status_code == 422 and "new email" in empty.text
    bad = await portal.client.post(parties, data={**form, "owner_email": "not-an-email"})
    assert bad.status_code == 422 and 'id="owner_email-error"' in bad.text
    done = await portal.client.post(parties, data={**form, "owner_email": "olive@example.org"})
    assert done.status_code == 303
    assert json.loads(sent[-1].content) == {"owner_email": "olive@example.org"}
