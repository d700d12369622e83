"""Checkout, the sandbox provider's hosted page and webhooks, settlement (R-PAY-3/5)."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest

from payments.adapters.providers import signing

pytestmark = pytest.mark.integration

RES16_0688 = [
    ("MECHANICAL PERMIT", 9600),
    ("PLAN REVIEW FEE BALANCE", 6508),
    ("BUILDING PERMIT FEE", 65075),
    ("PLANNING", 3500),
    ("RES/GAR/ADD PARTIAL PLAN REVIEW FEE", 13015),
    ("FIRE DISTRICT INSPECTION FEE", 4700),
]
RICH = {"email": "rich@example.org", "companies": ["c1"]}
WEBHOOK = "/v1/webhooks/payments/sandbox"


def contractor(harness: Any, jid: str = "alpha", email: str = "rich@example.org") -> dict[str, str]:
    return harness.token(jid, "contractor", email=email, companies=["c1"])


async def fill_cart(harness: Any, who: dict[str, str], *permit_ids: str) -> None:
    for pid in permit_ids:
        r = await harness.http.post(
            "/v1/jurisdictions/alpha/cart/items", headers=who, json={"permit_id": pid}
        )
        assert r.status_code == 204, r.text


async def checkout(harness: Any, who: dict[str, str], key: str, method: str = "card") -> Any:
    return await harness.http.post(
        "/v1/jurisdictions/alpha/checkout",
        headers={**who, "Idempotency-Key": key},
        json={"method": method},
    )


async def payment(harness: Any, who: dict[str, str], pid: str) -> dict[str, Any]:
    r = await harness.http.get(f"/v1/jurisdictions/alpha/payments/{pid}", headers=who)
    assert r.status_code == 200, r.text
    return dict(r.json())


def signed(body: dict[str, Any], harness: Any, at: Any = None) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    header = signing.sign("whsec-test-secret", raw, at or harness.clock.now())
    return raw, {signing.HEADER: header, "Content-Type": "application/json"}


def success_event(pay: dict[str, Any], event_id: str, checkout_id: str) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "checkout.succeeded",
        "data": {
            "checkout_id": checkout_id,
            "payment_id": pay["id"],
            "amount_minor": int(pay["total"].replace(".", "")),
            "currency": "USD",
            "method": "card",
        },
    }


async def receivable_lines(harness: Any, permit_id: str) -> dict[str, str]:
    doc = await harness.runtime.db["receivables"].find_one({"_id": permit_id})
    return {lid: ln["status"] for lid, ln in doc["lines"].items()}


async def test_cart_of_three_permits_paid_on_the_hosted_page(harness: Any) -> None:
    """R-PAY-3/5: the summary's total goes to the provider; the payer approves on
    the sandbox's page; only the signed webhook settles; one receipt, one event."""
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    await harness.assess("p2", "WEB16-0101", [("MECHANICAL PERMIT", 9600)])
    await harness.assess("p3", "ELEC16-0007", [("ELECTRICAL PERMIT", 5025), ("PLANNING", 1000)])
    rich = contractor(harness)
    await fill_cart(harness, rich, "p1", "p2", "p3")

    r = await checkout(harness, rich, "k-1")
    assert r.status_code == 201, r.text
    pay = r.json()
    fees = 102398 + 9600 + 6025
    fee = round(fees * 3 / 100)  # 3 % of 1,180.23 = 35.4069 → 35.41
    assert pay["fees"] == "1180.23" and pay["convenience_fee"] == "35.41"
    assert pay["total"] == f"{(fees + fee) / 100:.2f}" == "1215.64"
    assert pay["status"] == "PENDING" and pay["hosted_url"].startswith("http://sandbox/pay/")
    assert [i["number"] for i in pay["items"]] == ["RES16-0688", "WEB16-0101", "ELEC16-0007"]
    assert len(await harness.outbox("CheckoutStarted")) == 1

    back = await harness.pay_on_page(pay, "approve", method="card")
    assert back.status_code == 303
    assert back.headers["location"].startswith("http://127.0.0.1:8000/v1/payments/return")
    # the return alone settles nothing
    assert (await payment(harness, rich, pay["id"]))["status"] == "PENDING"

    assert await harness.sandbox.deliver_due() == 1
    done = await payment(harness, rich, pay["id"])
    assert done["status"] == "SETTLED"
    assert done["receipt_number"] == f"R{harness.clock.now().year}-000001"
    assert set((await receivable_lines(harness, "p1")).values()) == {"paid"}
    assert set((await receivable_lines(harness, "p3")).values()) == {"paid"}
    settled = await harness.outbox("PaymentSettled")
    assert len(settled) == 1
    event = settled[0]
    assert event["method"] == "card" and event["convenience_fee_minor"] == 3541
    assert event["receipt_number"] == done["receipt_number"]
    assert event["payer_email"] == "rich@example.org"
    assert event["rounding_rule"] == "half-up-cent-once-per-line.v1"
    assert {a["permit_id"]: a["amount_minor"] for a in event["allocations"]} == {
        "p1": 102398,
        "p2": 9600,
        "p3": 6025,
    }
    cart = (await harness.http.get("/v1/jurisdictions/alpha/cart", headers=rich)).json()
    assert cart["permits"] == []
    paid = (await harness.http.get("/v1/jurisdictions/alpha/payments", headers=rich)).json()
    assert [p["id"] for p in paid["items"]] == [pay["id"]]
    receipt = await harness.http.get(
        f"/v1/jurisdictions/alpha/payments/{pay['id']}/receipt", headers=rich
    )
    assert receipt.status_code == 200 and receipt.json()["total"] == "1215.64"


