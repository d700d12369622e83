"""R-REG-1 … R-REG-5 against the real database and broker (identity in-process)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytestmark = pytest.mark.integration

PDF = b"%PDF-1.7\n" + b"0" * 2000 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_disabled_jurisdiction_refuses_registration(harness: Any) -> None:
    """R-REG-1: not offered online → a clear 403 problem."""
    await harness.jurisdiction("closed", enabled=False)
    r = await harness.http.post(
        "/v1/jurisdictions/closed/registrations", json={"email": "a@example.org"}
    )
    assert r.status_code == 403
    assert r.json()["type"].endswith("/registration-not-offered")
    assert "does not offer" in r.json()["detail"]
    nowhere = await harness.http.post(
        "/v1/jurisdictions/never-configured/registrations", json={"email": "a@example.org"}
    )
    assert nowhere.status_code == 403


async def test_staff_review_flow_with_return_and_resubmit(harness: Any) -> None:
    """R-REG-2/4: draft → submit → pending validation → returned → resubmitted → accepted."""
    staff = await harness.jurisdiction("alpha")
    rid, me = await harness.open_draft("alpha", "sam@sparky.example.org")

    # changing trades recomputes requirements; a missing one blocks submit
    r = await harness.http.patch(
        f"/v1/registrations/{rid}", headers=me, json={"trades": ["Electrical"]}
    )
    assert "elec_license" in [q["id"] for q in r.json()["requirements"]]
    r = await harness.http.patch(
        f"/v1/registrations/{rid}", headers=me, json={"trades": ["General"]}
    )
    assert "elec_license" not in [q["id"] for q in r.json()["requirements"]]
    incomplete = await harness.http.post(
        f"/v1/registrations/{rid}/submit", headers=me, json={"password": "sam sparks passphrase"}
    )
    assert incomplete.status_code == 422
    assert {e["field"] for e in incomplete.json()["errors"]} >= {
        "company_name",
        "requirements.insurance",
        "requirements.insurance_expiry",
    }

    await harness.complete_draft(rid, me)
    submitted = await harness.http.post(
        f"/v1/registrations/{rid}/submit", headers=me, json={"password": "sam sparks passphrase"}
    )
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "pending_validation"
    # the password went to identity: the account exists there, registration kept none
    doc = await harness.reg.runtime.db["registrations"].find_one({"_id": rid})
    assert "password" not in str(doc)
    assert doc["account_id"]

    queue = await harness.http.get(
        "/v1/jurisdictions/alpha/registrations?status=pending_validation&trade=General",
        headers=auth(staff),
    )
    assert [i["id"] for i in queue.json()["items"]] == [rid]
    marked = await harness.http.put(
        f"/v1/jurisdictions/alpha/registrations/{rid}/requirements/insurance/review",
        headers=auth(staff),
        json={"decision": "needs_info", "comment": "Certificate is unsigned"},
    )
    assert marked.status_code == 200
    version = marked.json()["version"]
    returned = await harness.http.post(
        f"/v1/jurisdictions/alpha/registrations/{rid}/decision",
        headers=auth(staff),
        json={
            "decision": "return",
            "reason": "See the note on the certificate",
            "version": version,
        },
    )
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    # the registrant sees the return, its reason and each requirement's comment
    seen = (await harness.http.get(f"/v1/registrations/{rid}", headers=me)).json()
    assert (seen["status"], seen["decision_reason"]) == (
        "returned",
        "See the note on the certificate",
    )
    assert next((q["id"], q["review"], q["comment"]) for q in seen["requirements"]) == (
        "insurance",
        "needs_info",
        "Certificate is unsigned",
    )
    [event] = await harness.outbox("permitsuite.registration.RegistrationReturned.v1")
    assert event["needs_info"] == [
        {
            "requirement_id": "insurance",
            "label": "Liability insurance certificate",
            "comment": "Certificate is unsigned",
        }
    ]

    # the registrant reopens it from the email and may update only what needs info;
    # reading what the link is for does not use it up
    for _ in range(2):
        seen = await harness.http.get(f"/v1/registrations/resume/{event['resume_token']}")
        assert seen.status_code == 200, seen.text
        assert seen.json()["company_name"] == "Sparky Electric"
    reopened = await harness.http.post(f"/v1/registrations/resume/{event['resume_token']}")
    assert reopened.status_code == 200
    me2 = {"X-Registration-Token": reopened.json()["registration_token"]}
    assert (await harness.http.get(f"/v1/registrations/{rid}", headers=me)).status_code == 404
    other = await harness.http.patch(
        f"/v1/registrations/{rid}", headers=me2, json={"company_name": "Renamed"}
    )
    assert other.status_code == 409
    spent = await harness.http.get(f"/v1/registrations/resume/{event['resume_token']}")
    assert spent.status_code == 404
    assert spent.json()["type"].endswith("/link-not-usable")
    early = await harness.http.post(f"/v1/registrations/{rid}/resubmit", headers=me2)
    assert early.status_code == 422
    fixed = await harness.http.put(
        f"/v1/registrations/{rid}/requirements/insurance/document",
        headers=me2,
        files={"file": ("coi-signed.pdf", PDF, "application/pdf")},
    )
    assert fixed.status_code == 200
    again = await harness.http.post(f"/v1/registrations/{rid}/resubmit", headers=me2)
    assert again.status_code == 200 and again.json()["round"] == 2

    detail = (
        await harness.http.get(f"/v1/jurisdictions/alpha/registrations/{rid}", headers=auth(staff))
    ).json()
    actions = [h["action"] for h in detail["history"]]
    assert actions.count("submitted") == 1 and "returned" in actions and "resubmitted" in actions
    accepted = await harness.http.post(
        f"/v1/jurisdictions/alpha/registrations/{rid}/decision",
        headers=auth(staff),
        json={"decision": "accept", "version": detail["version"]},
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    retried = await harness.http.post(
        f"/v1/jurisdictions/alpha/registrations/{rid}/decision",
        headers=auth(staff),
        json={"decision": "accept", "version": detail["version"]},
    )
    assert retried.status_code == 200  # a retried decision is recorded once
    [acc] = await harness.outbox("permitsuite.registration.RegistrationAccepted.v1")
    assert acc["company"]["name"] == "Sparky Electric"
    assert acc["company"]["license_number"] == "ec-4411"
    assert acc["registrant_account_id"] == doc["account_id"]
    resubmit_accepted = await harness.http.post(f"/v1/registrations/{rid}/resubmit", headers=me2)
    assert resubmit_accepted.status_code == 409


async def test_automatic_acceptance(harness: Any) -> None:
    """R-REG-3: accepted at submit."""
    await harness.jurisdiction("auto", acceptance_mode="automatic")
    rid, me = await harness.open_draft("auto", "quick@example.org")
    await harness.complete_draft(rid, me)
    r = await harness.http.post(
        f"/v1/registrations/{rid}/submit", headers=me, json={"password": "quick passphrase 99"}
    )
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert len(await harness.outbox("permitsuite.registration.RegistrationAccepted.v1")) == 1
    again = await harness.http.post(
        f"/v1/registrations/{rid}/submit", headers=me, json={"password": "quick passphrase 99"}
    )
    assert again.status_code == 409


async def test_spoofed_and_oversized_documents_are_rejected_without_leftovers(harness: Any) -> None:
    await harness.jurisdiction("alpha")
    rid, me = await harness.open_draft("alpha", "sam@example.org")
    spoofed = await harness.http.put(
        f"/v1/registrations/{rid}/requirements/insurance/document",
        headers=me,
        files={"file": ("coi.pdf", PNG, "application/pdf")},
    )
    assert spoofed.status_code == 422
    assert "image/png" in spoofed.json()["detail"]
    big = b"%PDF-1.7\n" + b"0" * 60_000
    oversized = await harness.http.put(
        f"/v1/registrations/{rid}/requirements/insurance/document",
        headers=me,
        files={"file": ("big.pdf", big, "application/pdf")},
    )
    assert oversized.status_code == 413
    db = harness.reg.runtime.db
    assert await db["documents.files"].count_documents({}) == 0
    assert await db["documents.chunks"].count_documents({}) == 0


async def test_registrations_and_documents_are_invisible_to_others(harness: Any) -> None:
    alpha_staff = await harness.jurisdiction("alpha")
    beta_staff = await harness.jurisdiction("beta")
    rid, me = await harness.open_draft("alpha", "sam@example.org")
    await harness.complete_draft(rid, me)
    await harness.http.post(
        f"/v1/registrations/{rid}/submit", headers=me, json={"password": "sam sparks passphrase"}
    )
    file_id = (await harness.http.get(f"/v1/registrations/{rid}", headers=me)).json()[
        "requirements"
    ][0]["document"]["file_id"]
    own = await harness.http.get(f"/v1/registrations/{rid}/documents/{file_id}", headers=me)
    assert own.status_code == 200 and own.content == PDF
    staff_dl = await harness.http.get(
        f"/v1/jurisdictions/alpha/registrations/{rid}/documents/{file_id}",
        headers=auth(alpha_staff),
    )
    assert staff_dl.status_code == 200 and staff_dl.headers["content-type"] == "application/pdf"

    _, stranger = await harness.open_draft("alpha", "other@example.org")
    for path in (f"/v1/registrations/{rid}", f"/v1/registrations/{rid}/documents/{file_id}"):
        assert (await harness.http.get(path, headers=stranger)).status_code == 404
        assert (await harness.http.get(path)).status_code == 404
    for path in (
        f"/v1/jurisdictions/alpha/registrations/{rid}",
        f"/v1/jurisdictions/alpha/registrations/{rid}/documents/{file_id}",
        "/v1/jurisdictions/alpha/registrations",
    ):
        assert (await harness.http.get(path, headers=auth(beta_staff))).status_code == 404, path
    assert (
        await harness.http.get(
            f"/v1/jurisdictions/beta/registrations/{rid}", headers=auth(beta_staff)
        )
    ).status_code == 404
    cashier = await harness.staff_token("alpha", "cashier@alpha.example.org", ["cashier"])
    assert (
        await harness.http.get("/v1/jurisdictions/alpha/registrations", headers=auth(cashier))
    ).status_code == 403


async def test_concurrent_accept_and_deny_exactly_one_wins(harness: Any) -> None:
    staff = await harness.jurisdiction("alpha")
    rid, me = await harness.open_draft("alpha", "sam@example.org")
    await harness.complete_draft(rid, me)
    submitted = await harness.http.post(
        f"/v1/registrations/{rid}/submit", headers=me, json={"password": "sam sparks passphrase"}
    )
    version = submitted.json()["version"]
    url = f"/v1/jurisdictions/alpha/registrations/{rid}/decision"
    accept, deny = await asyncio.gather(
        harness.http.post(
            url, headers=auth(staff), json={"decision": "accept", "version": version}
        ),
        harness.http.post(
            url,
            headers=auth(staff),
            json={"decision": "deny", "version": version, "reason": "incomplete"},
        ),
    )
    assert sorted([accept.status_code, deny.status_code]) == [200, 409]
    accepted = len(await harness.outbox("permitsuite.registration.RegistrationAccepted.v1"))
    denied = len(await harness.outbox("permitsuite.registration.RegistrationDenied.v1"))
    assert accepted + denied == 1


async def test_illegal_decisions_and_bad_input(harness: Any) -> None:
    staff = await harness.jurisdiction("alpha")
    rid, me = await harness.open_draft("alpha", "sam@example.org")
    draft_accept = await harness.http.post(
        f"/v1/jurisdictions/alpha/registrations/{rid}/decision",
        headers=auth(staff),
        json={"decision": "accept", "version": 0},
    )
    assert draft_accept.status_code == 409
    assert draft_accept.json()["current"] == "draft"
    bad_trade = await harness.http.patch(
        f"/v1/registrations/{rid}", headers=me, json={"trades": ["Wizardry"]}
    )
    assert bad_trade.status_code == 422 and bad_trade.json()["errors"][0]["field"] == "trades"
    offline = await harness.http.patch(
        f"/v1/registrations/{rid}", headers=me, json={"license_types": ["COMMERCIAL"]}
    )
    assert offline.status_code == 422
    expired = await harness.http.put(
        f"/v1/registrations/{rid}/requirements/insurance_expiry",
        headers=me,
        json={"value": "2020-01-01"},
    )
    assert expired.status_code == 422 and "expired" in expired.json()["detail"]
    not_a_date = await harness.http.put(
        f"/v1/registrations/{rid}/requirements/insurance_expiry", headers=me, json={"value": "soon"}
    )
    assert not_a_date.status_code == 422
    unknown = await harness.http.put(
        f"/v1/registrations/{rid}/requirements/nope", headers=me, json={"value": "x"}
    )
    assert unknown.status_code == 404
    weak = await harness.complete_draft(rid, me)
    assert weak is None
    weak_pw = await harness.http.post(
        f"/v1/registrations/{rid}/submit", headers=me, json={"password": "password1"}
    )
    assert weak_pw.status_code == 422 and weak_pw.json()["errors"][0]["field"] == "password"
    doc = await harness.reg.runtime.db["registrations"].find_one({"_id": rid})
    assert doc["status"] == "draft"  # nothing half-done


async def test_settings_with_an_unknown_time_zone_are_refused(harness: Any) -> None:
    """Issue 12: a stored unknown zone would break every date rule later."""
    token = await harness.jurisdiction("alpha")
    r = await harness.http.put(
        "/v1/jurisdictions/alpha/registration-settings",
        headers={"Authorization": f"Bearer {token}"},
        json={"enabled": True, "time_zone": "Mars/Olympus"},
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["time_zone"]


async def test_a_license_number_can_be_taken_back_a_company_name_cannot(harness: Any) -> None:
    """R-REG-2 "Back" at every step: a first-license applicant who typed a
    number by mistake clears it; a required section is never null."""
    await harness.jurisdiction("gamma")
    rid, me = await harness.open_draft("gamma", "lee@example.org")
    typed = await harness.http.patch(
        f"/v1/registrations/{rid}",
        headers=me,
        json={"license_number": "AEC-1", "company_name": "L"},
    )
    assert typed.json()["license_number"] == "AEC-1"
    cleared = await harness.http.patch(
        f"/v1/registrations/{rid}", headers=me, json={"license_number": None}
    )
    assert cleared.status_code == 200 and cleared.json()["license_number"] is None
    refused = await harness.http.patch(
        f"/v1/registrations/{rid}", headers=me, json={"company_name": None}
    )
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["company_name"]
    assert (await harness.http.get(f"/v1/registrations/{rid}", headers=me)).json()[
        "company_name"
    ] == "L"


async def test_r_reg_2_a_start_answers_before_it_looks_at_the_email(harness: Any) -> None:
    """Issue 22, defect 11: the answer does the same work for every address
    (one request recorded); the link is made after the answer, within the
    hourly limit per address."""
    await harness.jurisdiction("alpha")
    deferred = harness.reg.runtime.deferred
    held: list[str] = []

    async def hold(request_id: str) -> None:
        held.append(request_id)

    deferred.process = hold
    confirmations = harness.reg.runtime.db["starts"]
    before = await harness.reg.runtime.db["outbox"].count_documents({})
    answers = [
        await harness.http.post(
            "/v1/jurisdictions/alpha/registrations", json={"email": "sam@example.org"}
        )
        for _ in range(7)  # past the hourly limit of 5 links for this address
    ]
    assert {a.status_code for a in answers} == {202} and len({a.text for a in answers}) == 1
    assert await deferred.collection.count_documents({}) == 7
    assert await harness.reg.runtime.db["outbox"].count_documents({}) == before
    for request_id in held:
        await type(deferred).process(deferred, request_id)
    assert await deferred.collection.count_documents({}) == 0
    assert await confirmations.count_documents({"email": "sam@example.org"}) == 5
