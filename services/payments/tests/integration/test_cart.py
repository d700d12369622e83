"""Receivables from permits' events, the cart across permits, the checkout summary."""

from __future__ import annotations

from typing import Any

import pytest
from devstack.testing import eventually

from contracts.permits import FeeAssessed, FeeLine, FeeVoided, SiteAddress

pytestmark = pytest.mark.integration

RES16_0688 = [
    ("MECHANICAL PERMIT", 9600),
    ("PLAN REVIEW FEE BALANCE", 6508),
    ("BUILDING PERMIT FEE", 65075),
    ("PLANNING", 3500),
    ("RES/GAR/ADD PARTIAL PLAN REVIEW FEE", 13015),
    ("FIRE DISTRICT INSPECTION FEE", 4700),
]
SETTINGS = {
    "online_payments": True,
    "fee_label": "Access Idaho Fee",
    "methods": [
        {"code": "card", "label": "Credit Card - 3%", "fee_percent": "3"},
        {"code": "echeck", "label": "Electronic Check - $1.50", "fee_flat": "1.50"},
    ],
}


def _assessed(
    permit_id: str, number: str, lines: list[tuple[str, int]], version: int = 5
) -> FeeAssessed:
    return FeeAssessed(
        permit_id=permit_id,
        jurisdiction_id="alpha",
        number=number,
        type_name="RESIDENTIAL",
        site=SiteAddress(street="1968 E Dodd Rd"),
        lines=[
            FeeLine(line_id=f"{permit_id}-{n}", name=name, amount_minor=amount)
            for n, (name, amount) in enumerate(lines)
        ],
        balance_minor=sum(a for _, a in lines),
        payer_emails=["pat@example.org"],
        company_ids=["c1"],
        version=version,
    )


async def _receivables(harness: Any, count: int) -> None:
    coll = harness.runtime.db["receivables"]

    async def ready() -> bool:
        return await coll.count_documents({}) == count

    await eventually(ready)


async def test_checkout_summary_reproduces_etrakit(harness: Any) -> None:
    """R-PAY-3/4: fees $1,023.98; card 3% → $30.72 = $1,054.70; e-check → $1,025.48."""
    admin = harness.token("alpha", "staff", roles=["admin"])
    assert (
        await harness.http.put(
            "/v1/jurisdictions/alpha/payment-settings", headers=admin, json=SETTINGS
        )
    ).status_code == 200
    await harness.publish(_assessed("p1", "RES16-0688", RES16_0688), "e1")
    await _receivables(harness, 1)
    rich = harness.token("alpha", "contractor", email="rich@example.org", companies=["c1"])
    assert (
        await harness.http.post(
            "/v1/jurisdictions/alpha/cart/items", headers=rich, json={"permit_id": "p1"}
        )
    ).status_code == 204
    card = (await harness.http.get("/v1/jurisdictions/alpha/cart?method=card", headers=rich)).json()
    assert [ln["amount"] for ln in card["permits"][0]["lines"]] == [
        "96.00",
        "65.08",
        "650.75",
        "35.00",
        "130.15",
        "47.00",
    ]
    assert (card["total_fees"], card["convenience_fee"], card["total_due"]) == (
        "1023.98",
        "30.72",
        "1054.70",
    )
    assert card["convenience_fee_label"] == "Access Idaho Fee"
    echeck = (
        await harness.http.get("/v1/jurisdictions/alpha/cart?method=echeck", headers=rich)
    ).json()
    assert (echeck["convenience_fee"], echeck["total_due"]) == ("1.50", "1025.48")


