"""The portal's pages against a scripted API (httpx's MockTransport), for
what the real API cannot be made to do on demand: a 5xx or a timeout is a
friendly page with the correlation id, never a stack trace; a dashboard
section whose service did not answer is a notice; a contractor of several
companies picks one; a registration that submit finds incomplete; the links
of old emails. The portal runs in-process with its real session database."""

from __future__ import annotations

import httpx
import pytest

from chassis.errors import field_error

from .conftest import PROFILE, Portal, csrf_of, scripted_login

pytestmark = pytest.mark.integration


async def test_a_failing_api_is_a_friendly_page_with_the_correlation_id(portal: Portal) -> None:
    portal.api(lambda request: httpx.Response(500, text="Traceback (most recent call last): …"))
    page = await portal.client.get("/")
    assert page.status_code == 503
    assert "Something went wrong on our side" in page.text
    assert "Traceback" not in page.text
    assert page.headers["x-correlation-id"] in page.text  # the reference to quote


async def test_an_api_that_does_not_answer_in_time_is_the_same_page(portal: Portal) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    portal.api(slow)
    page = await portal.client.get("/j/demo/login")
    assert page.status_code == 503 and "did not answer in time" in page.text


async def test_a_busy_api_is_a_busy_page_at_once_with_retry_after(portal: Portal) -> None:
    """Issue 22: the gateway sheds overload with 503 + Retry-After; the visitor
    is told the service is busy and when to try again, and so is any client."""
    shed = {"type": "https://permitsuite.dev/problems/overloaded", "title": "Too busy"}
    portal.api(lambda request: httpx.Response(503, json=shed, headers={"Retry-After": "2"}))
    page = await portal.client.get("/j/demo/login")
    assert page.status_code == 503 and page.headers["Retry-After"] == "2"
    assert "We are busy right now" in page.text and "try again in 2 seconds" in page.text


async def test_a_dashboard_section_whose_service_is_down_is_a_notice(portal: Portal) -> None:
    def api(request: httpx.Request) -> httpx.Response:
        if (known := scripted_login(request, [])) is not None:
            return known
        if request.url.path == "/v1/me/dashboard":
            row = {
                "id": "p1",
                "number": "RES26-0003",
                "address": "1968 E Dodd Rd",
                "type": "RESIDENTIAL",
                "status": "AWAITING_PAYMENT",
                "status_label": "AWAITING PAYMENT",
                "inspection_available": False,
                "fees_due": "1023.98",
            }
            section = {"items": [row], "total": 1, "limit": 10, "offset": 0}
            return httpx.Response(
                200,
                json={
                    "jurisdiction_id": "demo",
                    "active_permits": section,
                    "active_inspections": None,  # inspections did not answer in time
                    "expired_permits": {**section, "items": [], "total": 0},
                    "degraded": ["active_inspections"],
                },
            )
        return httpx.Response(404, json={"title": "Not found"})

    portal.api(api)
    login = await portal.log_in()
    assert login.status_code == 303 and login.headers["location"] == "/j/demo/dashboard"
    page = await portal.client.get("/j/demo/dashboard")
    assert page.status_code == 200
    assert "My Active Inspections cannot be shown right now" in page.text
    assert "RES26-0003" in page.text and "$1,023.98" in page.text


async def test_a_contractor_of_several_companies_chooses_one_by_name(portal: Portal) -> None:
    """Seed 003: "Locate your business name from the dropdown list" — after
    logging in, someone who acts for several companies picks one by name."""
    companies = {"c1": "RICH CONTRACTOR", "c2": "RICHLAND ROOFING"}

    def api(request: httpx.Request) -> httpx.Response:
        if (known := scripted_login(request, ["c1", "c2"])) is not None:
            return known
        path = request.url.path
        if path.startswith("/v1/jurisdictions/demo/companies/"):
            company_id = path.rsplit("/", 1)[1]
            return httpx.Response(200, json={"id": company_id, "name": companies[company_id]})
        return httpx.Response(404, json={"title": "Not found"})

    portal.api(api)
    login = await portal.log_in()
    assert login.headers["location"] == "/j/demo/company"
    page = await portal.client.get("/j/demo/company")
    assert "RICH CONTRACTOR" in page.text and "RICHLAND ROOFING" in page.text
    token = csrf_of(page)
    wrong = await portal.client.post(
        "/j/demo/company", data={"csrf_token": token, "company_id": "c9"}
    )
    assert wrong.status_code == 422 and "Choose one of your companies" in wrong.text
    chosen = await portal.client.post(
        "/j/demo/company", data={"csrf_token": token, "company_id": "c2"}
    )
    assert chosen.status_code == 303 and chosen.headers["location"] == "/j/demo/dashboard"


