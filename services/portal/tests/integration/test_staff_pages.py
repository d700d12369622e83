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

from .conftest import Portal, csrf_in, csrf_of, scripted_login

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
    token = csrf_in(day, "/j/demo/staff/inspections/i1/result")
    form = {"csrf_token": token, "result": "partial", "comments": "", "corrections": ""}
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


PERMIT = {
    "id": "p1",
    "number": "RES26-0042",
    "type_code": "RES",
    "type_name": "RESIDENTIAL",
    "status": "IN_REVIEW",
    "status_label": "IN REVIEW",
    "version": 2,
    "site": {"street": "1968 E Dodd Rd", "city": "Meridian", "state": "ID", "zip": "83642"},
    "applicant": {"name": "Rich Contractor", "email": "rich@example.org"},
    "company_ids": [],
    "applied_at": "2026-12-01T17:00:00Z",
    "fees_due": "0.00",
    "moves": [{"to": "PENDING_APPROVAL", "label": "PENDING APPROVAL"}],
}


def review_api(roles: list[str], sent: list[httpx.Request], stale: bool = False) -> Any:
    base = staff_api(roles, sent)

    def api(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/jurisdictions/demo/permit-queues":
            sent.append(request)
            statuses = request.url.params.get_list("status")
            return httpx.Response(200, json={s: {"items": [], "total": 3} for s in statuses})
        if path == "/v1/jurisdictions/demo/permit-search":
            sent.append(request)
            return httpx.Response(200, json={"items": [PERMIT], "total": 1})
        if path == "/v1/jurisdictions/demo/permits/p1":
            return httpx.Response(200, json=PERMIT)
        if path == "/v1/jurisdictions/demo/permits/p1/transitions":
            sent.append(request)
            if stale:
                conflict = {
                    "type": "https://permitsuite.org/problems/version-conflict",
                    "title": "Conflict",
                    "status": 409,
                    "detail": "the permit changed since you loaded it",
                    "current": "PENDING APPROVAL",
                }
                return httpx.Response(409, json=conflict)
            moved = {**PERMIT, "status": "PENDING_APPROVAL", "status_label": "PENDING APPROVAL"}
            return httpx.Response(200, json=moved)
        return base(request)

    return api


async def test_permit_review_offers_the_moves_given_and_explains_a_stale_one(
    portal: Portal,
) -> None:
    sent: list[httpx.Request] = []
    portal.api(review_api(["plan_reviewer"], sent))
    await portal.log_in()
    queue = await portal.client.get("/j/demo/staff/permits?status=IN_REVIEW")
    assert queue.status_code == 200, queue.text
    assert "RES26-0042" in queue.text and "In Review (3)" in queue.text
    searched = next(r for r in sent if r.url.path.endswith("/permit-search"))
    assert searched.url.params["status"] == "IN_REVIEW"
    page = await portal.client.get("/j/demo/staff/permits/p1")
    assert 'value="PENDING_APPROVAL"' in page.text and 'value="ISSUED"' not in page.text
    move = {"csrf_token": csrf_of(page), "to": "PENDING_APPROVAL", "version": "2", "key": "k1"}
    done = await portal.client.post("/j/demo/staff/permits/p1/move", data=move)
    assert done.status_code == 303
    posted = next(r for r in sent if r.url.path.endswith("/transitions"))
    assert json.loads(posted.content) == {"to": "PENDING_APPROVAL", "version": 2}
    assert posted.headers["idempotency-key"] == "k1"
    portal.api(review_api(["plan_reviewer"], sent, stale=True))
    said = await portal.client.post("/j/demo/staff/permits/p1/move", data=move)
    assert said.status_code == 409
    assert "Someone else changed this permit first; it is now PENDING APPROVAL" in said.text


async def test_an_inspector_opens_a_permit_but_not_the_review_queues(portal: Portal) -> None:
    portal.api(review_api(["inspector"], []))
    await portal.log_in()
    assert (await portal.client.get("/j/demo/staff/permits/p1")).status_code == 200
    assert (await portal.client.get("/j/demo/staff/permits")).status_code == 404


async def test_an_inspection_is_moved_to_another_day(portal: Portal) -> None:
    sent: list[httpx.Request] = []
    base = staff_api(["inspector"], sent)

    def api(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/jurisdictions/demo/inspections/i1/reschedule":
            sent.append(request)
            if json.loads(request.content)["date"] == "2026-12-25":
                problem = {
                    "title": "Unprocessable",
                    "status": 422,
                    "detail": "not an inspection day",
                    "errors": [{"field": "date", "msg": "the department is closed that day"}],
                }
                return httpx.Response(422, json=problem)
            return httpx.Response(200, json={**ROW, "date": "2026-12-09"})
        return base(request)

    portal.api(api)
    await portal.log_in()
    day = await portal.client.get("/j/demo/staff/inspections?date=2026-12-08")
    token = csrf_in(day, "/j/demo/staff/inspections/i1/reschedule")
    move = {"csrf_token": token, "date": "2026-12-25", "day": "2026-12-08"}
    closed = await portal.client.post("/j/demo/staff/inspections/i1/reschedule", data=move)
    assert closed.status_code == 422 and "the department is closed that day" in closed.text
    assert "This result was not recorded" not in closed.text
    moved = await portal.client.post(
        "/j/demo/staff/inspections/i1/reschedule", data={**move, "date": "2026-12-09"}
    )
    assert moved.status_code == 303
    assert moved.headers["location"] == "/j/demo/staff/inspections?date=2026-12-08"
