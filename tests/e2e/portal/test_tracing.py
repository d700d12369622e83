"""One trace follows a payment across the suite (issue 25): the checkout
through the gateway to payments, the provider's webhook settling it (the
payment keeps its checkout's trace), permits issuing the permit when its
fees are paid, and notifications sending the receipt — every process
exporting its spans over OTLP to the collector this test runs."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from devstack.testing import eventually_sync
from devstack.testing.otlp import OtlpCollector

from .conftest import RESIDENT, permit_with_fees

pytestmark = pytest.mark.e2e
SETTLED = "permitsuite.payments.PaymentSettled.v1"


def _pay(suite: Any, number: str, traceparent: str) -> dict[str, Any]:
    """The resident pays through the API, the checkout sent in the trace
    ``traceparent`` names (a W3C header, as a caller that traces sends it)."""
    resident = suite.login(RESIDENT)
    base = f"{suite.gateway}/v1/jurisdictions/demo"
    rows: list[dict[str, Any]] = []

    def due() -> bool:  # payments learns the fees from permits' event
        found = httpx.get(f"{base}/dashboard/permits", headers=resident, timeout=30).json()
        rows[:] = [r for r in found["items"] if r["number"] == number and r["fees_due"] != "0.00"]
        return bool(rows)

    eventually_sync(due, timeout=30, what=f"{number}'s fees due")

    def added() -> bool:
        r = httpx.post(
            f"{base}/cart/items", headers=resident, json={"permit_id": rows[0]["id"]}, timeout=30
        )
        return r.status_code == 204

    eventually_sync(added, timeout=30, what=f"{number} in the cart")
    checkout = httpx.post(
        f"{base}/checkout",
        headers={**resident, "Idempotency-Key": uuid.uuid4().hex, "traceparent": traceparent},
        json={"method": "card"},
        timeout=30,
    )
    assert checkout.status_code == 201, checkout.text
    payment = dict(checkout.json())
    paid = httpx.post(payment["hosted_url"], data={"action": "approve", "method": "card"})
    assert paid.status_code == 303, paid.text  # the payer approves on the provider's page
    return {**payment, "permit_id": rows[0]["id"]}


def test_one_trace_from_checkout_to_the_permit_issued_and_the_receipt_email(
    suite: Any, traces: OtlpCollector
) -> None:
    number = permit_with_fees(suite, "9 Trace Lane")
    staff = suite.login("admin@demo.example.org")
    found = httpx.get(
        f"{suite.gateway}/v1/jurisdictions/demo/permit-search",
        params={"number": number},
        headers=staff,
        timeout=30,
    ).json()["items"]
    permit_url = f"{suite.gateway}/v1/jurisdictions/demo/permits/{found[0]['id']}"
    for step in ("IN_REVIEW", "PENDING_APPROVAL", "AWAITING_PAYMENT"):  # reviewed, then due
        version = httpx.get(permit_url, headers=staff, timeout=30).json()["version"]
        moved = httpx.post(
            f"{permit_url}/transitions",
            headers=staff,
            json={"to": step, "version": version},
            timeout=30,
        )
        assert moved.status_code == 200, moved.text
    trace_id = uuid.uuid4().hex  # this test's own trace: the other tests' checkouts are not it
    _pay(suite, number, f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01")

    def issued() -> bool:
        return httpx.get(permit_url, headers=staff, timeout=30).json()["status"] == "ISSUED"

    eventually_sync(issued, timeout=60, what=f"{number} issued once paid")

    wanted = {
        ("permitsuite-gateway", "POST /v1/jurisdictions/demo/checkout"),
        ("permitsuite-payments", "POST /v1/jurisdictions/demo/checkout"),
        ("permitsuite-payments", "payment succeeded"),  # the webhook, in the checkout's trace
        ("permitsuite-permits", f"consume {SETTLED}"),  # the fees paid: the permit issued
        ("permitsuite-notifications", f"consume {SETTLED}"),
        ("permitsuite-notifications", "send email"),  # the receipt
    }

    def one_trace() -> bool:
        return wanted <= {(s.service, s.name) for s in traces.trace(trace_id)}

    eventually_sync(one_trace, timeout=60, what="the payment's spans, in one trace")
    spans = traces.trace(trace_id)
    services = {s.service for s in spans}
    assert {
        "permitsuite-gateway",
        "permitsuite-payments",
        "permitsuite-permits",
        "permitsuite-notifications",
    } <= services
    # the permit's issue is in the trace: permits recorded it while handling the settlement
    issued_by = [s for s in spans if s.service == "permitsuite-permits" and SETTLED in s.name]
    assert issued_by, [s.name for s in spans]
    # every span but the gateway's first hangs under another span of the trace
    ids = {s.span_id for s in spans}
    roots = [s for s in spans if s.parent_id not in ids]
    assert [r.service for r in roots] == ["permitsuite-gateway"], roots
