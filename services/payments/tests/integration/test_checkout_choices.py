"""What the payer chooses and leaves (issue 23, defects 1 and 5; R-PAY-4/5):
each method's own total, only the total shown charged, and an abandoned
checkout the payer cancels."""

from __future__ import annotations

from typing import Any

import pytest

from .test_checkout import RES16_0688, checkout, contractor, fill_cart

pytestmark = pytest.mark.integration


async def test_each_method_shows_its_total_and_only_the_total_shown_is_charged(
    harness: Any,
) -> None:
    """R-PAY-4 (issue 23, defect 1: the method charged was not the one chosen):
    the summary offers every method with the fee and total it would charge; a
    checkout names the total the payer saw, and one that no longer matches the
    cart for that method is a 409 that creates nothing."""
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    rich = contractor(harness)
    await fill_cart(harness, rich, "p1")
    cart = (await harness.http.get("/v1/jurisdictions/alpha/cart", headers=rich)).json()
    offers = {m["code"]: (m["convenience_fee"], m["total_due"]) for m in cart["methods"]}
    assert offers == {"card": ("30.72", "1054.70"), "echeck": ("1.50", "1025.48")}

    card_total = next(m["total_due_minor"] for m in cart["methods"] if m["code"] == "card")
    refused = await harness.http.post(
        "/v1/jurisdictions/alpha/checkout",
        headers={**rich, "Idempotency-Key": "k-shown-1"},
        json={"method": "echeck", "expected_total_minor": card_total},
    )
    assert refused.status_code == 409 and refused.json()["type"].endswith("/total-changed")
    assert "1025.48 USD" in refused.json()["detail"]
    assert await harness.runtime.db["payments"].count_documents({}) == 0

    paid = await harness.http.post(
        "/v1/jurisdictions/alpha/checkout",
        headers={**rich, "Idempotency-Key": "k-shown-2"},
        json={"method": "echeck", "expected_total_minor": 102548},
    )
    assert paid.status_code == 201, paid.text
    assert paid.json()["total"] == "1025.48" and paid.json()["method"] == "echeck"
    # the receipt names the method as it was offered (issue 23, defect 11), and the
    # provider's reference of the transaction
    assert paid.json()["method_label"] == "Electronic Check - $1.50"
    assert paid.json()["provider_reference"]


async def test_the_payer_cancels_an_abandoned_checkout_and_pays_again(harness: Any) -> None:
    """Issue 23, defect 5 (R-PAY-5): a payer who left the provider's page
    unfinished found the fees held by a payment still open, with no way out
    but to wait. They cancel it: the page expires at the provider (it can take
    nothing now), the payment fails as cancelled, and the fees are payable
    again. Only the payer may, only while it is open."""
    await harness.configure()
    await harness.assess("p1", "RES16-0688", RES16_0688)
    rich = contractor(harness)
    await fill_cart(harness, rich, "p1")
    left = (await checkout(harness, rich, "k-left")).json()
    assert left["status"] == "PENDING"
    blocked = await checkout(harness, rich, "k-again")
    assert blocked.status_code == 409  # its fees are in the open payment

    url = f"/v1/jurisdictions/alpha/payments/{left['id']}/cancel"
    other = contractor(harness, email="eve@example.org")
    assert (await harness.http.post(url, headers=other)).status_code == 404
    cancelled = await harness.http.post(url, headers=rich)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "FAILED"
    assert cancelled.json()["failure_reason"] == "canceled"
    assert await harness.runtime.db["reservations"].count_documents({}) == 0
    late = await harness.pay_on_page(left, "approve")  # the old page takes nothing now
    assert late.status_code >= 400
    assert (await harness.http.post(url, headers=rich)).status_code == 409

    again = await checkout(harness, rich, "k-after")
    assert again.status_code == 201, again.text
    assert again.json()["total"] == left["total"]
