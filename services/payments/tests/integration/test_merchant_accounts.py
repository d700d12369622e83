"""Per-jurisdiction merchant accounts (issue 25): each jurisdiction's fees are
paid into its own provider account with its own keys; its webhooks are
verified with its own secret; a payment stays with the account that took it;
the keys are stored sealed and never shown again."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from payments.adapters.providers import signing

pytestmark = pytest.mark.integration

PLATFORM = {"Authorization": "Bearer sbx-test-api-key"}  # the sandbox's platform key


async def open_sandbox_account(harness: Any, jid: str) -> dict[str, str]:
    """What a county's treasurer does at the provider: an account of its own,
    whose webhooks go to the address payments gives for it."""
    r = await harness.sandbox_http.post(
        "/v1/accounts",
        headers=PLATFORM,
        json={
            "name": f"{jid} treasurer",
            "webhook_url": f"http://payments/v1/webhooks/payments/sandbox/{jid}",
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def set_account(harness: Any, jid: str, account: dict[str, str]) -> Any:
    admin = harness.token(jid, "staff", roles=["admin"])
    return await harness.http.put(
        f"/v1/jurisdictions/{jid}/merchant-account",
        headers=admin,
        json={
            "provider": "sandbox",
            "api_key": account["api_key"],
            "webhook_secret": account["webhook_secret"],
            "label": f"{jid} treasurer",
        },
    )


async def pay(harness: Any, jid: str, permit_id: str) -> dict[str, Any]:
    rich = harness.token(jid, "contractor", email="rich@example.org", companies=["c1"])
    r = await harness.http.post(
        f"/v1/jurisdictions/{jid}/cart/items", headers=rich, json={"permit_id": permit_id}
    )
    assert r.status_code == 204, r.text
    r = await harness.http.post(
        f"/v1/jurisdictions/{jid}/checkout",
        headers={**rich, "Idempotency-Key": f"k-{jid}"},
        json={"method": "card"},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def status(harness: Any, jid: str, payment_id: str) -> str:
    admin = harness.token(jid, "staff", roles=["admin"])
    r = await harness.http.get(f"/v1/jurisdictions/{jid}/payments/{payment_id}", headers=admin)
    return str(r.json()["status"])


async def test_two_jurisdictions_are_paid_into_their_own_accounts_at_once(harness: Any) -> None:
    accounts = {jid: await open_sandbox_account(harness, jid) for jid in ("alpha", "beta")}
    for jid, account in accounts.items():
        r = await set_account(harness, jid, account)
        assert r.status_code == 200, r.text
        shown = r.json()
        assert shown["api_key_hint"] == "…" + account["api_key"][-4:]
        assert shown["webhook_path"] == f"/v1/webhooks/payments/sandbox/{jid}"
        assert account["api_key"] not in r.text and account["webhook_secret"] not in r.text
        await harness.configure(jid)
        await harness.assess(f"p-{jid}", f"RES26-{jid}", [("BUILDING PERMIT FEE", 65075)], jid=jid)
    stored = json.dumps(await harness.runtime.db["merchant_accounts"].find().to_list(), default=str)
    for account in accounts.values():  # sealed at rest
        assert account["api_key"] not in stored and account["webhook_secret"] not in stored

    paid = dict(
        zip(
            ["alpha", "beta"],
            await asyncio.gather(pay(harness, "alpha", "p-alpha"), pay(harness, "beta", "p-beta")),
            strict=True,
        )
    )
    for jid, payment in paid.items():
        checkout = await harness.sandbox.db["checkouts"].find_one({"payment_id": payment["id"]})
        assert checkout["account_id"] == accounts[jid]["id"]  # its own account took it
        await harness.pay_on_page(payment, "approve", method="card")
    assert await harness.sandbox.deliver_due() == 2  # each signed with its account's secret
    for jid, payment in paid.items():
        assert await status(harness, jid, payment["id"]) == "SETTLED"

    # a refund goes back through the account that took the payment
    cashier = harness.token("alpha", "staff", roles=["cashier"])
    r = await harness.http.post(
        f"/v1/jurisdictions/alpha/payments/{paid['alpha']['id']}/refunds",
        headers={**cashier, "Idempotency-Key": "refund-alpha"},
        json={"reason": "permit withdrawn"},
    )
    assert r.status_code == 201 and r.json()["status"] == "DONE", r.text
    taken = await harness.sandbox.db["checkouts"].find_one({"payment_id": paid["alpha"]["id"]})
    assert taken["refunded_minor"] > 0


async def test_a_webhook_signed_with_another_jurisdictions_secret_is_refused(
    harness: Any,
) -> None:
    accounts = {jid: await open_sandbox_account(harness, jid) for jid in ("alpha", "beta")}
    for jid, account in accounts.items():
        assert (await set_account(harness, jid, account)).status_code == 200
    await harness.configure("alpha")
    await harness.assess("p1", "RES26-0001", [("BUILDING PERMIT FEE", 65075)])
    payment = await pay(harness, "alpha", "p1")
    body = json.dumps(
        {
            "id": "evt_forged",
            "type": "checkout.succeeded",
            "data": {
                "checkout_id": "cs_x",
                "payment_id": payment["id"],
                "amount_minor": int(payment["total"].replace(".", "")),
                "currency": "USD",
                "method": "card",
            },
        }
    ).encode()

    def signed_by(jid: str) -> dict[str, str]:
        header = signing.sign(accounts[jid]["webhook_secret"], body, harness.clock.now())
        return {signing.HEADER: header, "Content-Type": "application/json"}

    forged = await harness.http.post(
        "/v1/webhooks/payments/sandbox/alpha", content=body, headers=signed_by("beta")
    )
    assert forged.status_code == 400 and forged.json()["type"].endswith("/invalid-webhook")
    # beta's own address, beta's secret — but alpha's payment: not beta's to settle
    elsewhere = await harness.http.post(
        "/v1/webhooks/payments/sandbox/beta", content=body, headers=signed_by("beta")
    )
    assert elsewhere.json() == {"result": "unknown-payment"}
    # the installation's address and secret: alpha's payments are not the installation's
    installation = await harness.http.post(
        "/v1/webhooks/payments/sandbox",
        content=body,
        headers={
            signing.HEADER: signing.sign("whsec-test-secret", body, harness.clock.now()),
            "Content-Type": "application/json",
        },
    )
    assert installation.status_code == 400
    assert installation.json()["type"].endswith("/wrong-account")
    assert await status(harness, "alpha", payment["id"]) == "PENDING"


async def test_only_the_jurisdictions_admin_sees_or_changes_its_account(harness: Any) -> None:
    account = await open_sandbox_account(harness, "alpha")
    first = await set_account(harness, "alpha", account)
    again = await set_account(harness, "alpha", account)  # a retried request: one effect
    assert first.status_code == again.status_code == 200
    assert first.json()["account_id"] == again.json()["account_id"]
    path = "/v1/jurisdictions/alpha/merchant-account"
    cashier = harness.token("alpha", "staff", roles=["cashier"])
    assert (await harness.http.get(path, headers=cashier)).status_code == 403
    other_admin = harness.token("beta", "staff", roles=["admin"])
    assert (await harness.http.get(path, headers=other_admin)).status_code == 404
    admin = harness.token("alpha", "staff", roles=["admin"])
    seen = await harness.http.get(path, headers=admin)
    assert seen.status_code == 200 and "api_key" not in seen.json()
    short = await harness.http.put(
        path, headers=admin, json={"api_key": "short", "webhook_secret": "also-short"}
    )
    assert short.status_code == 422 and {e["field"] for e in short.json()["errors"]} == {
        "api_key",
        "webhook_secret",
    }
    assert (await harness.http.delete(path, headers=admin)).status_code == 204
    assert (await harness.http.get(path, headers=admin)).status_code == 404  # the installation's
    assert (await harness.http.delete(path, headers=admin)).status_code == 404
