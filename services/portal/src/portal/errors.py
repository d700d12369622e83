"""The portal's error pages: what a visitor sees when a page cannot be shown —
never a stack trace, always the request's correlation id to quote, and, under
a jurisdiction's address, that jurisdiction's header and menu with a way back
to its home (or the visitor's dashboard)."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from chassis.context import current_correlation_id
from portal import i18n
from portal.gateway import ApiProblem, Unavailable
from portal.i18n import N_, _
from portal.pages.registration.draft import NoDraft
from portal.security import CsrfRejected
from portal.sessions import csrf_token
from portal.templating import TEMPLATES, path_for
from portal.web import LoginRequired

log = logging.getLogger(__name__)


JURISDICTION_PATH = re.compile(r"^/j/([^/]+)")


async def _frame(request: Request, *, fetch: bool) -> tuple[Any, Any]:
    """The jurisdiction whose address this is, and the visitor's session there
    (None, None outside one). ``fetch=False`` when the API is struggling: only
    a profile already at hand. An error page never fails for want of them."""
    found = JURISDICTION_PATH.match(request.url.path)
    if found is None:
        return None, None
    state = request.app.state
    try:
        profiles = state.profiles
        jurisdiction = (
            await profiles.get(found.group(1)) if fetch else profiles.cached(found.group(1))
        )
        if jurisdiction is None:
            return None, None
        session = await state.sessions.get(getattr(request.state, "visitor", None))
    except Exception:
        return None, None
    if session is not None and session.jurisdiction_id != jurisdiction.id:
        session = None
    return jurisdiction, session


def _csrf(request: Request) -> str:
    """The visitor's form token, for the header's Log out."""
    secret: str = request.app.state.settings.session_secret.get_secret_value()
    return csrf_token(secret, str(getattr(request.state, "visitor", "")))


async def error_page(
    request: Request, status: int, title: str, message: str, *, fetch: bool = True
) -> HTMLResponse:
    jurisdiction, session = await _frame(request, fetch=fetch)
    with i18n.in_language_of(request):  # also where the language middleware did not run
        return TEMPLATES.TemplateResponse(
            request,
            "error.html",
            {
                "j": jurisdiction,
                "me": session,
                "csrf_token": _csrf(request) if session is not None else "",
                "title": i18n.translate(title),
                "message": i18n.translate(message),
                "correlation_id": current_correlation_id(),
            },
            status_code=status,
        )


async def login_required(request: Request, exc: LoginRequired) -> Response:
    login = path_for(request, "login_page", exc.jurisdiction_id)
    return RedirectResponse(f"{login}?{urlencode({'next': exc.next_path})}", status_code=303)


async def no_draft(request: Request, exc: NoDraft) -> Response:
    register = path_for(request, "register_page", exc.jurisdiction_id)
    await request.app.state.flashes.add(
        request.state.visitor,
        {
            "text": N_(
                "There is no registration in progress in this browser. An emailed link "
                "works once: enter your email again to get a new one. Once you have submitted, "
                "the emails we send tell you what happens next."
            )
        },
    )
    return RedirectResponse(register, status_code=303)


async def csrf_rejected(request: Request, exc: CsrfRejected) -> Response:
    return await error_page(
        request,
        403,
        N_("This form has expired"),
        N_(
            "For your security the form could not be accepted. "
            "Go back, reload the page and try again."
        ),
    )


async def unavailable(request: Request, exc: Unavailable) -> Response:
    log.warning("the API failed: %s", exc)
    if exc.retry_after is not None:  # shed: busy, not broken
        page = await error_page(
            request,
            503,
            N_("We are busy right now"),
            _(
                "Too many people are using the service at this moment. Nothing was changed; "
                "please try again in {seconds} seconds."
            ).format(seconds=exc.retry_after),
            fetch=False,
        )
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    return await error_page(
        request,
        503,
        N_("Something went wrong on our side"),
        N_(
            "The service did not answer in time. Nothing you entered is lost that was "
            "confirmed; please try again in a moment."
        ),
        fetch=False,
    )


async def api_problem(request: Request, exc: ApiProblem) -> Response:
    jurisdiction = request.path_params.get("jurisdiction_id")
    if exc.status == 401 and jurisdiction:
        # the tokens were revoked (password changed, user removed): log in again
        await request.app.state.sessions.end(request.state.visitor)
        return RedirectResponse(path_for(request, "login_page", jurisdiction), status_code=303)
    if exc.status in (401, 403, 404):
        return await error_page(
            request, 404, N_("Page not found"), N_("There is nothing here, or it is not yours.")
        )
    return await error_page(request, exc.status, exc.title, exc.detail)


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if exc.status_code == 404:
        return await error_page(
            request, 404, N_("Page not found"), N_("There is nothing here, or it is not yours.")
        )
    return await error_page(request, exc.status_code, N_("Request refused"), str(exc.detail))


async def bad_address(request: Request, exc: RequestValidationError) -> Response:
    """A page's address with a part missing or malformed (a link cut short,
    an address typed by hand): a page saying so, not the framework's JSON."""
    places = [error.get("loc") or () for error in exc.errors()]
    if any(place and place[0] == "path" for place in places):
        return await error_page(
            request, 404, N_("Page not found"), N_("There is nothing here, or it is not yours.")
        )
    names = sorted({str(place[-1]) for place in places if place})
    return await error_page(
        request,
        400,
        N_("This address is incomplete"),
        _(
            "The address of this page is missing something or has a mistake in it "
            "({names}). Follow the link again from the page you came from."
        ).format(names=", ".join(names)),
    )


async def crashed(request: Request, exc: Exception) -> Response:
    log.exception("page failed: %s %s", request.method, request.url.path)
    return await error_page(
        request,
        500,
        N_("Something went wrong on our side"),
        N_("We could not show this page. Please try again in a moment."),
    )


ERROR_PAGES: dict[type[Exception], Callable[[Request, Any], Awaitable[Response]]] = {
    LoginRequired: login_required,
    NoDraft: no_draft,
    CsrfRejected: csrf_rejected,
    Unavailable: unavailable,
    ApiProblem: api_problem,
    StarletteHTTPException: http_error,
    RequestValidationError: bad_address,
    Exception: crashed,
}