async def test_a_registration_submit_finds_missing_links_to_its_step(portal: Portal) -> None:
    """R-REG-2: when submit finds something missing (a requirement the
    jurisdiction added after the registrant passed that step), the review
    page says what and links each message to the step where it is entered;
    the password is never sent back."""
    registration = {
        "id": "r1",
        "jurisdiction_id": "demo",
        "email": "sam@example.org",
        "status": "draft",
        "round": 0,
        "version": 3,
        "company_name": "Sparky Electric",
        "registrant_name": None,
        "license_number": None,
        "trades": ["Electrical"],
        "license_types": [],
        "profile": {},
        "submitted_at": None,
        "requirements": [],
    }
    incomplete = {
        "title": "Unprocessable",
        "detail": "the registration is not complete",
        "errors": [
            field_error("registrant_name", "required"),
            field_error("requirements.bond", "Contractor bond is required"),
        ],
    }
    seen: list[httpx.Request] = []

    def api(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        path = request.url.path
        if path == "/v1/jurisdictions/demo":
            return httpx.Response(200, json=PROFILE)
        if path == "/v1/registrations/confirm/demo.link-token-1234567890123":
            if request.method == "GET":
                return httpx.Response(
                    200,
                    json={
                        "jurisdiction_id": "demo",
                        "email": "sam@example.org",
                        "expires_at": "2026-12-01T00:00:00Z",
                    },
                )
            return httpx.Response(
                201, json={"registration": registration, "registration_token": "demo.draft-1"}
            )
        if path == "/v1/registrations/r1/submit":
            return httpx.Response(422, json=incomplete)
        if path == "/v1/registrations/r1":
            assert request.headers["X-Registration-Token"] == "demo.draft-1"
            return httpx.Response(200, json=registration)
        if path == "/v1/jurisdictions/demo/registration-settings":
            return httpx.Response(200, json={"enabled": True, "license_types": [], "trades": []})
        return httpx.Response(404, json={"title": "Not found"})

    portal.api(api)
    link = await portal.client.get("/registrations/confirm/demo.link-token-1234567890123")
    assert link.status_code == 200 and "sam@example.org is confirmed" in link.text
    opened = await portal.client.post(
        "/registrations/confirm/demo.link-token-1234567890123", data={"csrf_token": csrf_of(link)}
    )
    assert opened.headers["location"] == "/j/demo/registration/company"
    review = await portal.client.get("/j/demo/registration/review")
    submitted = await portal.client.post(
        "/j/demo/registration/review",
        data={"csrf_token": csrf_of(review), "password": "pw 1", "password_again": "pw 1"},
    )
    assert submitted.status_code == 422
    assert '<a href="/j/demo/registration/company">Enter your name</a>' in submitted.text
    assert (
        '<a href="/j/demo/registration/requirements">Contractor bond is required</a>'
        in submitted.text
    )
    assert "pw 1" not in submitted.text
    assert [r.method for r in seen if r.url.path.endswith("/submit")] == ["POST"]


async def test_links_of_emails_sent_before_the_portal_land_on_its_pages(portal: Portal) -> None:
    """Issue 15: emails sent before the portal had pages for one-time links
    pointed at ``{portal}/v1/<kind>/<token>``; those still open the pages."""
    for old, page in (
        ("/v1/enrollments/demo.t0ken", "/enrollments/demo.t0ken"),
        ("/v1/invitations/demo.t0ken", "/invitations/demo.t0ken"),
        ("/v1/password-resets/demo.t0ken", "/password-resets/demo.t0ken"),
        ("/v1/registrations/confirm/demo.t0ken", "/registrations/confirm/demo.t0ken"),
        ("/v1/registrations/resume/demo.t0ken", "/registrations/resume/demo.t0ken"),
    ):
        landed = await portal.client.get(old)
        assert (landed.status_code, landed.headers["location"]) == (303, page), old
    api_client = await portal.client.post("/v1/registrations/confirm/demo.t0ken")
    assert api_client.status_code == 307  # an API client's POST goes on to the gateway
    assert (
        api_client.headers["location"] == "http://gateway.test/v1/registrations/confirm/demo.t0ken"
    )


async def test_a_jurisdiction_shows_its_own_name_and_logo(portal: Portal) -> None:
    """Issue 15: each jurisdiction's name and branding from its settings — the
    display name on every page and the start page, its logo in the header, and
    the page's Content-Security-Policy lets that logo's origin in, nothing else."""
    branding = {
        "display_name": "Boise Building Division",
        "logo_url": "https://cdn.boise.example/l.png",
    }

    def api(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/jurisdictions/boise":
            return httpx.Response(
                200, json={**PROFILE, "id": "boise", "name": "City of Boise", "branding": branding}
            )
        if request.url.path == "/v1/jurisdiction-directory":
            return httpx.Response(
                200,
                json=[
                    {"id": "boise", "name": "City of Boise", "branding": branding},
                    {"id": "demo", "name": "Demo County", "branding": {}},
                ],
            )
        return httpx.Response(404, json={"title": "Not found"})

    portal.api(api)
    start = await portal.client.get("/")
    assert "Boise Building Division" in start.text and "Demo County" in start.text
    assert "City of Boise" not in start.text
    login = await portal.client.get("/j/boise/login")
    assert "<title>Log in — Boise Building Division</title>" in login.text
    assert 'src="https://cdn.boise.example/l.png"' in login.text
    policy = login.headers["content-security-policy"]
    assert "img-src 'self' data: https://cdn.boise.example;" in policy
    assert "script-src 'self';" in policy  # only images may come from there
    assert "img-src 'self' data:;" in start.headers["content-security-policy"]


async def test_a_permits_page_stands_when_inspections_cannot_list_it(portal: Portal) -> None:
    """A permit applied for or linked a moment ago is not yet known to the
    inspections service (its events are on their way): the page shows it with
    no inspections; an inspections service that does not answer is a notice."""
    permit = {
        "id": "p9",
        "number": "RES26-0099",
        "status": "APPLIED",
        "status_label": "APPLIED",
        "type_code": "RES",
        "type_name": "RESIDENTIAL",
        "site": {"street": "55 New Home Ct"},
        "applied_at": "2026-11-30T10:00:00Z",
        "fees_due": "0",
        "fees": [],
        "documents": [],
        "applicant": {"name": "Rich", "email": "rich@example.org"},
        "owner": None,
        "company_ids": ["c1", "company-not-readable-77"],
        "history": [],
    }
    inspections = {"answer": httpx.Response(404, json={"title": "Not found"})}

    def api(request: httpx.Request) -> httpx.Response:
        if (known := scripted_login(request, [])) is not None:
            return known
        if request.url.path == "/v1/jurisdictions/demo/permits/p9":
            return httpx.Response(200, json=permit)
        if request.url.path == "/v1/jurisdictions/demo/inspections":
            assert request.url.params["permit_id"] == "p9"
            return inspections["answer"]
        if request.url.path == "/v1/jurisdictions/demo/companies/c1":
            return httpx.Response(200, json={"id": "c1", "name": "RICH CONTRACTOR"})
        return httpx.Response(404, json={"title": "Not found"})

    portal.api(api)
    await portal.log_in()
    page = await portal.client.get("/j/demo/permits/p9")
    assert page.status_code == 200, page.text
    assert "Permit RES26-0099" in page.text and "No inspections yet." in page.text
    # contractors by name where the visitor may read them, never by a bare id
    assert "Contractor: RICH CONTRACTOR" in page.text
    assert "Contractor: a contracting company on file" in page.text
    assert "company-not-readable-77" not in page.text
    inspections["answer"] = httpx.Response(503, text="down")
    page = await portal.client.get("/j/demo/permits/p9")
    assert page.status_code == 200
    assert "The inspections of this permit cannot be shown right now" in page.text