async def test_idempotency_key_same_different_missing_and_concurrent(harness: Any) -> None:
    """Same key + body → the same checkout; another body → 422; none → 400; a
    duplicate while the first is still running → 409."""
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    rich = contractor(harness)
    await fill_cart(harness, rich, "p1")

    missing = await harness.http.post(
        "/v1/jurisdictions/alpha/checkout", headers=rich, json={"method": "card"}
    )
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["loc"][-1] == "Idempotency-Key"

    # hold the first request inside the provider call
    provider = harness.app.state.payments.service.accounts.default.provider
    gate, entered = asyncio.Event(), asyncio.Event()
    real_create = provider.create_checkout

    async def slow_create(request: Any) -> Any:
        entered.set()
        await gate.wait()
        return await real_create(request)

    provider.create_checkout = slow_create
    first = asyncio.create_task(checkout(harness, rich, "k-1"))
    await entered.wait()  # the first request committed its payment and is at the provider
    duplicate = await checkout(harness, rich, "k-1")
    assert duplicate.status_code == 409
    assert duplicate.json()["type"].endswith("idempotency-key-in-progress")
    gate.set()
    made = await first
    assert made.status_code == 201

    again = await checkout(harness, rich, "k-1")
    assert again.status_code == 201 and again.json()["id"] == made.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    other_body = await checkout(harness, rich, "k-1", method="echeck")
    assert other_body.status_code == 422
    assert other_body.json()["errors"][0]["loc"][-1] == "Idempotency-Key"
    assert await harness.runtime.db["payments"].count_documents({}) == 1
    assert len(await harness.outbox("CheckoutStarted")) == 1


async def test_concurrent_checkouts_of_the_same_fees_one_wins(harness: Any) -> None:
    """R-PAY-5: an open checkout holds its lines; the other payer is refused
    before any charge; after the hold expires the lines are free again."""
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    rich = contractor(harness)
    pat = harness.token("alpha", "community_member", email="pat@example.org")
    await fill_cart(harness, rich, "p1")
    await fill_cart(harness, pat, "p1")

    results = await asyncio.gather(checkout(harness, rich, "r-1"), checkout(harness, pat, "p-1"))
    assert sorted(r.status_code for r in results) == [201, 409]
    refused = next(r for r in results if r.status_code == 409)
    assert refused.json()["type"].endswith("fees-reserved")
    assert await harness.runtime.db["payments"].count_documents({}) == 1
    assert await harness.runtime.db["reservations"].count_documents({}) == len(RES16_0688)

    harness.clock.advance(timedelta(minutes=31))  # the winner never paid
    loser = "community_member" if results[0].status_code == 201 else "contractor"
    email = "pat@example.org" if loser == "community_member" else "rich@example.org"
    later = await checkout(
        harness, harness.token("alpha", loser, email=email, companies=["c1"]), "again"
    )
    assert later.status_code == 201, later.text


