"""Refunds, counter payments, paid items and staff search, access (R-PAY-5, R-PAY-6)."""

from __future__ import annotations

from typing import Any

import pytest

from .test_checkout import RES16_0688, checkout, contractor, fill_cart, payment, receivable_lines

pytestmark = pytest.mark.integration


async def paid(harness: Any, permit: str = "p1", key: str = "k-1") -> dict[str, Any]:
    rich = contractor(harness)
    await fill_cart(harness, rich, permit)
    pay = (await checkout(harness, rich, key)).json()
    await harness.pay_on_page(pay, "approve")
    await harness.sandbox.deliver_due()
    return await payment(harness, rich, pay["id"])


async def test_full_refund_returns_fees_and_convenience_fee(harness: Any) -> None:
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    pay = await paid(harness)
    cashier = harness.token("alpha", "staff", roles=["cashier"])
    r = await harness.http.post(
        f"/v1/jurisdictions/alpha/payments/{pay['id']}/refunds",
        headers={**cashier, "Idempotency-Key": "refund-1"},
        json={"reason": "permit withdrawn"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["amount"] == "1054.70" and r.json()["status"] == "DONE"
    after = await payment(harness, cashier, pay["id"])
    assert after["status"] == "REFUNDED" and after["refunded"] == "1054.70"
    assert set((await receivable_lines(harness, "p1")).values()) == {"open"}
    [event] = await harness.outbox("PaymentRefunded")
    assert event["automatic"] is False and event["amount_minor"] == 105470
    assert event["allocations"][0]["line_ids"] == [f"p1-{n}" for n in range(6)]
    assert await harness.sandbox.db["refunds"].count_documents({"amount_minor": 105470}) == 1
    again = await harness.http.post(
        f"/v1/jurisdictions/alpha/payments/{pay['id']}/refunds",
        headers={**cashier, "Idempotency-Key": "refund-2"},
        json={"reason": "twice"},
    )
    assert again.status_code == 409


async def test_refund_per_line_keeps_the_rest_paid(harness: Any) -> None:
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    pay = await paid(harness)
    admin = harness.token("alpha", "staff", roles=["admin"])
    r = await harness.http.post(
        f"/v1/jurisdictions/alpha/payments/{pay['id']}/refunds",
        headers={**admin, "Idempotency-Key": "refund-1"},
        json={"line_ids": ["p1-3"], "reason": "planning fee waived"},
    )
    assert r.status_code == 201 and r.json()["amount"] == "35.00"
    after = await payment(harness, admin, pay["id"])
    assert after["status"] == "PARTIALLY_REFUNDED"
    lines = await receivable_lines(harness, "p1")
    assert lines["p1-3"] == "open" and lines["p1-0"] == "paid"
    [event] = await harness.outbox("PaymentRefunded")
    assert event["allocations"] == [
        {"permit_id": "p1", "line_ids": ["p1-3"], "amount_minor": 3500, "number": "RES16-0688"}
    ]
    bad = await harness.http.post(
        f"/v1/jurisdictions/alpha/payments/{pay['id']}/refunds",
        headers={**admin, "Idempotency-Key": "refund-2"},
        json={"line_ids": ["p1-3"], "reason": "again"},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"][-1] == "line_ids"


async def test_refunds_need_a_cashier(harness: Any) -> None:
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    pay = await paid(harness)
    url = f"/v1/jurisdictions/alpha/payments/{pay['id']}/refunds"
    key = {"Idempotency-Key": "refund-1"}
    reviewer = harness.token("alpha", "staff", roles=["reviewer"])
    assert (
        await harness.http.post(url, headers={**reviewer, **key}, json={"reason": "nope"})
    ).status_code == 403
    rich = contractor(harness)  # the payer sees the payment but may not refund it
    assert (
        await harness.http.post(url, headers={**rich, **key}, json={"reason": "nope"})
    ).status_code == 403
    stranger = harness.token("alpha", "community_member", email="sam@example.org")
    assert (
        await harness.http.post(url, headers={**stranger, **key}, json={"reason": "nope"})
    ).status_code == 404  # a payment you may not see does not exist for you


async def test_counter_payment_settles_at_once_with_a_receipt(harness: Any) -> None:
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    await harness.assess("p2", "WEB16-0101", [("MECHANICAL PERMIT", 9600)])
    cashier = harness.token("alpha", "staff", roles=["cashier"])
    body = {
        "permits": [{"permit_id": "p1"}],
        "method": "check",
        "reference": "check 1043",
        "payer_name": "Rich Contractor",
        "payer_email": "rich@example.org",
    }
    url = "/v1/jurisdictions/alpha/counter-payments"
    r = await harness.http.post(url, headers={**cashier, "Idempotency-Key": "desk-1"}, json=body)
    assert r.status_code == 201, r.text
    desk = r.json()
    assert desk["status"] == "SETTLED" and desk["channel"] == "counter"
    assert desk["method_label"] == "Check"  # named in words on the receipt
    assert desk["total"] == "1023.98" and desk["convenience_fee"] == "0.00"
    assert desk["receipt_number"].endswith("-000001")
    retry = await harness.http.post(
        url, headers={**cashier, "Idempotency-Key": "desk-1"}, json=body
    )
    assert retry.json()["id"] == desk["id"]
    assert len(await harness.outbox("PaymentSettled")) == 1
    [event] = await harness.outbox("PaymentSettled")
    assert event["channel"] == "counter" and event["method"] == "check"

    # p2 is in an open online checkout: the desk cannot take it meanwhile
    rich = contractor(harness)
    await fill_cart(harness, rich, "p2")
    assert (await checkout(harness, rich, "k-2")).status_code == 201
    held = await harness.http.post(
        url,
        headers={**cashier, "Idempotency-Key": "desk-2"},
        json={**body, "permits": [{"permit_id": "p2"}]},
    )
    assert held.status_code == 409
    assert await harness.runtime.db["payments"].count_documents({"channel": "counter"}) == 1


async def test_receipt_numbers_are_unique_per_jurisdiction(harness: Any) -> None:
    await harness.configure()
    await harness.configure("beta")
    await harness.assess("p1", "RES16-0688", RES16_0688)
    await harness.assess("p2", "WEB16-0101", [("MECHANICAL PERMIT", 9600)])
    await harness.assess("b1", "B-1", [("FEE", 1000)], jid="beta")
    one = await paid(harness, "p1", "k-1")
    two = await paid(harness, "p2", "k-2")
    beta = harness.token("beta", "contractor", email="rich@example.org", companies=["c1"])
    await harness.http.post(
        "/v1/jurisdictions/beta/cart/items", headers=beta, json={"permit_id": "b1"}
    )
    b = (
        await harness.http.post(
            "/v1/jurisdictions/beta/checkout",
            headers={**beta, "Idempotency-Key": "k-1"},
            json={"method": "card"},
        )
    ).json()
    await harness.pay_on_page(b, "approve")
    await harness.sandbox.deliver_due()
    b = (await harness.http.get(f"/v1/jurisdictions/beta/payments/{b['id']}", headers=beta)).json()
    year = harness.clock.now().year
    assert [one["receipt_number"], two["receipt_number"], b["receipt_number"]] == [
        f"R{year}-000001",
        f"R{year}-000002",
        f"R{year}-000001",
    ]


async def test_another_users_or_jurisdictions_payment_and_receipt_are_404(harness: Any) -> None:
    """R-ID-6: invisible, not forbidden."""
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    pay = await paid(harness)
    pat = harness.token("alpha", "community_member", email="pat@example.org")
    other_jur_staff = harness.token("beta", "staff", roles=["admin", "cashier"])
    for who in (pat, other_jur_staff):
        for path in (f"/payments/{pay['id']}", f"/payments/{pay['id']}/receipt"):
            r = await harness.http.get(f"/v1/jurisdictions/alpha{path}", headers=who)
            assert r.status_code == 404, (path, r.text)
    # beta's staff asking through their own jurisdiction do not find it either
    r = await harness.http.get(
        f"/v1/jurisdictions/beta/payments/{pay['id']}", headers=other_jur_staff
    )
    assert r.status_code == 404
    mine = (await harness.http.get("/v1/jurisdictions/alpha/payments", headers=pat)).json()
    assert mine["items"] == [] and mine["total"] == 0
    # another user's cart is theirs: Pat's is empty although Rich's was used
    cart = (await harness.http.get("/v1/jurisdictions/alpha/cart", headers=pat)).json()
    assert cart["permits"] == []
    # staff search is staff-only (403 in one's own jurisdiction, chassis.access)
    # and per jurisdiction
    r = await harness.http.get("/v1/jurisdictions/alpha/staff/payments", headers=pat)
    assert r.status_code == 403
    r = await harness.http.get(
        "/v1/jurisdictions/beta/staff/payments?status=PENDING", headers=other_jur_staff
    )
    assert r.json()["total"] == 0


async def test_staff_search_by_receipt_permit_method_and_date(harness: Any) -> None:
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    await harness.assess("p2", "WEB16-0101", [("MECHANICAL PERMIT", 9600)])
    one = await paid(harness, "p1", "k-1")
    await paid(harness, "p2", "k-2")
    staff = harness.token("alpha", "staff", roles=["reviewer"])
    base = "/v1/jurisdictions/alpha/staff/payments"

    async def ids(query: str) -> list[str]:
        r = await harness.http.get(f"{base}?{query}", headers=staff)
        assert r.status_code == 200, r.text
        return [p["id"] for p in r.json()["items"]]

    assert await ids(f"receipt={one['receipt_number']}") == [one["id"]]
    assert await ids("permit=RES16-0688") == [one["id"]]
    today = harness.clock.now().date()
    assert len(await ids(f"method=card&from={today}T00:00:00Z")) == 2
    assert await ids(f"method=echeck&from={today}T00:00:00Z") == []
    assert len(await ids(f"from={today}T00:00:00Z")) == 2
    assert await ids(f"to={today}T00:00:00Z") == []
    # reads stay flat (issue 14): a search of the whole history says how to narrow it
    unbounded = await harness.http.get(f"{base}?method=card", headers=staff)
    assert unbounded.status_code == 422
    assert unbounded.json()["errors"][0]["field"] == "from"


async def test_a_retried_refund_request_refunds_once(harness: Any) -> None:
    """Issue 12.10: refunds take an Idempotency-Key; a retry answers the first
    refund (Idempotent-Replayed) and the provider is asked once."""
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    pay = await paid(harness)
    cashier = {**harness.token("alpha", "staff", roles=["cashier"]), "Idempotency-Key": "r-1"}
    url = f"/v1/jurisdictions/alpha/payments/{pay['id']}/refunds"
    body = {"line_ids": ["p1-3"], "reason": "planning fee waived"}
    first = await harness.http.post(url, headers=cashier, json=body)
    retry = await harness.http.post(url, headers=cashier, json=body)
    assert (first.status_code, retry.status_code) == (201, 201), retry.text
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json()["id"] == first.json()["id"]
    assert len(await harness.outbox("PaymentRefunded")) == 1
    assert await harness.sandbox.db["refunds"].count_documents({"amount_minor": 3500}) == 1
    no_key = {k: v for k, v in cashier.items() if k != "Idempotency-Key"}
    assert (await harness.http.post(url, headers=no_key, json=body)).status_code == 400


@pytest.mark.parametrize(
    ("method", "field"),
    [
        ({"fee_percent": "1000"}, "methods.0.fee_percent"),
        ({"fee_percent": "NaN"}, "methods.0.fee_percent"),
        ({"fee_flat": "Infinity"}, "methods.0.fee_flat"),
        ({"fee_flat": "1.505"}, "methods.0.fee_flat"),
        ({"fee_min": "1e3"}, "methods.0.fee_min"),
        ({"fee_max": "\u0661"}, "methods.0.fee_max"),
    ],
)
async def test_convenience_fee_settings_are_plain_decimals_in_range(
    harness: Any, method: dict[str, str], field: str
) -> None:
    """Issue 12.8: ``fee_percent: 1000`` and loosely parsed numbers were accepted."""
    admin = harness.token("alpha", "staff", roles=["admin"])
    r = await harness.http.put(
        "/v1/jurisdictions/alpha/payment-settings",
        headers=admin,
        json={"online_payments": True, "methods": [{"code": "card", "label": "Card", **method}]},
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == [field]
