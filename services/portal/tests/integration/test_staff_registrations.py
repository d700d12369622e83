"""The registration inbox in the staff console (issue 27, seed 002) against a
scripted API: the list by status, a registration's requirements with its
document shown in the page, a requirement marked Needs Info with its note, a
return without a reason refused before sending, and a decision someone else
made first explained — not overwritten."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from .conftest import Portal, csrf_of
from .test_staff_pages import staff_api

pytestmark = pytest.mark.integration

REGISTRATION = {
    "id": "r1",
    "email": "new@contractor.example.org",
    "status": "pending_validation",
    "round": 1,
    "version": 4,
    "company_name": "Boise Mechanical LLC",
    "license_number": "AEC7700",
    "trades": ["Mechanical"],
    "license_types": [],
    "profile": {},
    "requirements": [
        {
            "id": "insurance",
            "label": "Certificate of insurance",
            "kind": "document",
            "required": True,
            "provided": True,
            "value": None,
            "document": {"file_id": "f1", "filename": "coi.pdf", "content_type": "application/pdf"},
            "review": None,
            "comment": None,
        }
    ],
    "history": [{"at": "2026-12-07T16:00:00Z", "actor": "x", "action": "submitted", "details": {}}],
}


def inbox_api(sent: list[httpx.Request], stale: bool = False) -> Any:
    base = staff_api(["permit_technician"], sent)

    def api(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        prefix = "/v1/jurisdictions/demo/registrations"
        if path == prefix:
            sent.append(request)
            row = {k: REGISTRATION[k] for k in ("id", "email", "status", "round", "trades")}
            return httpx.Response(200, json={"items": [row], "total": 1})
        if path == f"{prefix}/r1":
            return httpx.Response(200, json=REGISTRATION)
        if path == f"{prefix}/r1/documents/f1":
            headers = {"content-type": "application/pdf", "content-disposition": "attachment"}
            return httpx.Response(200, content=b"%PDF-1.7 ...", headers=headers)
        if path.startswith(f"{prefix}/r1/requirements/"):
            sent.append(request)
            return httpx.Response(200, json=REGISTRATION)
        if path == f"{prefix}/r1/decision":
            sent.append(request)
            if stale:
                problem = {
                    "type": "https://permitsuite.org/problems/version-conflict",
                    "title": "Conflict",
                    "status": 409,
                    "detail": "the registration changed since you loaded it",
                }
                return httpx.Response(409, json=problem)
            return httpx.Response(200, json={**REGISTRATION, "status": "returned"})
        return base(request)

    return api


async def test_a_requirement_marked_needs_info_and_the_registration_returned(
    portal: Portal,
) -> None:
    sent: list[httpx.Request] = []
    portal.api(inbox_api(sent))
    await portal.log_in()
    listed = await portal.client.get("/j/demo/staff/registrations")
    assert listed.status_code == 200 and "new@contractor.example.org" in listed.text
    assert (
        next(r for r in sent if r.url.path.endswith("/registrations")).url.params["status"]
        == "pending_validation"
    )
    page = await portal.client.get("/j/demo/staff/registrations/r1")
    assert page.status_code == 200 and '<iframe class="portal-document"' in page.text
    shown = await portal.client.get("/j/demo/staff/registrations/r1/documents/f1")
    assert shown.headers["content-disposition"] == "inline"
    assert shown.headers["x-frame-options"] == "SAMEORIGIN"
    mark = {"csrf_token": csrf_of(page), "decision": "needs_info", "comment": ""}
    insurance = "/j/demo/staff/registrations/r1/requirements/insurance"
    unsaid = await portal.client.post(insurance, data=mark)
    assert unsaid.status_code == 422 and "Say what is needed" in unsaid.text
    marked = await portal.client.post(
        insurance, data={**mark, "comment": "The certificate has expired"}
    )
    assert marked.status_code == 303
    review = next(r for r in sent if "/requirements/" in r.url.path)
    assert json.loads(review.content) == {
        "decision": "needs_info",
        "comment": "The certificate has expired",
    }
    decide = {"csrf_token": csrf_of(page), "decision": "return", "reason": "", "version": "4"}
    no_reason = await portal.client.post("/j/demo/staff/registrations/r1/decision", data=decide)
    assert no_reason.status_code == 422 and "Give the reason" in no_reason.text
    returned = await portal.client.post(
        "/j/demo/staff/registrations/r1/decision",
        data={**decide, "reason": "See the note on the insurance"},
    )
    assert returned.status_code == 303
    decided = next(r for r in sent if r.url.path.endswith("/decision"))
    assert json.loads(decided.content) == {
        "decision": "return",
        "reason": "See the note on the insurance",
        "version": 4,
    }


async def test_a_decision_someone_else_made_first_is_explained(portal: Portal) -> None:
    portal.api(inbox_api([], stale=True))
    await portal.log_in()
    page = await portal.client.get("/j/demo/staff/registrations/r1")
    decide = {"csrf_token": csrf_of(page), "decision": "accept", "reason": "", "version": "3"}
    said = await portal.client.post("/j/demo/staff/registrations/r1/decision", data=decide)
    assert said.status_code == 422
    assert "Someone else decided on this registration first" in said.text
