"""The cashier in the staff console (issue 27) against a scripted API: a
counter payment by check (its number asked for), its receipt and a refund of
one line with a reason; the payment search in the jurisdiction's local days;
an inspector sees no cashier page and gets 404 at its URL."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from .conftest import Portal, csrf_of
from .test_staff_pages import PERMIT, staff_api

pytestmark = pytest.mark.integration


FEES_PERMIT = {
    **PERMIT,
    "status": "AWAITING_PAYMENT",
    "fees": [
        {"id": "l1", "name": "MECHANICAL PERMIT", "amount": "96.00", "status": "open"},
        {"id": "l2", "name": "PLANNING", "amount": "35.00", "status": "open"},
        {"id": "l0", "name": "OLD FEE", "amount": "5.00", "status": "paid"},
    ],
}
PAID = {
    "id": "pay1",
    "status": "SETTLED",
    "channel": "counter",
    "method": "check",
    "method_label": "Check",
    "receipt_number": "R-2026-000123",
    "items": [
        {
            "permit_id": "p1",
            "number": "RES26-0042",
            "lines": [
                {"line_id": "l1", "name": "MECHANICAL PERMIT", "amount": "96.00"},
                {"line_id": "l2", "name": "PLANNING", "amount": "35.00"},
            ],
        }
    ],
    "fees": "131.00",
    "convenience_fee": "0.00",
    "total": "131.00",
    "refunded": "0.00",
    "currency": "USD",
    "payer_name": "Rich Contractor",
    "settled_at": "2026-12-07T17:00:00Z",
}


def cashier_api(roles: list[str], sent: list[httpx.Request]) -> Any:
    base = staff_api(roles, sent)

    def api(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/jurisdictions/demo/permit-search":
            return httpx.Response(200, json={"items": [FEES_PERMIT], "total": 1})
        if path == "/v1/jurisdictions/demo/counter-payments":
            sent.append(request)
            return httpx.Response(201, json=PAID)
        if path in (
            "/v1/jurisdictions/demo/payments/pay1",
            "/v1/jurisdictions/demo/staff/payments",
        ):
            sent.append(request)
            if path.endswith("/staff/payments"):
                return httpx.Response(200, json={"items": [PAID], "total": 1})
            return httpx.Response(200, json=PAID)
        if path == "/v1/jurisdictions/demo/payments/pay1/refunds":
            sent.append(request)
            return httpx.Response(201, json={"id": "rf1"})
        return base(request)

    return api


async def test_a_counter_payment_by_check_and_a_refund_of_one_line(portal: Portal) -> None:
    sent: list[httpx.Request] = []
    portal.api(cashier_api(["cashier"], sent))
    await portal.log_in()
    counter = await portal.client.get("/j/demo/staff/cashier/counter?permit=RES26-0042")
    assert counter.status_code == 200, counter.text
    assert "MECHANICAL PERMIT" in counter.text and "OLD FEE" not in counter.text
    form = {
        "csrf_token": csrf_of(counter),
        "permit_id": "p1",
        "number": "RES26-0042",
        "line_ids": ["l1", "l2"],
        "method": "check",
        "reference": "",
        "payer_name": "Rich Contractor",
        "key": "k-counter",
    }
    no_check = await portal.client.post("/j/demo/staff/cashier/counter", data=form)
    assert no_check.status_code == 422 and "Enter the check number" in no_check.text
    taken = await portal.client.post(
        "/j/demo/staff/cashier/counter", data={**form, "reference": "1047"}
    )
    assert taken.status_code == 303
    assert taken.headers["location"] == "/j/demo/staff/payments/pay1"
    posted = next(r for r in sent if r.url.path.endswith("/counter-payments"))
    assert json.loads(posted.content) == {
        "method": "check",
        "reference": "1047",
        "payer_name": "Rich Contractor",
        "permits": [{"permit_id": "p1", "line_ids": ["l1", "l2"]}],
    }
    assert posted.headers["idempotency-key"] == "k-counter"
    receipt = await portal.client.get("/j/demo/staff/payments/pay1")
    assert "Receipt R-2026-000123" in receipt.text and "Print this receipt" in receipt.text
    refund = {"csrf_token": csrf_of(receipt), "line_ids": ["l2"], "reason": "", "key": "k-rf"}
    unexplained = await portal.client.post("/j/demo/staff/payments/pay1/refunds", data=refund)
    assert unexplained.status_code == 422 and "Give the reason" in unexplained.text
    done = await portal.client.post(
        "/j/demo/staff/payments/pay1/refunds", data={**refund, "reason": "planning fee waived"}
    )
    assert done.status_code == 303
    refunded = next(r for r in sent if r.url.path.endswith("/refunds"))
    assert json.loads(refunded.content) == {"reason": "planning fee waived", "line_ids": ["l2"]}


async def test_the_payment_search_asks_for_the_local_days(portal: Portal) -> None:
    sent: list[httpx.Request] = []
    portal.api(cashier_api(["admin"], sent))
    await portal.log_in()
    blank = await portal.client.get(
        "/j/demo/staff/cashier?receipt=&permit=RES26-0042&from=&to=&method="
    )
    assert blank.status_code == 200 and "R-2026-000123" in blank.text  # blank fields left out
    found = await portal.client.get("/j/demo/staff/cashier?from=2026-12-07&to=2026-12-07")
    assert found.status_code == 200 and "R-2026-000123" in found.text
    search = [r for r in sent if r.url.path.endswith("/staff/payments")][-1]
    assert search.url.params["from"] == "2026-12-07T00:00:00-07:00"  # Boise's midnight
    assert search.url.params["to"] == "2026-12-08T00:00:00-07:00"


async def test_an_inspector_sees_no_cashier_and_gets_404_there(portal: Portal) -> None:
    portal.api(cashier_api(["inspector"], []))
    await portal.log_in()
    home = await portal.client.get("/j/demo/staff/")
    assert "/j/demo/staff/cashier" not in home.text
    for path in ("/j/demo/staff/cashier", "/j/demo/staff/payments/pay1"):
        assert (await portal.client.get(path)).status_code == 404, path
