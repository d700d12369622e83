"""The portal's application factory: sessions, the gateway client, security
headers, static USWDS assets, pages, and friendly error pages."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pymongo import AsyncMongoClient
from starlette.exceptions import HTTPException as StarletteHTTPException

from chassis.clock import Clock, SystemClock
from chassis.context import current_correlation_id
from chassis.http import ObservabilityMiddleware
from chassis.logging import configure_logging
from portal.gateway import ApiProblem, Gateway, Unavailable
from portal.pages import ROUTERS
from portal.pages.registration.draft import NoDraft
from portal.security import CsrfRejected, content_security_policy, security_middleware
from portal.sessions import DraftStore, SessionStore
from portal.settings import PortalSettings
from portal.web import TEMPLATES, LoginRequired, Profiles

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


def create_app(settings: PortalSettings, clock: Clock | None = None) -> FastAPI:
    configure_logging("portal", settings.log_level, settings.log_json)
    clock = clock or SystemClock()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_url)
        gateway = Gateway(settings.gateway_url, settings.api_timeout_seconds)
        state = app.state
        state.settings, state.clock, state.gateway = settings, clock, gateway
        state.profiles = Profiles(gateway)
        state.sessions = SessionStore(
            client[settings.mongodb_database],
            clock,
            idle=timedelta(minutes=settings.session_idle_minutes),
            lifetime=timedelta(hours=settings.session_max_hours),
        )
        await state.sessions.ensure_indexes()
        state.drafts = DraftStore(
            client[settings.mongodb_database],
            clock,
            keep=timedelta(days=settings.registration_keep_days),
        )
        await state.drafts.ensure_indexes()
        log.info("portal started, gateway %s", settings.gateway_url)
        try:
            yield
        finally:
            await gateway.close()
            await client.close()

    app = FastAPI(
        title="Permitsuite portal",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _install_error_pages(app)
    app.middleware("http")(_save_refreshed_tokens)
    csp = content_security_policy(settings.payment_origins)
    app.middleware("http")(security_middleware(csp, settings.secure_cookies))
    app.add_middleware(ObservabilityMiddleware, service="portal")
    return app


async def _save_refreshed_tokens(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    api = getattr(request.state, "api", None)
    if api is not None and api.changed:
        await request.app.state.sessions.save(request.state.visitor, api.session)
    return response


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


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(
            f"/j/{exc.jurisdiction_id}/login?next={exc.next_path}", status_code=303
        )

    @app.exception_handler(NoDraft)
    async def no_draft(request: Request, exc: NoDraft) -> Response:
        return RedirectResponse(f"/j/{exc.jurisdiction_id}/register?lost=1", status_code=303)

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, exc: CsrfRejected) -> Response:
        return error_page(
            request,
            403,
            "This form has expired",
            "For your security the form could not be accepted. Go back, reload the page "
            "and try again.",
        )

    @app.exception_handler(Unavailable)
    async def unavailable(request: Request, exc: Unavailable) -> Response:
        log.warning("the API failed: %s", exc)
        return error_page(
            request,
            503,
            "Something went wrong on our side",
            "The service did not answer in time. Nothing you entered is lost that was "
            "confirmed; please try again in a moment.",
        )

    @app.exception_handler(ApiProblem)
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

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return error_page(
                request, 404, "Page not found", "There is nothing here, or it is not yours."
            )
        return error_page(request, exc.status_code, "Request refused", str(exc.detail))

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("page failed: %s %s", request.method, request.url.path)
        return error_page(
            request,
            500,
            "Something went wrong on our side",
            "We could not show this page. Please try again in a moment.",
        )
