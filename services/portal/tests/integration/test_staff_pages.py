"""The staff console's first pages (issue 27) against a scripted API: a staff
member lands on the work queues of their roles, a queue whose service did
not answer is named while the rest shows; the inspector's day groups by
area; a result the service refuses is told next to its field; a page the
member's roles cannot use, and every staff page for someone who is not
staff, is the 404 page."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from .conftest import Portal, csrf_of, scripted_login

pytestmark = pytest.mark.integration

ROW = {
    "id": "i1",
    "permit_id": "p1",
    "record_no": "WEB26-0007",
    "record_type": "MECHANICAL",
    "address": "2718 N Main St",
    "area": "83642",
    "inspection": "MECHANICAL ROUGH",
    "date": "2026-12-08",
    "status": "SCHEDULED",
    "cancellable": False,
    "cancel_until": "2026-12-08T13:00:00Z",
}


def staff_api(roles: list[str], sent: list[httpx.Request]) -> Any:
    def api(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        path = request.url.path
        if path == "/v1/me":
            me = {"email": "ivan@example.org", "display_name": "Ivan", "kind": "staff"}
            return httpx.Response(200, json={**me, "roles": roles})
        if (known := scripted_login(request, [])) is not None:
            return known
        if path == "/v1/staff/queues":
            section = {"total": 1, "items": [ROW]}
            return httpx.Response(
                200,
                json={
                    "jurisdiction_id": "demo",
                    "queues": {"inspections_today": section},
                    "degraded": ["permits_in_review"],
                },
            )
        if path == "/v1/jurisdictions/demo/inspection-search":
            other = {**ROW, "id": "i2", "area": "83646", "address": "9 W Pine Ave"}
            return httpx.Response(200, json={"items": [ROW, other], "total": 2})
        if path == "/v1/jurisdictions/demo/inspections/i1/result":
            return httpx.Response(
                422,
                json={
                    "title": "Unprocessable",
                    "status": 422,
                    "detail": "a failed inspection lists the corrections needed",
                    "errors": [{"field": "corrections", "msg": "required for fail"}],
                },
            )
        return httpx.Response(404, json={"title": "Not found"})

    return api


async def test_staff_land_on_their_work_queues_with_a_silent_one_named(portal: Portal) -> None:
    sent: list[httpx.Request] = []
    portal.api(staff_api(["inspector"], sent))
    login = await portal.log_in()
    assert login.status_code == 303 and login.headers["location"] == "/j/demo/staff/"
    home = await portal.client.get("/j/demo/staff/")
    assert home.status_code == 200, home.text
    assert "Today&#39;s inspections" in home.text and "WEB26-0007" in home.text
    assert "Not available right now: Permits in review" in home.text
    assert "Inspector's day" in home.text and "Pay All Fees" not in home.text
    dashboard = await portal.client.get("/j/demo/dashboard")
    assert dashboard.status_code == 303 and dashboard.headers["location"] == "/j/demo/staff/"


async def test_the_day_groups_by_area_and_keeps_a_refused_result(portal: Portal) -> None:
    sent: list[httpx.Request] = []
    portal.api(staff_api(["inspector"], sent))
    await portal.log_in()
    day = await portal.client.get("/j/demo/staff/inspections")
    assert day.status_code == 200, day.text
    assert day.text.index("Area 83642") < day.text.index("Area 83646")
    search = next(r for r in sent if r.url.path.endswith("/inspection-search"))
    assert search.url.params["today"] == "true"
    form = {"csrf_token": csrf_of(day), "result": "partial", "comments": "", "corrections": ""}
    refused = await portal.client.post("/j/demo/staff/inspections/i1/result", data=form)
    assert refused.status_code == 422
    assert "required for fail" in refused.text and 'aria-invalid="true"' in refused.text
    posted = next(r for r in sent if r.url.path.endswith("/i1/result"))
    assert json.loads(posted.content) == {"result": "partial", "corrections": []}
    fail = {**form, "result": "fail"}
    said = await portal.client.post("/j/demo/staff/inspections/i1/result", data=fail)
    assert said.status_code == 422 and "List the corrections needed for a fail" in said.text
    assert sum(1 for r in sent if r.url.path.endswith("/i1/result")) == 1  # not sent again


@pytest.mark.parametrize("roles", [["cashier"], ["plan_reviewer"]])
async def test_a_page_the_roles_cannot_use_is_the_404_page(
    portal: Portal, roles: list[str]
) -> None:
    portal.api(staff_api(roles, []))
    await portal.log_in()
    assert (await portal.client.get("/j/demo/staff/")).status_code == 200
    day = await portal.client.get("/j/demo/staff/inspections")
    assert day.status_code == 404
    home = (await portal.client.get("/j/demo/staff/")).text
    assert "Inspector's day" not in home and "/j/demo/staff/inspections" not in home


async def test_staff_pages_are_the_404_page_for_a_contractor(portal: Portal) -> None:
    portal.api(lambda r: scripted_login(r, []) or httpx.Response(404, json={}))
    await portal.log_in()
    for path in ("/j/demo/staff/", "/j/demo/staff/inspections"):
        assert (await portal.client.get(path)).status_code == 404, path
