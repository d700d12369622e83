"""Applications, numbering, workflow and access against the real database."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

pytestmark = pytest.mark.integration


async def test_fifty_concurrent_applications_get_unique_gap_free_numbers(harness: Any) -> None:
    """R-PER-1: allocated atomically, gap-free per type and year, under concurrency."""
    await harness.setup_type("alpha")
    staff = harness.token("alpha", "staff", roles=["permit_technician"])
    responses = await asyncio.gather(
        *(
            harness.http.post(
                "/v1/jurisdictions/alpha/permits", headers=staff, json=harness.application()
            )
            for _ in range(50)
        )
    )
    assert [r.status_code for r in responses] == [201] * 50, responses[0].text
    numbers = sorted(r.json()["number"] for r in responses)
    assert numbers == [f"RES26-{n:04d}" for n in range(1, 51)]


async def test_a_failed_application_leaves_no_gap(harness: Any) -> None:
    await harness.setup_type("alpha")
    staff = harness.token("alpha", "staff", roles=["permit_technician"])
    first = await harness.http.post(
        "/v1/jurisdictions/alpha/permits", headers=staff, json=harness.application()
    )
    bad = await harness.http.post(
        "/v1/jurisdictions/alpha/permits", headers=staff, json=harness.application(type_code="NOPE")
    )
    assert bad.status_code == 422
    second = await harness.http.post(
        "/v1/jurisdictions/alpha/permits", headers=staff, json=harness.application()
    )
    assert [first.json()["number"], second.json()["number"]] == ["RES26-0001", "RES26-0002"]


async def test_a_permit_says_which_moves_its_viewer_may_make(harness: Any) -> None:
    """Issue 27: staff see the moves the table gives their roles, on the permit
    and on the answer to a move; the applicant and an API client see none."""
    await harness.setup_type("alpha")
    tech = harness.token("alpha", "staff", roles=["permit_technician"])
    permit = (
        await harness.http.post(
            "/v1/jurisdictions/alpha/permits", headers=tech, json=harness.application()
        )
    ).json()
    one = f"/v1/jurisdictions/alpha/permits/{permit['id']}"

    def moves(answer: Any) -> list[str]:
        return [m["to"] for m in answer.json()["moves"]]

    assert moves(await harness.http.get(one, headers=tech)) == ["IN_REVIEW", "CANCELLED"]
    reviewer = harness.token("alpha", "staff", roles=["plan_reviewer"])
    moved = await harness.http.post(
        f"{one}/transitions", headers=reviewer, json={"to": "IN_REVIEW", "version": 1}
    )
    assert moves(moved) == ["PENDING_APPROVAL"]
    system = harness.token("alpha", "client", account="alpha.c0ffee", scope="permits:read")
    applicant = harness.token("alpha", "community_member", email="pat@example.org")
    for viewer in (applicant, system):
        seen = await harness.http.get(one, headers=viewer)
        assert seen.status_code == 200 and moves(seen) == [], seen.text


async def test_workflow_transitions_history_and_optimistic_concurrency(harness: Any) -> None:
    """R-PER-3: the table, roles, 409 naming the statuses, one of two racing moves wins."""
    await harness.setup_type("alpha")
    tech = harness.token("alpha", "staff", roles=["permit_technician"])
    reviewer = harness.token("alpha", "staff", roles=["plan_reviewer"])
    permit = (
        await harness.http.post(
            "/v1/jurisdictions/alpha/permits", headers=tech, json=harness.application()
        )
    ).json()
    url = f"/v1/jurisdictions/alpha/permits/{permit['id']}/transitions"
    illegal = await harness.http.post(url, headers=tech, json={"to": "ISSUED", "version": 1})
    assert illegal.status_code == 409
    assert illegal.json()["current"] == "SUBMITTED" and illegal.json()["requested"] == "ISSUED"
    wrong_role = await harness.http.post(
        url,
        headers=harness.token("alpha", "staff", roles=["cashier"]),
        json={"to": "IN_REVIEW", "version": 1},
    )
    assert wrong_role.status_code == 403
    a, b = await asyncio.gather(
        harness.http.post(url, headers=tech, json={"to": "IN_REVIEW", "version": 1}),
        harness.http.post(url, headers=tech, json={"to": "CANCELLED", "version": 1}),
    )
    assert sorted([a.status_code, b.status_code]) == [200, 409]
    winner = a if a.status_code == 200 else b
    if winner.json()["status"] == "IN_REVIEW":
        moved = await harness.http.post(
            url,
            headers=reviewer,
            json={
                "to": "PENDING_APPROVAL",
                "version": winner.json()["version"],
                "comment": "plans ok",
            },
        )
        assert moved.status_code == 200 and moved.json()["status_label"] == "PENDING APPROVAL"
        history = moved.json()["history"]
        assert [h["to"] for h in history] == ["SUBMITTED", "IN_REVIEW", "PENDING_APPROVAL"]
        assert history[-1]["comment"] == "plans ok"
    stale = await harness.http.post(url, headers=tech, json={"to": "CANCELLED", "version": 1})
    assert stale.status_code == 409
    cancelled = await harness.app.runtime.db["outbox"].count_documents(
        {"event_type": "permitsuite.permits.PermitCancelled.v1"}
    )
    assert cancelled == (1 if winner.json()["status"] == "CANCELLED" else 0)


async def test_who_may_apply_and_who_may_see(harness: Any) -> None:
    """R-ID-6: applicant, owner, company users and staff see it; nobody else (404)."""
    await harness.setup_type("alpha")
    await harness.setup_type("beta")
    contractor = harness.token("alpha", "contractor", email="rich@example.org", companies=["c1"])
    created = await harness.http.post(
        "/v1/jurisdictions/alpha/permits",
        headers=contractor,
        json=harness.application(company_ids=["c1"]),
    )
    assert created.status_code == 201, created.text
    not_mine = await harness.http.post(
        "/v1/jurisdictions/alpha/permits",
        headers=contractor,
        json=harness.application(company_ids=["c2"]),
    )
    assert not_mine.status_code == 403
    stranger_public = harness.token("alpha", "community_member", email="eve@example.org")
    assert (
        await harness.http.post(
            "/v1/jurisdictions/alpha/permits", headers=stranger_public, json=harness.application()
        )
    ).status_code == 403

    url = f"/v1/jurisdictions/alpha/permits/{created.json()['id']}"
    can = {
        "applicant": harness.token("alpha", "community_member", email="pat@example.org"),
        "owner": harness.token("alpha", "community_member", email="OLIVE@example.org".lower()),
        "company user": harness.token(
            "alpha", "contractor", email="w@example.org", companies=["c1"]
        ),
        "staff": harness.token("alpha", "staff", roles=["inspector"]),
    }
    cannot = {
        "other contractor": harness.token(
            "alpha", "contractor", email="x@example.org", companies=["c9"]
        ),
        "other public user": stranger_public,
        "staff of beta": harness.token("beta", "staff", roles=["admin"]),
        "applicant's token for beta": harness.token(
            "beta", "community_member", email="pat@example.org"
        ),
        "user removed from the company (a new token has no company)": harness.token(
            "alpha", "contractor", email="w@example.org", companies=[]
        ),
    }
    for who, headers in can.items():
        assert (await harness.http.get(url, headers=headers)).status_code == 200, who
    for who, headers in cannot.items():
        assert (await harness.http.get(url, headers=headers)).status_code == 404, who
    beta_url = url.replace("/alpha/", "/beta/")
    assert (await harness.http.get(beta_url, headers=can["staff"])).status_code == 404
    listed = await harness.http.get("/v1/jurisdictions/alpha/permits", headers=can["owner"])
    assert listed.json()["total"] == 1
    assert (
        await harness.http.get(
            "/v1/jurisdictions/alpha/permits", headers=cannot["other contractor"]
        )
    ).json()["total"] == 0


async def test_bad_input_is_a_clear_problem(harness: Any) -> None:
    await harness.setup_type("alpha")
    staff = harness.token("alpha", "staff", roles=["admin"])
    bad_format = await harness.http.put(
        "/v1/jurisdictions/alpha/permit-types/X",
        headers=staff,
        json={"name": "X", "number_format": "X{yy}"},
    )
    assert (
        bad_format.status_code == 422 and bad_format.json()["errors"][0]["field"] == "number_format"
    )
    no_site = await harness.http.post(
        "/v1/jurisdictions/alpha/permits",
        headers=staff,
        json={"type_code": "RES", "applicant": {"name": "A"}},
    )
    assert no_site.status_code == 422 and "site" in no_site.json()["detail"]
    bad_money = await harness.http.post(
        "/v1/jurisdictions/alpha/permits", headers=staff, json=harness.application(valuation="12,5")
    )
    assert bad_money.status_code == 422
    assert (await harness.http.get("/v1/jurisdictions/alpha/permits")).status_code == 401


async def test_parties_changes_move_access_and_are_published(harness: Any) -> None:
    """Seed 000: a company added later sees the permit; one removed no longer does."""
    await harness.setup_type("alpha")
    staff = harness.token("alpha", "staff", roles=["permit_technician"])
    permit = (
        await harness.http.post(
            "/v1/jurisdictions/alpha/permits",
            headers=staff,
            json=harness.application(company_ids=["c1"]),
        )
    ).json()
    url = f"/v1/jurisdictions/alpha/permits/{permit['id']}"
    c1_user = harness.token("alpha", "contractor", email="a@c1.example.org", companies=["c1"])
    c2_user = harness.token("alpha", "contractor", email="b@c2.example.org", companies=["c2"])
    assert (await harness.http.get(url, headers=c2_user)).status_code == 404
    changed = await harness.http.patch(
        f"{url}/parties",
        headers=staff,
        json={
            "add_companies": ["c2"],
            "remove_companies": ["c1"],
            "owner_email": "NEW.owner@example.org",
        },
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["company_ids"] == ["c2"]
    assert (await harness.http.get(url, headers=c2_user)).status_code == 200
    assert (await harness.http.get(url, headers=c1_user)).status_code == 404
    new_owner = harness.token("alpha", "community_member", email="new.owner@example.org")
    assert (await harness.http.get(url, headers=new_owner)).status_code == 200
    events = [
        e
        async for e in harness.app.runtime.db["outbox"].find(
            {"event_type": "permitsuite.permits.PermitPartiesChanged.v1"}
        )
    ]
    assert len(events) == 1
    owner_only = await harness.http.patch(
        f"{url}/parties", headers=new_owner, json={"add_companies": ["c9"]}
    )
    assert owner_only.status_code == 403  # the owner is not the applicant


async def test_linking_needs_number_and_a_second_fact_and_is_throttled(harness: Any) -> None:
    """R-ID-6 hardened: number alone does not link; failures are throttled; unlink works."""
    await harness.setup_type("alpha")
    staff = harness.token("alpha", "staff", roles=["permit_technician"])
    permit = (
        await harness.http.post(
            "/v1/jurisdictions/alpha/permits", headers=staff, json=harness.application()
        )
    ).json()
    public = harness.token(
        "alpha", "community_member", email="neighbour@example.org", account="acc-neighbour"
    )
    url = f"/v1/jurisdictions/alpha/permits/{permit['id']}"
    assert (await harness.http.get(url, headers=public)).status_code == 404
    wrong = await harness.http.post(
        "/v1/jurisdictions/alpha/permit-links",
        headers=public,
        json={"number": permit["number"], "second_fact": "99999"},
    )
    assert wrong.status_code == 404
    by_street = await harness.http.post(
        "/v1/jurisdictions/alpha/permit-links",
        headers=public,
        json={"number": permit["number"].lower(), "second_fact": "1968"},
    )
    assert by_street.status_code == 200, by_street.text
    assert (await harness.http.get(url, headers=public)).status_code == 200
    listed = await harness.http.get("/v1/jurisdictions/alpha/permits", headers=public)
    assert listed.json()["total"] == 1
    assert (await harness.http.delete(f"{url}/link", headers=public)).status_code == 204
    assert (await harness.http.get(url, headers=public)).status_code == 404

    guesser = harness.token(
        "alpha", "community_member", email="g@example.org", account="acc-guesser"
    )
    statuses = []
    for guess in ("1", "2", "3", "4", "5", "1968"):
        r = await harness.http.post(
            "/v1/jurisdictions/alpha/permit-links",
            headers=guesser,
            json={"number": permit["number"], "second_fact": guess},
        )
        statuses.append(r.status_code)
    assert statuses == [404] * 5 + [429]  # even the right fact waits once throttled
    harness.clock.advance(timedelta(hours=1, seconds=1))
    guesser = harness.token(
        "alpha", "community_member", email="g@example.org", account="acc-guesser"
    )
    by_code = await harness.http.post(
        "/v1/jurisdictions/alpha/permit-links",
        headers=guesser,
        json={"number": permit["number"], "second_fact": by_street.json()["access_code"]},
    )
    assert by_code.status_code == 200


async def test_review_comments_are_visible_to_those_with_access(harness: Any) -> None:
    await harness.setup_type("alpha")
    staff = harness.token("alpha", "staff", roles=["plan_reviewer"])
    permit = (
        await harness.http.post(
            "/v1/jurisdictions/alpha/permits", headers=staff, json=harness.application()
        )
    ).json()
    url = f"/v1/jurisdictions/alpha/permits/{permit['id']}"
    applicant = harness.token("alpha", "community_member", email="pat@example.org")
    assert (
        await harness.http.post(f"{url}/comments", headers=applicant, json={"text": "me too"})
    ).status_code == 403
    r = await harness.http.post(f"{url}/comments", headers=staff, json={"text": "Add a site plan."})
    assert r.status_code == 200
    seen = (await harness.http.get(url, headers=applicant)).json()
    assert [c["text"] for c in seen["comments"]] == ["Add a site plan."]


SCHEDULE = [
    {"code": "MECH", "name": "MECHANICAL PERMIT", "amount": "96.00"},
    {"code": "PRB", "name": "PLAN REVIEW FEE BALANCE", "amount": "65.08"},
    {
        "code": "BLDG",
        "name": "BUILDING PERMIT FEE",
        "kind": "valuation",
        "rate": "2.603",
        "per": "1000",
    },
    {"code": "PLAN", "name": "PLANNING", "amount": "35.00"},
    {"code": "PPR", "name": "RES/GAR/ADD PARTIAL PLAN REVIEW FEE", "amount": "130.15"},
]


async def test_fee_assessment_reproduces_res16_0688_and_awaits_payment(harness: Any) -> None:
    """R-PAY-1: the seed's lines total $1,023.98; a balance moves the permit to
    AWAITING PAYMENT; FeeAssessed carries minor units and who may pay."""
    admin = harness.token("alpha", "staff", roles=["admin"])
    r = await harness.http.put(
        "/v1/jurisdictions/alpha/permit-types/RES",
        headers=admin,
        json={"name": "RESIDENTIAL", "number_format": "RES{yy}-{seq:04}", "fee_schedule": SCHEDULE},
    )
    assert r.status_code == 200, r.text
    permit = (
        await harness.http.post(
            "/v1/jurisdictions/alpha/permits",
            headers=admin,
            json=harness.application(company_ids=["c1"]),
        )
    ).json()
    url = f"/v1/jurisdictions/alpha/permits/{permit['id']}"
    for to, version in (("IN_REVIEW", 1), ("PENDING_APPROVAL", 2)):
        assert (
            await harness.http.post(
                f"{url}/transitions", headers=admin, json={"to": to, "version": version}
            )
        ).status_code == 200
    cashier = harness.token("alpha", "staff", roles=["cashier"])
    assessed = await harness.http.post(
        f"{url}/fees",
        headers={**cashier, "Idempotency-Key": "assess-1"},
        json={
            "items": [{"code": c} for c in ("MECH", "PRB", "BLDG", "PLAN", "PPR")],
            "manual": [
                {
                    "name": "FIRE DISTRICT INSPECTION FEE",
                    "amount": "47.00",
                    "reason": "fire district agreement",
                }
            ],
        },
    )
    assert assessed.status_code == 200, assessed.text
    body = assessed.json()
    assert [f["amount"] for f in body["fees"]] == [
        "96.00",
        "65.08",
        "650.75",
        "35.00",
        "130.15",
        "47.00",
    ]
    assert body["fees_due"] == "1023.98"
    assert body["status"] == "AWAITING_PAYMENT"
    events = [
        e
        async for e in harness.app.runtime.db["outbox"].find(
            {"event_type": "permitsuite.permits.FeeAssessed.v1"}
        )
    ]
    import json

    fee_event = json.loads(bytes(events[0]["value"]))
    assert fee_event["balance_minor"] == 102398
    assert fee_event["payer_emails"] == ["pat@example.org", "olive@example.org"]
    assert fee_event["company_ids"] == ["c1"]

    line = body["fees"][-1]["id"]
    voided = await harness.http.post(
        f"{url}/fees/{line}/void",
        headers={**cashier, "Idempotency-Key": "void-1"},
        json={"reason": "assessed twice"},
    )
    assert voided.json()["fees_due"] == "976.98"
    again = await harness.http.post(
        f"{url}/fees/{line}/void",
        headers={**cashier, "Idempotency-Key": "void-2"},
        json={"reason": "x"},
    )
    assert again.status_code == 409
    applicant = harness.token("alpha", "community_member", email="pat@example.org")
    seen = (await harness.http.get(url, headers=applicant)).json()
    assert seen["fees_due"] == "976.98"
    assert (
        await harness.http.post(
            f"{url}/fees",
            headers={**applicant, "Idempotency-Key": "assess-2"},
            json={"items": [{"code": "MECH"}]},
        )
    ).status_code == 403
    unknown = await harness.http.post(
        f"{url}/fees",
        headers={**cashier, "Idempotency-Key": "assess-3"},
        json={"items": [{"code": "ZZZ"}]},
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "items.0.code"


async def test_documents_are_sniffed_and_only_for_those_with_access(harness: Any) -> None:
    await harness.setup_type("alpha")
    applicant = harness.token("alpha", "community_member", email="pat@example.org")
    permit = (
        await harness.http.post(
            "/v1/jurisdictions/alpha/permits", headers=applicant, json=harness.application()
        )
    ).json()
    url = f"/v1/jurisdictions/alpha/permits/{permit['id']}/documents"
    pdf = b"%PDF-1.7\n" + b"1" * 3000
    spoofed = await harness.http.post(
        url, headers=applicant, files={"file": ("plans.pdf", b"MZ\x90\x00" + b"0" * 3000)}
    )
    assert spoofed.status_code == 422
    ok = await harness.http.post(url, headers=applicant, files={"file": ("plans.pdf", pdf)})
    assert ok.status_code == 200, ok.text
    [doc] = ok.json()["documents"]
    assert doc["content_type"] == "application/pdf" and doc["size"] == len(pdf)
    got = await harness.http.get(f"{url}/{doc['file_id']}", headers=applicant)
    assert got.status_code == 200 and got.content == pdf
    stranger = harness.token("alpha", "community_member", email="eve@example.org")
    assert (await harness.http.get(f"{url}/{doc['file_id']}", headers=stranger)).status_code == 404
    assert (
        await harness.http.post(url, headers=stranger, files={"file": ("x.pdf", pdf)})
    ).status_code == 404
    db = harness.app.runtime.db
    assert await db["documents.files"].count_documents({}) == 1  # the spoofed one left nothing