async def test_decline_and_cancel_release_the_fees(harness: Any) -> None:
    """A declined or canceled payment: FAILED, PaymentFailed, lines free at once."""
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    rich = contractor(harness)
    await fill_cart(harness, rich, "p1")
    pay = (await checkout(harness, rich, "k-1")).json()
    assert (await harness.pay_on_page(pay, "decline")).status_code == 303
    assert await harness.sandbox.deliver_due() == 1
    failed = await payment(harness, rich, pay["id"])
    assert failed["status"] == "FAILED" and failed["failure_reason"] == "declined"
    assert await harness.runtime.db["reservations"].count_documents({}) == 0
    assert [e["reason"] for e in await harness.outbox("PaymentFailed")] == ["declined"]

    pay2 = (await checkout(harness, rich, "k-2", method="echeck")).json()
    assert pay2["total"] == "1025.48"  # e-check: $1.50 flat
    await harness.pay_on_page(pay2, "cancel")
    await harness.sandbox.deliver_due()
    assert (await payment(harness, rich, pay2["id"]))["failure_reason"] == "canceled"
    assert set((await receivable_lines(harness, "p1")).values()) == {"open"}


async def test_webhook_bad_signature_stale_and_replayed_change_nothing(harness: Any) -> None:
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    rich = contractor(harness)
    await fill_cart(harness, rich, "p1")
    pay = (await checkout(harness, rich, "k-1")).json()
    checkout_id = pay["hosted_url"].rsplit("/", 1)[-1]
    body, headers = signed(success_event(pay, "evt_1", checkout_id), harness)

    forged = {signing.HEADER: signing.sign("not-the-secret", body, harness.clock.now())}
    r = await harness.http.post(WEBHOOK, content=body, headers=forged)
    assert r.status_code == 400 and r.json()["type"].endswith("invalid-webhook")
    r = await harness.http.post(WEBHOOK, content=body)
    assert r.status_code == 400  # no signature at all
    tampered = body.replace(b'"amount_minor": 105470', b'"amount_minor": 1')
    r = await harness.http.post(WEBHOOK, content=tampered, headers=headers)
    assert r.status_code == 400
    stale_body, stale = signed(
        success_event(pay, "evt_2", checkout_id),
        harness,
        harness.clock.now() - timedelta(minutes=6),
    )
    r = await harness.http.post(WEBHOOK, content=stale_body, headers=stale)
    assert r.status_code == 400 and "replay window" in r.json()["detail"]
    assert (await payment(harness, rich, pay["id"]))["status"] == "PENDING"
    assert await harness.outbox("PaymentSettled") == []

    r = await harness.http.post(WEBHOOK, content=body, headers=headers)
    assert r.json() == {"result": "settled"}
    r = await harness.http.post(WEBHOOK, content=body, headers=headers)  # replayed
    assert r.status_code == 200 and r.json() == {"result": "duplicate"}
    harness.clock.advance(timedelta(minutes=6))
    r = await harness.http.post(WEBHOOK, content=body, headers=headers)  # replayed later
    assert r.status_code == 400
    assert len(await harness.outbox("PaymentSettled")) == 1


async def test_same_webhook_five_times_and_out_of_order_settles_once(harness: Any) -> None:
    """The sandbox delivers every event 5 times, shuffled; a cancel arriving after the
    success (out of order) does not undo it."""
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    rich = contractor(harness)
    await fill_cart(harness, rich, "p1")
    pay = (await checkout(harness, rich, "k-1")).json()
    harness.sandbox.settings = harness.sandbox.settings.model_copy(update={"copies": 5})
    await harness.pay_on_page(pay, "approve")
    checkout_id = pay["hosted_url"].rsplit("/", 1)[-1]
    late_cancel = {
        "id": "evt_cancel",
        "type": "checkout.canceled",
        "data": {"checkout_id": checkout_id, "payment_id": pay["id"], "amount_minor": 105470},
    }
    # five shuffled copies, taken by three concurrent delivery loops
    await asyncio.gather(*(harness.sandbox.deliver_due() for _ in range(3)))
    assert await harness.sandbox.db["webhooks"].count_documents({"delivered": True}) == 5
    body, headers = signed(late_cancel, harness)  # an older event, arriving last
    r = await harness.http.post(WEBHOOK, content=body, headers=headers)
    assert r.json() == {"result": "ignored"}
    done = await payment(harness, rich, pay["id"])
    assert done["status"] == "SETTLED"
    assert len(await harness.outbox("PaymentSettled")) == 1
    assert await harness.outbox("PaymentFailed") == []
    assert await harness.runtime.db["webhook_events"].count_documents({}) == 2


