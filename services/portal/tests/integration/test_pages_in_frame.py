"""Pages that keep their place (issue 23): the jurisdiction's own address
is its home, a bad address is a page in the jurisdiction's frame, and an
issued permit's card prints and downloads as a PDF."""

from __future__ import annotations

import re

import httpx
import pytest

from .conftest import PROFILE, Portal, scripted_login

pytestmark = pytest.mark.integration


async def test_the_jurisdictions_own_address_is_its_home_page(portal: Portal) -> None:
    """Issue 23, defect 3: ``/j/<id>`` and ``/j/<id>/`` (the header's link, the
    address a department prints) were "Page not found". They are its home: its
    name, its notice, and only the ways in its features allow."""
    profile = {
        **PROFILE,
        "branding": {"notice": "Closed on December 24."},
        "features": {"public_self_enrollment": True, "contractor_self_registration": False},
    }

    def api(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/jurisdictions/demo":
            return httpx.Response(200, json=profile)
        return httpx.Response(404, json={"title": "Not found"})

    portal.api(api)
    for address in ("/j/demo", "/j/demo/"):
        home = await portal.client.get(address)
        assert home.status_code == 200, address
        assert "<h1>Demo County</h1>" in home.text
        assert "Closed on December 24." in home.text
        assert 'href="/j/demo/login"' in home.text and 'href="/j/demo/enroll"' in home.text
        assert 'href="/j/demo/search"' in home.text
        assert 'href="/j/demo/register"' not in home.text  # this one does not take registrations
    assert (await portal.client.get("/j/nowhere/")).status_code == 404


async def test_every_page_with_a_bad_address_is_a_page_in_its_jurisdiction(
    portal: Portal,
) -> None:
    """Issue 23, defects 6 and 10: ``/j/demo/inspections/schedule`` without its
    permit answered FastAPI's 422 JSON (no title, no language), and error pages
    dropped the jurisdiction's header and sent a logged-in contractor to the
    jurisdiction chooser. Every GET page under ``/j/{jurisdiction}``, with its
    query missing and then malformed, answers an HTML page (or a redirect)
    with the department's header and a way back to the visitor's dashboard."""
    from fastapi.routing import APIRoute

    from portal.pages import ROUTERS

    def api(request: httpx.Request) -> httpx.Response:
        if (known := scripted_login(request, [])) is not None:
            return known
        return httpx.Response(404, json={"title": "Not found"})

    portal.api(api)
    assert (await portal.log_in()).status_code == 303
    pages = [
        route
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        and "GET" in route.methods
        and route.path.startswith("/j/{jurisdiction_id}/")
    ]
    assert len(pages) > 15
    checked = 0
    for route in pages:
        path = re.sub(
            r"\{(\w+)\}", lambda m: "demo" if m[1] == "jurisdiction_id" else "x1", route.path
        )
        query = {p.alias: "!!!<>" for p in route.dependant.query_params}
        for params in ({}, query):
            answer = await portal.client.get(path, params=params)
            assert answer.status_code < 500, (path, params, answer.text[:300])
            if answer.is_redirect:
                continue
            assert answer.headers["content-type"].startswith("text/html"), (path, params)
            assert '<html lang="en">' in answer.text and "<title>" in answer.text
            if answer.status_code >= 400:
                checked += 1
                assert "Demo County" in answer.text, (path, params)  # the header stays
                assert 'href="/j/demo/dashboard"' in answer.text, (path, params)
    assert checked >= 5
    missing = await portal.client.get("/j/demo/inspections/schedule")
    assert missing.status_code == 400 and "This address is incomplete" in missing.text
    assert "permit" in missing.text


ISSUED = {
    "id": "p1",
    "number": "RES26-0003",
    "status": "ISSUED",
    "type_code": "RES",
    "type_name": "RESIDENTIAL",
    "site": {"street": "1968 E Dodd Rd", "city": "Meridian", "state": "ID", "zip": "83642"},
    "applicant": {"name": "Pat Owner", "email": "pat@example.org"},
    "company_ids": ["c1"],
    "description": "New home",
    "issued_at": "2026-12-06T03:50:00Z",  # 8:50 PM on 12/5 in Boise
    "expires_at": "2027-06-04T03:50:00Z",
}


async def test_an_issued_permits_card_prints_and_downloads(portal: Portal) -> None:
    """Issue 23 (eTRAKIT's printable permit): the card a contractor posts on
    site — the department, number, type, address, holder, contractor, issued
    and expiry dates in the jurisdiction's time, a way to verify it — as a
    print page and as a PDF; a permit not issued yet has none."""
    import io

    from pypdf import PdfReader

    permits = {"p1": ISSUED, "p2": {**ISSUED, "id": "p2", "status": "IN_REVIEW"}}

    def api(request: httpx.Request) -> httpx.Response:
        if (known := scripted_login(request, ["c1"])) is not None:
            return known
        path = request.url.path
        if path.startswith("/v1/jurisdictions/demo/permits/"):
            return httpx.Response(200, json=permits[path.rsplit("/", 1)[1]])
        if path == "/v1/jurisdictions/demo/companies/c1":
            return httpx.Response(200, json={"id": "c1", "name": "Rich Contractor"})
        return httpx.Response(404, json={"title": "Not found"})

    portal.api(api)
    assert (await portal.log_in()).status_code == 303
    page = await portal.client.get("/j/demo/permits/p1/card")
    assert page.status_code == 200
    for fact in ("RES26-0003", "1968 E Dodd Rd, Meridian, ID 83642", "Rich Contractor"):
        assert fact in page.text
    assert "Sat 12/5/2026" in page.text and "Thu 6/3/2027" in page.text
    assert "/j/demo/search/RES26-0003" in page.text  # the public page verifies it

    pdf = await portal.client.get("/j/demo/permits/p1/card.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    for fact in ("BUILDING PERMIT", "RES26-0003", "Pat Owner", "Rich Contractor", "Sat 12/5/2026"):
        assert fact in text, fact

    assert (await portal.client.get("/j/demo/permits/p2/card")).status_code == 409
    assert (await portal.client.get("/j/demo/permits/p2/card.pdf")).status_code == 409


async def test_a_receipt_downloads_as_a_pdf(portal: Portal) -> None:
    """Issue 23, defect 11: receipts had no print layout or PDF. The PDF says
    what the page says: number, local time, method in words, reference, lines."""
    import io

    from pypdf import PdfReader

    paid = {
        "id": "pay_1",
        "status": "SETTLED",
        "receipt_number": "R2026-000007",
        "settled_at": "2026-12-06T03:50:00Z",
        "method": "echeck",
        "method_label": "Electronic Check - $1.50",
        "provider_reference": "sbx_cs_42",
        "payer_email": "rich@example.org",
        "items": [{"number": "RES26-0003", "lines": [{"name": "PLANNING", "amount": "35.00"}]}],
        "fees": "35.00",
        "convenience_fee": "1.50",
        "convenience_fee_label": "Access Idaho Fee",
        "total": "36.50",
        "currency": "USD",
    }

    def api(request: httpx.Request) -> httpx.Response:
        if (known := scripted_login(request, [])) is not None:
            return known
        if request.url.path == "/v1/jurisdictions/demo/payments/pay_1/receipt":
            return httpx.Response(200, json=paid)
        return httpx.Response(404, json={"title": "Not found"})

    portal.api(api)
    assert (await portal.log_in()).status_code == 303
    pdf = await portal.client.get("/j/demo/payments/pay_1/receipt.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    for fact in (
        "Receipt R2026-000007",
        "Sat 12/5/2026 8:50 PM MST",
        "Electronic Check - $1.50",
        "sbx_cs_42",
        "PLANNING",
        "$36.50",
    ):
        assert fact in text, fact
    # an unsettled payment has no receipt: the API's 404 is the portal's
    assert (await portal.client.get("/j/demo/payments/pay_2/receipt.pdf")).status_code == 404
