"""R-PAY-5 under a crash: the payments process dies after the settlement
commits and before PaymentSettled is published. After a restart the event is
published once, the provider's retried webhook changes nothing, and the
permit is paid once. Real processes: sandbox provider, payments, permits,
a JWKS file server; the session's real broker and database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from devstack.testing import ServiceProcess, TestScope, eventually_sync, read_records
from devstack.testing.tokens import LocalIssuer
from pymongo import MongoClient

pytestmark = pytest.mark.e2e

ISSUER = LocalIssuer()
API_KEY, SECRET = "crash-test-sandbox-key", "crash-test-webhook-secret"
SETTLED = b"permitsuite.payments.PaymentSettled.v1"


def token(kind: str, email: str, roles: list[str] | None = None) -> dict[str, str]:
    return ISSUER.headers("alpha", kind, email=email, roles=roles, companies=["c1"])


@pytest.fixture
def stack(scope: TestScope, log_dir: Path, tmp_path: Path) -> Iterator[dict[str, Any]]:
    asyncio.run(scope.create_topics())
    with ISSUER.serve_jwks(tmp_path, log_dir) as jwks_url:
        yield from _stack(scope, log_dir, jwks_url)


def _stack(scope: TestScope, log_dir: Path, jwks_url: str) -> Iterator[dict[str, Any]]:
    payments = ServiceProcess(
        "payments",
        "payments",
        env_prefix="PAYMENTS_",
        log_dir=log_dir,
        env=scope.service_env(
            "PAYMENTS_",
            "payments",
            jwks_url=jwks_url,
            provider_api_key=API_KEY,
            webhook_secret=SECRET,
        ),
    )
    sandbox = ServiceProcess(
        "sandboxpay",
        "sandboxpay",
        env_prefix="SANDBOXPAY_",
        log_dir=log_dir,
        env={
            "SANDBOXPAY_MONGODB_URL": scope.infra.mongodb_url,
            "SANDBOXPAY_DATABASE": f"{scope.database}_sandbox",
            "SANDBOXPAY_API_KEY": API_KEY,
            "SANDBOXPAY_WEBHOOK_SECRET": SECRET,
            "SANDBOXPAY_WEBHOOK_URL": f"{payments.url}/v1/webhooks/payments/sandbox",
            "SANDBOXPAY_RETRY_BASE_SECONDS": "0.5",
            "SANDBOXPAY_RETRY_MAX_SECONDS": "2",
        },
    )
    payments.env["PAYMENTS_SANDBOX_URL"] = sandbox.url
    permits = ServiceProcess(
        "permits",
        "permits",
        env_prefix="PERMITS_",
        log_dir=log_dir,
        env=scope.service_env("PERMITS_", "permits", jwks_url=jwks_url),
    )
    started = [sandbox.start(), permits.start()]
    try:
        yield {"payments": payments, "sandbox": sandbox, "permits": permits, "scope": scope}
    finally:
        for proc in (payments, *started):
            proc.stop()


def test_payment_settled_once_after_a_crash_before_publishing(stack: dict[str, Any]) -> None:
    payments, permits = stack["payments"], stack["permits"]
    scope: TestScope = stack["scope"]
    # the payments process dies right after committing a settlement
    payments.start(
        extra_env={"PERMITSUITE_FAILPOINTS": "after_commit_before_publish:" + SETTLED.decode()}
    )
    admin = token("staff", "admin@example.org", ["admin"])
    rich = token("contractor", "rich@example.org")
    r = httpx.put(
        f"{payments.url}/v1/jurisdictions/alpha/payment-settings",
        headers=admin,
        json={"online_payments": True, "methods": [{"code": "card", "label": "Card"}]},
    )
    assert r.status_code == 200, r.text
    base = f"{permits.url}/v1/jurisdictions/alpha"
    r = httpx.put(
        f"{base}/permit-types/RES",
        headers=admin,
        json={
            "name": "RESIDENTIAL",
            "number_format": "RES{yy}-{seq:04}",
            "fee_schedule": [{"code": "PLAN", "name": "PLANNING", "amount": "35.00"}],
        },
    )
    assert r.status_code == 200, r.text
    permit = httpx.post(
        f"{base}/permits",
        headers=admin,
        json={
            "type_code": "RES",
            "site": {"street": "1968 E Dodd Rd", "city": "Meridian", "state": "ID", "zip": "83642"},
            "applicant": {"name": "Rich", "email": "rich@example.org"},
            "company_ids": ["c1"],
        },
    ).json()
    for step in ("IN_REVIEW", "PENDING_APPROVAL"):
        permit = httpx.post(
            f"{base}/permits/{permit['id']}/transitions",
            headers=admin,
            json={"to": step, "version": permit["version"]},
        ).json()
    r = httpx.post(
        f"{base}/permits/{permit['id']}/fees",
        headers={**admin, "Idempotency-Key": f"assess-{permit['id']}"},
        json={"items": [{"code": "PLAN"}]},
    )
    assert r.status_code == 200, r.text

    def in_cart() -> bool:
        return (
            httpx.post(
                f"{payments.url}/v1/jurisdictions/alpha/cart/items",
                headers=rich,
                json={"permit_id": permit["id"]},
            ).status_code
            == 204
        )

    eventually_sync(in_cart, what="payments saw FeeAssessed")
    pay = httpx.post(
        f"{payments.url}/v1/jurisdictions/alpha/checkout",
        headers={**rich, "Idempotency-Key": "crash-1"},
        json={"method": "card"},
    ).json()
    approved = httpx.post(pay["hosted_url"], data={"action": "approve"})
    assert approved.status_code == 303
    assert payments.wait_exit(timeout=30) == 137  # died at the fail point

    topic = scope.topic("payments.events")
    bootstrap = scope.infra.kafka_bootstrap

    def settled_records(settle: float = 0.0) -> list[Any]:
        records = asyncio.run(
            read_records(bootstrap, topic, count=10_000, timeout=2, settle=settle)
        )
        return [r for r in records if dict(r.headers)["ce_type"] == SETTLED]

    assert settled_records() == []  # committed, not yet published

    payments.start()  # the relay takes the outbox document once its lease runs out
    eventually_sync(lambda: len(settled_records()) >= 1, what="PaymentSettled published")

    def permit_paid() -> bool:
        doc = httpx.get(f"{base}/permits/{permit['id']}", headers=admin).json()
        return doc["status"] == "READY_TO_ISSUE"

    eventually_sync(permit_paid, what="the permit paid")
    # the sandbox kept retrying its webhook until the restarted payments
    # acknowledged it (as a duplicate of the settlement it had committed)
    webhooks = MongoClient(scope.infra.mongodb_url)[f"{scope.database}_sandbox"]["webhooks"]
    eventually_sync(
        lambda: webhooks.count_documents({"delivered": True}) == 1, what="webhook acknowledged"
    )
    assert webhooks.find_one()["attempts"] >= 2
    r = httpx.get(f"{payments.url}/v1/jurisdictions/alpha/payments/{pay['id']}", headers=rich)
    assert r.json()["status"] == "SETTLED"
    assert len(settled_records(settle=2.0)) == 1
    doc = httpx.get(f"{base}/permits/{permit['id']}", headers=admin).json()
    assert [f["status"] for f in doc["fees"]] == ["paid"]
    assert [h["to"] for h in doc["history"]].count("READY_TO_ISSUE") == 1
