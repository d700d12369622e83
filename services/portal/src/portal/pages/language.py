"""The language switch in every page's footer: the visitor's choice,
remembered for a year (:mod:`portal.i18n`)."""

from __future__ import annotations

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse

from portal import i18n
from portal.security import safe_next

router = APIRouter()


@router.get("/language/{code}", name="language")
async def choose_language(
    request: Request,
    code: str = Path(pattern="^(" + "|".join(i18n.LANGUAGES) + ")$"),
    next_page: str = Query("/", alias="next", max_length=2000),
) -> RedirectResponse:
    """Back to the page the visitor was on, now in ``code``. Only a path of
    this portal is followed (``//elsewhere`` or a full address is not)."""
    response = RedirectResponse(safe_next(next_page, "/"), status_code=303)
    secure = bool(request.app.state.settings.secure_cookies)
    response.set_cookie(
        i18n.COOKIE, code, max_age=i18n.COOKIE_SECONDS, samesite="lax", secure=secure
    )
    return response