async def test_webhook_delivery_is_retried_until_acknowledged(harness: Any) -> None:
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    rich = contractor(harness)
    await fill_cart(harness, rich, "p1")
    pay = (await checkout(harness, rich, "k-1")).json()
    await harness.pay_on_page(pay, "approve")
    real_url = harness.sandbox.settings.webhook_url
    harness.sandbox.settings = harness.sandbox.settings.model_copy(
        update={"webhook_url": "http://payments/v1/webhooks/payments/nowhere"}
    )
    assert await harness.sandbox.deliver_due() == 0  # 404: not acknowledged
    harness.sandbox.settings = harness.sandbox.settings.model_copy(update={"webhook_url": real_url})
    assert await harness.sandbox.deliver_due() == 0  # not due again yet
    harness.clock.advance(timedelta(seconds=2))
    assert await harness.sandbox.deliver_due() == 1
    assert (await payment(harness, rich, pay["id"]))["status"] == "SETTLED"


async def test_lost_webhook_settled_by_reconciliation(harness: Any) -> None:
    """R-PAY-5: money taken, webhook lost → the leased job asks the provider."""
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    rich = contractor(harness)
    await fill_cart(harness, rich, "p1")
    pay = (await checkout(harness, rich, "k-1")).json()
    await harness.pay_on_page(pay, "approve", webhook="drop")
    reconciler = harness.runtime.extras["reconciler"]
    assert await reconciler.run_once() == {}  # not pending long enough yet
    harness.clock.advance(timedelta(minutes=11))
    assert await reconciler.run_once() == {"settled": 1}
    rich = contractor(harness)
    assert (await payment(harness, rich, pay["id"]))["status"] == "SETTLED"
    assert len(await harness.outbox("PaymentSettled")) == 1
    assert await reconciler.run_once() == {}


async def test_abandoned_checkout_expires_through_reconciliation(harness: Any) -> None:
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    rich = contractor(harness)
    await fill_cart(harness, rich, "p1")
    pay = (await checkout(harness, rich, "k-1")).json()
    reconciler = harness.runtime.extras["reconciler"]
    harness.clock.advance(timedelta(minutes=11))
    assert await reconciler.run_once() == {"pending": 1}  # still on the page
    harness.clock.advance(timedelta(minutes=20))
    assert await reconciler.run_once() == {"failed": 1}
    rich = contractor(harness)
    assert (await payment(harness, rich, pay["id"]))["failure_reason"] == "expired"
    assert await harness.runtime.db["reservations"].count_documents({}) == 0
    page = await harness.sandbox_http.get(pay["hosted_url"].removeprefix("http://sandbox"))
    assert "expired" in page.text  # the provider no longer takes money for it


