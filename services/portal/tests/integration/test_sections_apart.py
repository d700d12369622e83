"""A page's optional section whose service does not answer is left out, not
the page (issue 24: Pay All Fees' list of other permits and a public permit
page's inspections caught only a refusal, so a 503 failed the whole page)."""

from __future__ import annotations

import httpx
import pytest

from .conftest import EMPTY_CART, PROFILE, Portal, scripted_login

pytestmark = pytest.mark.integration
DOWN = httpx.Response(503, json={"title": "Service Unavailable"})


async def test_the_cart_stands_when_permits_cannot_list_fees_due(portal: Portal) -> None:
    def api(request: httpx.Request) -> httpx.Response:
        if (known := scripted_login(request, [])) is not None:
            return known
        path = request.url.path
        if path.endswith("/dashboard/permits"):
            return DOWN
        if path.endswith("/cart"):
            return httpx.Response(200, json=EMPTY_CART)
        if path.endswith("/payments"):
            return httpx.Response(200, json={"items": [], "total": 0, "limit": 10, "offset": 0})
        return httpx.Response(404, json={"title": "Not found"})

    portal.api(api)
    await portal.log_in()
    page = await portal.client.get("/j/demo/cart")
    assert page.status_code == 200 and "Your shopping cart is empty" in page.text


async def test_a_public_permit_page_stands_when_inspections_do_not_answer(portal: Portal) -> None:
    permit = {
        "id": "p1",
        "number": "RES26-0003",
        "address": "1968 E Dodd Rd",
        "type": "RESIDENTIAL",
        "status": "ISSUED",
        "status_label": "ISSUED",
        "company_ids": [],
    }

    def api(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/jurisdictions/demo":
            return httpx.Response(200, json=PROFILE)
        if path.endswith("/public-permits/RES26-0003"):
            return httpx.Response(200, json=permit)
        if path.endswith("/public-inspections"):
            return DOWN
        return httpx.Response(404, json={"title": "Not found"})

    portal.api(api)
    page = await portal.client.get("/j/demo/search/RES26-0003")
    assert page.status_code == 200 and "1968 E Dodd Rd" in page.text
    assert "inspections of this permit cannot be shown right now" in page.text
