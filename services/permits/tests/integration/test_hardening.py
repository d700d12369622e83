"""Defects found by outside testing (issue 12), each reproduced against the
real database: money input, idempotent fee commands, 404 before 403."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytestmark = pytest.mark.integration

SCHEDULE = [
    {"code": "PLAN", "name": "PLANNING", "amount": "35.00"},
    {"code": "SQFT", "name": "PER SQUARE FOOT", "kind": "quantity", "rate": "0.25"},
]
FEE_EVENT = "permitsuite.permits.FeeAssessed.v1"
ARABIC_INDIC_123 = "\u0661\u0662\u0663"


def _manual(amount: str) -> dict[str, Any]:
    return {"manual": [{"name": "X", "amount": amount, "reason": "r"}]}


async def _permit_in_review(harness: Any) -> tuple[str, dict[str, str]]:
    admin = harness.token("alpha", "staff", roles=["admin"])
    r = await harness.http.put(
        "/v1/jurisdictions/alpha/permit-types/RES",
        headers=admin,
        json={"name": "RESIDENTIAL", "number_format": "RES{yy}-{seq:04}", "fee_schedule": SCHEDULE},
    )
    assert r.status_code == 200, r.text
    permit = await harness.http.post(
        "/v1/jurisdictions/alpha/permits", headers=admin, json=harness.application()
    )
    return f"/v1/jurisdictions/alpha/permits/{permit.json()['id']}", admin


async def _fee_events(harness: Any) -> int:
    return int(await harness.app.runtime.db["outbox"].count_documents({"event_type": FEE_EVENT}))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_manual("NaN"), "manual.0.amount"),
        (_manual("Infinity"), "manual.0.amount"),
        (
            {"manual": [{"name": "X", "amount": "99999999999999999999", "reason": "r"}]},
            "manual.0.amount",
        ),
        (_manual("0.001"), "manual.0.amount"),
        (_manual("0.00"), "manual.0.amount"),
        (_manual("1e3"), "manual.0.amount"),
        (_manual("1_000"), "manual.0.amount"),
        (_manual(ARABIC_INDIC_123), "manual.0.amount"),
        (_manual("-5"), "manual.0.amount"),
        ({"items": [{"code": "SQFT", "quantity": "abc"}]}, "items.0.quantity"),
        ({"items": [{"code": "SQFT", "quantity": "NaN"}]}, "items.0.quantity"),
        ({"items": [{"code": "SQFT", "quantity": 1e300}]}, "items.0.quantity"),
        # issue 22, defect 10: 4,000 lines made an event the broker could not carry
        (
            {"manual": [{"name": f"L{n}", "amount": "1.00", "reason": "r"} for n in range(4000)]},
            "manual",
        ),
    ],
)
async def test_money_and_quantities_are_plain_decimals_or_422(
    harness: Any, body: dict[str, Any], field: str
) -> None:
    """Issue 12.8: NaN/Infinity/huge amounts and "abc" quantities were 500s;
    0.001, 1e3, 1_000 and Arabic-Indic digits were accepted (R-PAY-1)."""
    url, admin = await _permit_in_review(harness)
    r = await harness.http.post(f"{url}/fees", headers={**admin, "Idempotency-Key": "k"}, json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in r.json()["errors"]] == [field]
    assert (await harness.http.get(url, headers=admin)).json()["fees"] == []
    assert await _fee_events(harness) == 0


async def test_a_json_number_that_is_a_plain_decimal_is_taken(harness: Any) -> None:
    url, admin = await _permit_in_review(harness)
    r = await harness.http.post(
        f"{url}/fees",
        headers={**admin, "Idempotency-Key": "k"},
        json={
            "manual": [{"name": "X", "amount": 12.5, "reason": "r"}],
            "items": [{"code": "SQFT", "quantity": 100}],
        },
    )
    assert r.status_code == 200, r.text
    assert [f["amount"] for f in r.json()["fees"]] == ["25.00", "12.50"]


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"amount": "NaN"}, "fee_schedule.0.amount"),
        ({"kind": "valuation", "rate": "2.6", "per": "0"}, "fee_schedule.0.per"),
        ({"kind": "valuation", "rate": "\u0661", "per": "1000"}, "fee_schedule.0.rate"),
        ({"minimum": "1e3"}, "fee_schedule.0.minimum"),
    ],
)
async def test_fee_schedules_take_plain_decimals_only(
    harness: Any, item: dict[str, str], field: str
) -> None:
    """Issue 12.8: ``per: 0`` would divide by zero at assessment."""
    admin = harness.token("alpha", "staff", roles=["admin"])
    r = await harness.http.put(
        "/v1/jurisdictions/alpha/permit-types/RES",
        headers=admin,
        json={
            "name": "RESIDENTIAL",
            "number_format": "RES{yy}-{seq:04}",
            "fee_schedule": [{"code": "F", "name": "F", **item}],
        },
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == [field]


@pytest.mark.parametrize(
    "valuation", ["NaN", "1e6", ARABIC_INDIC_123, "250000.001", "99999999999999999999"]
)
async def test_an_application_valuation_is_a_plain_decimal(harness: Any, valuation: str) -> None:
    await harness.setup_type("alpha")
    staff = harness.token("alpha", "staff", roles=["permit_technician"])
    r = await harness.http.post(
        "/v1/jurisdictions/alpha/permits",
        headers=staff,
        json=harness.application(valuation=valuation),
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["valuation"]
    assert await harness.app.runtime.db["permits"].count_documents({}) == 0


@pytest.mark.parametrize("offset", ["99999999999999999999", "10001", "-1"])
async def test_a_huge_offset_is_422_not_500(harness: Any, offset: str) -> None:
    """Issue 12.8: ``offset=99999999999999999999`` was a 500."""
    staff = harness.token("alpha", "staff", roles=["permit_technician"])
    r = await harness.http.get(f"/v1/jurisdictions/alpha/permits?offset={offset}", headers=staff)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["offset"]


async def test_assessing_fees_needs_an_idempotency_key_and_a_retry_charges_once(
    harness: Any,
) -> None:
    """Issue 12.10: a retry after a lost answer charged twice. Same key and
    body → the first answer again; another body → 422; no key → 400."""
    url, admin = await _permit_in_review(harness)
    body = {"items": [{"code": "PLAN"}]}
    missing = await harness.http.post(f"{url}/fees", headers=admin, json=body)
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "Idempotency-Key"
    keyed = {**admin, "Idempotency-Key": "assess-plan-1"}
    first = await harness.http.post(f"{url}/fees", headers=keyed, json=body)
    assert first.status_code == 200, first.text
    assert "idempotent-replayed" not in first.headers
    again = await harness.http.post(f"{url}/fees", headers=keyed, json=body)
    assert again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    other = await harness.http.post(
        f"{url}/fees", headers=keyed, json={"items": [{"code": "SQFT", "quantity": "4"}]}
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    fees = (await harness.http.get(url, headers=admin)).json()["fees"]
    assert [f["amount"] for f in fees] == ["35.00"]
    assert await _fee_events(harness) == 1


async def test_concurrent_requests_with_one_key_have_one_effect(harness: Any) -> None:
    url, admin = await _permit_in_review(harness)
    keyed = {**admin, "Idempotency-Key": "assess-race"}
    answers = await asyncio.gather(
        *(
            harness.http.post(f"{url}/fees", headers=keyed, json={"items": [{"code": "PLAN"}]})
            for _ in range(5)
        )
    )
    assert {r.status_code for r in answers} == {200}
    assert len({str(r.json()["fees"]) for r in answers}) == 1  # every answer is the one effect
    assert len((await harness.http.get(url, headers=admin)).json()["fees"]) == 1
    assert await _fee_events(harness) == 1


async def test_voiding_is_idempotent_too(harness: Any) -> None:
    url, admin = await _permit_in_review(harness)
    assessed = await harness.http.post(
        f"{url}/fees", headers={**admin, "Idempotency-Key": "a"}, json={"items": [{"code": "PLAN"}]}
    )
    line = assessed.json()["fees"][0]["id"]
    keyed = {**admin, "Idempotency-Key": "void-1"}
    first = await harness.http.post(f"{url}/fees/{line}/void", headers=keyed, json={"reason": "x"})
    retry = await harness.http.post(f"{url}/fees/{line}/void", headers=keyed, json={"reason": "x"})
    assert (first.status_code, retry.status_code) == (200, 200)  # not 409 "already voided"
    assert retry.headers["idempotent-replayed"] == "true"
    events = harness.app.runtime.db["outbox"]
    assert await events.count_documents({"event_type": "permitsuite.permits.FeeVoided.v1"}) == 1


async def test_another_jurisdictions_member_gets_404_before_any_role_check(harness: Any) -> None:
    """Issue 12.15: a ``demo-auto`` member posting to a ``demo`` permit's
    comments or fees got 403, which told them the permit exists."""
    url, _ = await _permit_in_review(harness)
    stranger = harness.token("beta", "community_member", email="pat@example.org")
    key = {"Idempotency-Key": "k"}
    comment = await harness.http.post(f"{url}/comments", headers=stranger, json={"text": "hi"})
    fees = await harness.http.post(
        f"{url}/fees", headers={**stranger, **key}, json={"items": [{"code": "PLAN"}]}
    )
    void = await harness.http.post(
        f"{url}/fees/x/void", headers={**stranger, **key}, json={"reason": "x"}
    )
    assert (comment.status_code, fees.status_code, void.status_code) == (404, 404, 404)


async def test_a_type_numbered_like_another_is_refused(harness: Any) -> None:
    """Found by the fuzz pass: a second type with RES's number format gave out
    RES26-0001 again — a 500 on the unique number index."""
    await harness.setup_type("alpha")
    admin = harness.token("alpha", "staff", roles=["admin"])
    r = await harness.http.put(
        "/v1/jurisdictions/alpha/permit-types/ADD",
        headers=admin,
        json={"name": "ADDITION", "number_format": "RES{yy}-{seq:04}"},
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["number_format"]
    same_type = await harness.http.put(
        "/v1/jurisdictions/alpha/permit-types/RES",
        headers=admin,
        json={"name": "RESIDENTIAL", "number_format": "RES{yy}-{seq:04}"},
    )
    assert same_type.status_code == 200  # a type may keep its own format
    odd = await harness.http.put(
        "/v1/jurisdictions/alpha/permit-types/a%20b", headers=admin, json={}
    )
    assert odd.status_code == 422


async def test_a_currency_without_cents_is_refused(harness: Any) -> None:
    """Issue 12.8: amounts are kept in cents, so a currency with other minor
    digits (JPY, KWD) would be rounded: refused, naming the field."""
    admin = harness.token("alpha", "staff", roles=["admin"])
    r = await harness.http.put(
        "/v1/jurisdictions/alpha/permit-types/RES",
        headers=admin,
        json={"name": "RESIDENTIAL", "number_format": "RES{yy}-{seq:04}", "currency": "JPY"},
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["currency"]


async def test_a_retried_application_with_its_key_creates_one_permit(harness: Any) -> None:
    """Issue 22, defect 12: under load, applications answered 503/504 had in
    fact been created, and a client that retried made a second permit. With an
    Idempotency-Key the retry answers the first permit (R-PER-1 numbers stay
    gap-free); the key reused for another application is a 422 naming it."""
    await harness.setup_type("alpha")
    rich = harness.token("alpha", "contractor", email="rich@example.org", companies=["c1"])
    url = "/v1/jurisdictions/alpha/permits"
    keyed = {**rich, "Idempotency-Key": "apply-7f3c"}
    body = harness.application(company_ids=["c1"])
    first = await harness.http.post(url, headers=keyed, json=body)
    again = await harness.http.post(url, headers=keyed, json=body)
    assert first.status_code == 201 and again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["number"] == first.json()["number"]
    mine = await harness.http.get(url, headers=rich)
    assert mine.json()["total"] == 1
    other = await harness.http.post(
        url, headers=keyed, json=harness.application(description="another job")
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    # without a key an application is still taken (the key is optional)
    assert (await harness.http.post(url, headers=rich, json=body)).status_code == 201
