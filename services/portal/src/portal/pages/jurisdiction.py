"""A jurisdiction's home page, ``/j/{jurisdiction_id}`` (with or without the
trailing slash): the address a department prints on its letters. Its name and
logo, the notice it sets, and the ways in — log in, set up a public account,
apply for a contractor license, search permits; a logged-in visitor is
offered the dashboard."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from portal.i18n import N_
from portal.web import PublicPage

router = APIRouter(prefix="/j/{jurisdiction_id}")


@router.get("")
@router.get("/")
async def home(page: PublicPage) -> Response:
    return page.render("jurisdiction.html", title=N_("Online permits"))
