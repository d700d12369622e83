"""The hosting operator's page (issue 27) against a scripted API: logging in
without a jurisdiction, the installation's jurisdictions, a new jurisdiction
with its first admin (the body identity takes), a refused id told next to its
field; nobody else reaches the page."""

from __future__ import annotations

import json

import httpx
import pytest

from .conftest import Portal, csrf_in, scripted_login

pytestmark = pytest.mark.integration

LISTED = [{"id": "demo", "name": "Demo County", "time_zone": "America/Boise", "branding": {}}]


async def test_the_operator_creates_a_jurisdiction_with_its_first_admin(portal: Portal) -> None:
    sent: list[httpx.Request] = []

    def api(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.url.path == "/v1/auth/token":
            form = dict(x.split("=", 1) for x in request.content.decode().split("&"))
            assert form.get("jurisdiction", "") == ""  # the platform, no jurisdiction
            return httpx.Response(
                200, json={"access_token": "op", "refresh_token": "r", "expires_in": 900}
            )
        if request.url.path == "/v1/jurisdictions" and request.method == "GET":
            return httpx.Response(200, json=LISTED)
        if request.url.path == "/v1/jurisdictions":
            if json.loads(request.content)["id"] == "Bad Id":
                problem = {
                    "title": "Unprocessable",
                    "status": 422,
                    "detail": "not a slug",
                    "errors": [{"field": "id", "msg": "lowercase letters, digits and dashes"}],
                }
                return httpx.Response(422, json=problem)
            return httpx.Response(201, json={**LISTED[0], "id": "ada"})
        return httpx.Response(404, json={"title": "Not found"})

    portal.api(api)
    form_page = await portal.client.get("/operator/login")
    login = await portal.client.post(
        "/operator/login",
        data={
            "csrf_token": csrf_in(form_page, "/operator/login"),
            "email": "ops@example.org",
            "password": "pw",
        },
    )
    assert login.status_code == 303 and login.headers["location"] == "/operator/"
    home = await portal.client.get("/operator/")
    assert home.status_code == 200 and "Demo County" in home.text
    new = {
        "csrf_token": csrf_in(home, "/operator/jurisdictions"),
        "id": "Bad Id",
        "name": "Ada County",
        "time_zone": "America/Boise",
        "admin_email": "first@ada.example.org",
        "admin_name": "Ada Admin",
    }
    refused = await portal.client.post("/operator/jurisdictions", data=new)
    assert refused.status_code == 422 and "lowercase letters, digits and dashes" in refused.text
    made = await portal.client.post("/operator/jurisdictions", data={**new, "id": "ada"})
    assert made.status_code == 303
    created = [r for r in sent if r.url.path == "/v1/jurisdictions" and r.method == "POST"][-1]
    assert json.loads(created.content) == {
        "id": "ada",
        "name": "Ada County",
        "time_zone": "America/Boise",
        "first_admin": {"email": "first@ada.example.org", "display_name": "Ada Admin"},
    }
    assert created.headers["authorization"] == "Bearer op"


async def test_a_jurisdictions_member_is_not_the_operator(portal: Portal) -> None:
    portal.api(lambda r: scripted_login(r, []) or httpx.Response(404, json={}))
    await portal.log_in()
    away = await portal.client.get("/operator/")
    assert away.status_code == 303 and away.headers["location"] == "/operator/login"
