"""Search Permit (seed 003's menu): anyone, without a login, by permit
number or the start of the address; public fields only."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from portal.gateway import ApiProblem
from portal.web import PublicPage

router = APIRouter(prefix="/j/{jurisdiction_id}")


@router.get("/search")
async def search(
    page: PublicPage,
    number: str | None = Query(default=None, max_length=40),
    address: str | None = Query(default=None, max_length=200),
) -> Response:
    values = {"number": number or "", "address": address or ""}
    if number is None and address is None:
        return page.render("search.html", title="Search Permit", values=values, results=None)
    try:
        results = await page.app.gateway.json(
            "GET",
            f"/v1/jurisdictions/{page.jid}/public-permits",
            params={k: v for k, v in values.items() if v},
        )
    except ApiProblem as problem:
        if problem.status == 429:
            errors = {"number": "Too many searches: wait a minute and try again"}
        elif problem.status == 422:
            errors = {"number": "Enter a permit number, or at least 4 characters of the address"}
        else:
            raise
        return page.render(
            "search.html", 422, title="Search Permit", values=values, results=None, errors=errors
        )
    return page.render("search.html", title="Search Permit", values=values, results=results)
