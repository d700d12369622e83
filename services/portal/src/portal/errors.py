"""The portal's error pages: what a visitor sees when a page cannot be shown —
never a stack trace, always the request's correlation id to quote."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from chassis.context import current_correlation_id
from portal.gateway import ApiProblem, Unavailable
from portal.pages.registration.draft import NoDraft
from portal.security import CsrfRejected
from portal.web import TEMPLATES, LoginRequired

log = logging.getLogger(__name__)


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request,
        "error.html",
        {
            "j": None,
            "me": None,
            "title": title,
            "message": message,
            "correlation_id": current_correlation_id(),
        },
        status_code=status,
    )


async def login_required(request: Request, exc: LoginRequired) -> Response:
    return RedirectResponse(f"/j/{exc.jurisdiction_id}/login?next={exc.next_path}", status_code=303)


async def no_draft(request: Request, exc: NoDraft) -> Response:
    return RedirectResponse(f"/j/{exc.jurisdiction_id}/register?lost=1", status_code=303)


async def csrf_rejected(request: Request, exc: CsrfRejected) -> Response:
    return error_page(
        request,
        403,
        "This form has expired",
        "For your security the form could not be accepted. Go back, reload the page and try again.",
    )


async def unavailable(request: Request, exc: Unavailable) -> Response:
    log.warning("the API failed: %s", exc)
    if exc.retry_after is not None:  # shed: busy, not broken
        page = error_page(
            request,
            503,
            "We are busy right now",
            f"Too many people are using the service at this moment. Nothing was changed; "
            f"please try again in {exc.retry_after} seconds.",
        )
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    return error_page(
        request,
        503,
        "Something went wrong on our side",
        "The service did not answer in time. Nothing you entered is lost that was "
        "confirmed; please try again in a moment.",
    )


async def api_problem(request: Request, exc: ApiProblem) -> Response:
    jurisdiction = request.path_params.get("jurisdiction_id")
    if exc.status == 401 and jurisdiction:
        # the tokens were revoked (password changed, user removed): log in again
        await request.app.state.sessions.end(request.state.visitor)
        return RedirectResponse(f"/j/{jurisdiction}/login", status_code=303)
    if exc.status in (401, 403, 404):
        return error_page(
            request, 404, "Page not found", "There is nothing here, or it is not yours."
        )
    return error_page(request, exc.status, exc.title, exc.detail)


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if exc.status_code == 404:
        return error_page(
            request, 404, "Page not found", "There is nothing here, or it is not yours."
        )
    return error_page(request, exc.status_code, "Request refused", str(exc.detail))


async def crashed(request: Request, exc: Exception) -> Response:
    log.exception("page failed: %s %s", request.method, request.url.path)
    return error_page(
        request,
        500,
        "Something went wrong on our side",
        "We could not show this page. Please try again in a moment.",
    )


ERROR_PAGES: dict[type[Exception], Callable[[Request, Any], Awaitable[Response]]] = {
    LoginRequired: login_required,
    NoDraft: no_draft,
    CsrfRejected: csrf_rejected,
    Unavailable: unavailable,
    ApiProblem: api_problem,
    StarletteHTTPException: http_error,
    Exception: crashed,
}