async def test_cart_across_permits_drops_lines_voided_since(harness: Any) -> None:
    admin = harness.token("alpha", "staff", roles=["admin"])
    await harness.http.put("/v1/jurisdictions/alpha/payment-settings", headers=admin, json=SETTINGS)
    for n in range(3):
        await harness.publish(
            _assessed(f"p{n}", f"RES26-000{n}", [("PLANNING", 3500), ("MECH", 9600)]), f"a{n}"
        )
    await _receivables(harness, 3)
    pat = harness.token("alpha", "community_member", email="pat@example.org")
    for n in range(3):
        r = await harness.http.post(
            "/v1/jurisdictions/alpha/cart/items", headers=pat, json={"permit_id": f"p{n}"}
        )
        assert r.status_code == 204, r.text
    await harness.publish(
        FeeVoided(
            permit_id="p1",
            jurisdiction_id="alpha",
            number="RES26-0001",
            line_id="p1-1",
            reason="duplicate",
            balance_minor=3500,
            version=6,
        ),
        "v1",
    )
    coll = harness.runtime.db["receivables"]

    async def voided() -> bool:
        doc = await coll.find_one({"_id": "p1"})
        return bool(doc) and doc["lines"]["p1-1"]["status"] == "voided"

    await eventually(voided)
    summary = (await harness.http.get("/v1/jurisdictions/alpha/cart", headers=pat)).json()
    assert summary["total_fees"] == "297.00"  # 3 x 131.00 - 96.00 voided
    assert any("no longer due" in n for n in summary["notices"])
    # an older event delivered late changes nothing
    await harness.publish(
        _assessed("p1", "RES26-0001", [("PLANNING", 3500), ("MECH", 9600)], version=5), "late"
    )
    summary = (await harness.http.get("/v1/jurisdictions/alpha/cart", headers=pat)).json()
    assert summary["total_fees"] == "297.00"


async def test_who_may_pay_and_refusals(harness: Any) -> None:
    await harness.publish(_assessed("p1", "RES26-0001", [("PLANNING", 3500)]), "a1")
    await _receivables(harness, 1)
    pat = harness.token("alpha", "community_member", email="pat@example.org")
    off = await harness.http.post(
        "/v1/jurisdictions/alpha/cart/items", headers=pat, json={"permit_id": "p1"}
    )
    assert off.status_code == 403 and off.json()["type"].endswith("/online-payments-off")
    admin = harness.token("alpha", "staff", roles=["admin"])
    await harness.http.put("/v1/jurisdictions/alpha/payment-settings", headers=admin, json=SETTINGS)
    stranger = harness.token("alpha", "contractor", email="x@example.org", companies=["c9"])
    assert (
        await harness.http.post(
            "/v1/jurisdictions/alpha/cart/items", headers=stranger, json={"permit_id": "p1"}
        )
    ).status_code == 404
    other_j = harness.token("beta", "community_member", email="pat@example.org")
    assert (
        await harness.http.post(
            "/v1/jurisdictions/alpha/cart/items", headers=other_j, json={"permit_id": "p1"}
        )
    ).status_code == 404
    bad_method = await harness.http.get("/v1/jurisdictions/alpha/cart?method=bitcoin", headers=pat)
    assert bad_method.status_code == 422
    cashier = harness.token("alpha", "staff", roles=["cashier"])
    assert (
        await harness.http.put(
            "/v1/jurisdictions/alpha/payment-settings", headers=cashier, json=SETTINGS
        )
    ).status_code == 403


async def test_pay_all_fees_adds_several_permits_in_one_request(harness: Any) -> None:
    """R-PAY-3 (Pay All Fees): ``POST /cart/permits`` puts every named permit's
    open fees in the cart; an empty or too long list is a 422 naming the field."""
    admin = harness.token("alpha", "staff", roles=["admin"])
    await harness.http.put("/v1/jurisdictions/alpha/payment-settings", headers=admin, json=SETTINGS)
    for n in range(2):
        await harness.publish(_assessed(f"p{n}", f"RES26-000{n}", [("PLANNING", 3500)]), f"a{n}")
    await _receivables(harness, 2)
    pat = harness.token("alpha", "community_member", email="pat@example.org")
    url = "/v1/jurisdictions/alpha/cart/permits"
    for body in ({"permit_ids": []}, {"permit_ids": ["p0"] * 101}):
        bad = await harness.http.post(url, headers=pat, json=body)
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "permit_ids"
    missing = await harness.http.post(url, headers=pat, json={"permit_ids": ["p0", "nope"]})
    assert missing.status_code == 404
    assert (await harness.http.get("/v1/jurisdictions/alpha/cart", headers=pat)).json()[
        "permits"
    ] == []
    r = await harness.http.post(url, headers=pat, json={"permit_ids": ["p0", "p1"]})
    assert r.status_code == 204, r.text
    summary = (await harness.http.get("/v1/jurisdictions/alpha/cart", headers=pat)).json()
    assert summary["total_fees"] == "70.00"
