"""Search Permit (seed 003's menu): anyone, without a login, by permit
number or the start of the address; public fields only. Each result opens
the permit's public page (also a permit card's verification link): status,
type, address, dates, its contractors' names and its inspections' results."""

from __future__ import annotations

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from portal.answers import PublicInspection
from portal.gateway import ApiProblem, Unavailable
from portal.i18n import N_, gettext
from portal.web import Page, PublicPage

router = APIRouter(prefix="/j/{jurisdiction_id}")


@router.get("/search")
async def search(
    page: PublicPage,
    number: str | None = Query(default=None, max_length=40),
    address: str | None = Query(default=None, max_length=200),
) -> Response:
    values = {"number": number or "", "address": address or ""}
    if number is None and address is None:
        return page.render("search.html", title=N_("Search Permit"), values=values, results=None)
    try:
        results = await page.public().find_permits(**{k: v for k, v in values.items() if v})
    except ApiProblem as problem:
        if problem.status == 429:
            errors = {"number": N_("Too many searches: wait a minute and try again")}
        elif problem.status == 422:
            errors = {
                "number": N_("Enter a permit number, or at least 4 characters of the address")
            }
        else:
            raise
        return page.render(
            "search.html",
            422,
            title=N_("Search Permit"),
            values=values,
            results=None,
            errors=errors,
        )
    return page.render("search.html", title=N_("Search Permit"), values=values, results=results)


async def _contractors(page: Page, company_ids: list[str]) -> list[str]:
    names = []
    for company_id in company_ids:
        try:
            found = await page.public().company(company_id)
        except ApiProblem as problem:
            if problem.status != 404:
                raise
        else:
            names.append(found.name or "")
    return names


async def _inspections(page: Page, permit_id: str) -> list[PublicInspection] | None:
    """None when inspections does not answer: the page still shows the permit."""
    try:
        return await page.public().inspections(permit_id)
    except Unavailable:
        return None


@router.get("/search/{number}")
async def public_permit(
    page: PublicPage, number: str = Path(max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
) -> Response:
    """A search result's page, for anyone: nothing personal is shown."""
    found = await page.public().permit(number)
    return page.render(
        "public_permit.html",
        title=gettext("Permit {number}").format(number=found.number),
        p=found,
        contractors=await _contractors(page, found.company_ids),
        inspections=await _inspections(page, found.id),
    )
