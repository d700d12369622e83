"""My Dashboard (seed 003 "THE DASHBOARD"): My Active Permits, My Active
Inspections, My Expired Permits, each paged; a section whose service did not
answer shows a notice instead of failing the page."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from portal.i18n import N_
from portal.web import UserPage

router = APIRouter(prefix="/j/{jurisdiction_id}")
PER_PAGE = 10


@router.get("/dashboard")
async def dashboard(
    page: UserPage,
    permits_offset: int = Query(default=0, ge=0, le=100_000),
    inspections_offset: int = Query(default=0, ge=0, le=100_000),
    expired_offset: int = Query(default=0, ge=0, le=100_000),
) -> Response:
    if page.session is not None and page.session.kind == "staff":
        return page.redirect(page.path("staff_home"))  # staff start at their work queues
    board = await page.member().dashboard(
        limit=PER_PAGE,
        permits_offset=permits_offset,
        inspections_offset=inspections_offset,
        expired_offset=expired_offset,
    )
    return page.render("dashboard.html", title=N_("My Dashboard"), board=board)