async def test_two_payers_charged_for_the_same_fees_one_is_refunded(harness: Any) -> None:
    """R-PAY-5: A paid but the webhook was lost and A's hold ran out; B paid the
    same fees. When A's payment is found, it is refunded automatically, the
    fees are paid once, and both payers are named in the refund event."""
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    rich = contractor(harness)
    pat = harness.token("alpha", "community_member", email="pat@example.org")
    await fill_cart(harness, rich, "p1")
    await fill_cart(harness, pat, "p1")
    first = (await checkout(harness, rich, "r-1")).json()
    await harness.pay_on_page(first, "approve", webhook="drop")
    harness.clock.advance(timedelta(minutes=31))
    rich = contractor(harness)
    pat = harness.token("alpha", "community_member", email="pat@example.org")
    second = (await checkout(harness, pat, "p-1")).json()
    await harness.pay_on_page(second, "approve")
    await harness.sandbox.deliver_due()
    assert (await payment(harness, pat, second["id"]))["status"] == "SETTLED"

    assert await harness.runtime.extras["reconciler"].run_once() == {"refunding": 1}
    loser = await payment(harness, rich, first["id"])
    assert loser["status"] == "REFUNDED" and loser["receipt_number"] is None
    assert loser["refunds"][0]["automatic"] and loser["refunds"][0]["amount"] == "1054.70"
    refunded = await harness.outbox("PaymentRefunded")
    assert len(refunded) == 1 and refunded[0]["automatic"] is True
    assert refunded[0]["allocations"] == []  # it never paid a line
    assert refunded[0]["payer_email"] == "rich@example.org"
    assert refunded[0]["other_payer_email"] == "pat@example.org"
    assert len(await harness.outbox("PaymentSettled")) == 1
    sandbox_refunds = await harness.sandbox.db["refunds"].count_documents({})
    assert sandbox_refunds == 1


async def test_online_payments_off_is_refused_clearly(harness: Any) -> None:
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    rich = contractor(harness)
    await fill_cart(harness, rich, "p1")
    await harness.configure(online_payments=False)
    r = await checkout(harness, rich, "k-1")
    assert r.status_code == 403 and r.json()["type"].endswith("online-payments-off")
    assert await harness.runtime.db["payments"].count_documents({}) == 0


async def test_empty_cart_and_unknown_method(harness: Any) -> None:
    await harness.configure()
    rich = contractor(harness)
    r = await checkout(harness, rich, "k-1")
    assert r.status_code == 422 and r.json()["errors"][0]["loc"][-1] == "cart"
    r = await checkout(harness, rich, "k-2", method="bitcoin")
    assert r.status_code == 422 and r.json()["errors"][0]["loc"][-1] == "method"


async def test_success_arriving_after_a_failure_still_settles(harness: Any) -> None:
    """Out of order the other way: money taken is never left unapplied."""
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    rich = contractor(harness)
    await fill_cart(harness, rich, "p1")
    pay = (await checkout(harness, rich, "k-1")).json()
    checkout_id = pay["hosted_url"].rsplit("/", 1)[-1]
    failure = {
        "id": "evt_declined",
        "type": "checkout.declined",
        "data": {"checkout_id": checkout_id, "payment_id": pay["id"], "amount_minor": 105470},
    }
    body, headers = signed(failure, harness)
    assert (await harness.http.post(WEBHOOK, content=body, headers=headers)).json() == {
        "result": "failed"
    }
    body, headers = signed(success_event(pay, "evt_ok", checkout_id), harness)
    assert (await harness.http.post(WEBHOOK, content=body, headers=headers)).json() == {
        "result": "settled"
    }
    assert (await payment(harness, rich, pay["id"]))["status"] == "SETTLED"
    assert len(await harness.outbox("PaymentSettled")) == 1


async def test_fee_borne_by_the_jurisdiction_and_rule_recorded(harness: Any) -> None:
    """R-PAY-4: a method whose convenience fee the jurisdiction absorbs charges
    the payer the fees only; the configured rounding rule is on the payment."""
    await harness.configure(
        rounding_rule="half-even-cent-once-per-line.v1",
        methods=[{"code": "card", "label": "Card", "fee_percent": "3", "borne_by": "jurisdiction"}],
    )
    await harness.assess("p1", "RES16-0688", RES16_0688)
    rich = contractor(harness)
    await fill_cart(harness, rich, "p1")
    summary = (
        await harness.http.get("/v1/jurisdictions/alpha/cart?method=card", headers=rich)
    ).json()
    assert (summary["convenience_fee"], summary["total_due"]) == ("0.00", "1023.98")
    pay = (await checkout(harness, rich, "k-1")).json()
    assert pay["total"] == "1023.98"
    assert pay["rounding_rule"] == "half-even-cent-once-per-line.v1"
    wrong = await harness.sandbox_http.post(
        pay["hosted_url"].removeprefix("http://sandbox"),
        data={"action": "approve", "method": "echeck"},
    )
    assert wrong.status_code == 422  # the page pays the method the fee was computed for
